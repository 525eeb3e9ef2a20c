/**
 * The estimators the BCU's method is compared with in `estimation-accuracy.ts` (not product code): plain coulomb
 * counting, OCV-only, and an extended Kalman filter on the same equivalent circuit, per cell. They read the same
 * RackMeasurements as the BCU's estimation and use the same OCV table and cell model, so only the method differs.
 */
import type { RackMeasurements } from "../src/bcu/rack-measurements.ts";
import type { EstimationConfig } from "../src/bcu/estimation/config.ts";
import { updateHysteresis } from "../src/bcu/estimation/hysteresis.ts";
import { lfpOcv_mV, lfpOcvSlope_mV_per_pct, lfpSocFromOcv } from "../src/bcu/estimation/lfp-ocv.ts";
import { rackCharge } from "../src/bcu/estimation/pack-soc.ts";

/** Pack-level coulomb counting from a start SOC with the rated capacity: no calibration of any kind. */
export class CoulombCountingOnly {
  private lastTimeMs = NaN;
  private lastCurrent = 0;
  constructor(
    private soc: number,
    private readonly capacity_Ah: number,
    private readonly efficiency: number,
  ) {}

  step(m: RackMeasurements): number {
    if (m.current_A !== null && m.currentTimeMs > this.lastTimeMs) {
      if (!Number.isNaN(this.lastTimeMs)) {
        const ah = (((this.lastCurrent + m.current_A) / 2) * (m.currentTimeMs - this.lastTimeMs)) / 3_600_000;
        this.soc -= (ah < 0 ? ah * this.efficiency : ah) / this.capacity_Ah;
        this.soc = Math.max(0, Math.min(1, this.soc));
      }
      this.lastTimeMs = m.currentTimeMs;
      this.lastCurrent = m.current_A;
    }
    return this.soc;
  }
}

/** Every cycle, each cell's SOC read from its voltage with the ohmic drop added back; rack SOC from the cells. */
export class OcvOnly {
  private readonly soc: Float64Array;
  private readonly capacity: Float64Array;
  private h = 0;
  private lastTimeMs = NaN;
  constructor(
    cells: number,
    private readonly config: EstimationConfig,
    private readonly rated_Ah: number,
  ) {
    this.soc = new Float64Array(cells);
    this.capacity = new Float64Array(cells).fill(rated_Ah);
  }

  step(m: RackMeasurements): number | null {
    if (m.current_A === null || m.validCellCount !== this.soc.length) return null;
    if (!Number.isNaN(this.lastTimeMs)) {
      const removed = (m.current_A * (m.currentTimeMs - this.lastTimeMs)) / 3_600_000 / this.rated_Ah;
      this.h = updateHysteresis(this.h, removed, this.config.hysteresisThroughput_pct);
    }
    this.lastTimeMs = m.currentTimeMs;
    const t = m.temperatureAverage_degC ?? 25;
    for (let i = 0; i < this.soc.length; i++) {
      this.soc[i] = lfpSocFromOcv(m.cellVoltage_mV[i] + m.current_A * this.config.cellR0_mOhm, t, this.h);
    }
    return rackCharge(this.soc, this.capacity).soc;
  }
}

/**
 * Per-cell extended Kalman filter on OCV(SOC) + R0 + two RC pairs, states [SOC, V1, V2]. Process noise on the
 * SOC from the current sensor (σ `currentSigma_A`); measurement noise `voltageSigma_mV` (noise, hysteresis and
 * model error together). The classic alternative to calibrated coulomb counting.
 */
export class CellEkf {
  readonly soc: Float64Array;
  private readonly v1: Float64Array;
  private readonly v2: Float64Array;
  /** Symmetric 3×3 covariance per cell: p00 p01 p02 p11 p12 p22. */
  private readonly p: Float64Array;
  private readonly capacity: Float64Array;
  private h = 0;
  private lastTimeMs = NaN;
  private lastCurrent = 0;

  constructor(
    initialSoc: ArrayLike<number>,
    private readonly config: EstimationConfig,
    private readonly rated_Ah: number,
    private readonly currentSigma_A = 1,
    private readonly voltageSigma_mV = 10,
  ) {
    const n = initialSoc.length;
    this.soc = Float64Array.from(initialSoc);
    this.v1 = new Float64Array(n);
    this.v2 = new Float64Array(n);
    this.p = new Float64Array(n * 6);
    for (let i = 0; i < n; i++) {
      this.p[i * 6] = 0.1 * 0.1;
      this.p[i * 6 + 3] = 25;
      this.p[i * 6 + 5] = 25;
    }
    this.capacity = new Float64Array(n).fill(rated_Ah);
  }

  step(m: RackMeasurements): number | null {
    if (m.current_A === null || m.validCellCount !== this.soc.length) return null;
    const c = this.config;
    const current = m.current_A;
    if (Number.isNaN(this.lastTimeMs) || m.currentTimeMs <= this.lastTimeMs) {
      this.lastTimeMs = m.currentTimeMs;
      this.lastCurrent = current;
      return rackCharge(this.soc, this.capacity).soc;
    }
    const dt_s = (m.currentTimeMs - this.lastTimeMs) / 1000;
    const mean = (current + this.lastCurrent) / 2;
    this.lastTimeMs = m.currentTimeMs;
    this.lastCurrent = current;
    const removed_Ah = ((mean < 0 ? mean * c.coulombicEfficiency : mean) * dt_s) / 3600;
    this.h = updateHysteresis(this.h, removed_Ah / this.rated_Ah, c.hysteresisThroughput_pct);
    const a1 = Math.exp(-dt_s / c.cellTau1_s);
    const a2 = Math.exp(-dt_s / c.cellTau2_s);
    const t = m.temperatureAverage_degC ?? 25;
    const r = this.voltageSigma_mV ** 2;
    const p = this.p;
    for (let i = 0; i < this.soc.length; i++) {
      const cap = this.capacity[i];
      // Predict.
      let s = this.soc[i] - removed_Ah / cap;
      let v1 = a1 * this.v1[i] + c.cellR1_mOhm * (1 - a1) * current;
      let v2 = a2 * this.v2[i] + c.cellR2_mOhm * (1 - a2) * current;
      const k = i * 6;
      const qs = ((this.currentSigma_A * dt_s) / 3600 / cap) ** 2;
      let p00 = p[k] + qs;
      let p01 = p[k + 1] * a1;
      let p02 = p[k + 2] * a2;
      let p11 = p[k + 3] * a1 * a1 + 0.01;
      let p12 = p[k + 4] * a1 * a2;
      let p22 = p[k + 5] * a2 * a2 + 0.01;
      // Update with the cell voltage: y = V − (OCV − I·R0 − V1 − V2), H = [dOCV/dSOC, −1, −1].
      const sc = Math.max(0, Math.min(1, s));
      const predicted = lfpOcv_mV(sc, t, this.h) - current * c.cellR0_mOhm - v1 - v2;
      const y = m.cellVoltage_mV[i] - predicted;
      const g = lfpOcvSlope_mV_per_pct(sc) * 100;
      // P·Hᵀ
      const ph0 = p00 * g - p01 - p02;
      const ph1 = p01 * g - p11 - p12;
      const ph2 = p02 * g - p12 - p22;
      const sInnov = g * ph0 - ph1 - ph2 + r;
      const k0 = ph0 / sInnov;
      const k1 = ph1 / sInnov;
      const k2 = ph2 / sInnov;
      s += k0 * y;
      v1 += k1 * y;
      v2 += k2 * y;
      p00 -= k0 * ph0;
      p01 -= k0 * ph1;
      p02 -= k0 * ph2;
      p11 -= k1 * ph1;
      p12 -= k1 * ph2;
      p22 -= k2 * ph2;
      this.soc[i] = Math.max(0, Math.min(1, s));
      this.v1[i] = v1;
      this.v2[i] = v2;
      p[k] = p00;
      p[k + 1] = p01;
      p[k + 2] = p02;
      p[k + 3] = p11;
      p[k + 4] = p12;
      p[k + 5] = p22;
    }
    return rackCharge(this.soc, this.capacity).soc;
  }
}

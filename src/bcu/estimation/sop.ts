import { lfpMeanOcv_mV } from "./lfp-ocv.ts";

/**
 * State of power from the cell equivalent circuit (OCV + R0 + two RC pairs): for a horizon t, the constant
 * current at which the most-limited cell reaches its voltage limit at t. Per cell i:
 *
 *   V(t) = E − s·I·t/C − I·R0 − V1·e1 − I·R1·(1 − e1) − V2·e2 − I·R2·(1 − e2),   ek = exp(−t/τk)
 *
 * with E the cell's present OCV (its voltage with the ohmic drop and the tracked polarisation V1, V2 added
 * back) and s the OCV slope over the SOC the horizon would use, from where E sits on the OCV curve. Both come
 * from the measurement, not from the SOC estimate, so a wrong SOC can neither make the limit unsafe nor starve
 * the rack; the ends of LFP are steep, so the limit falls there by itself.
 * Solving V(t) = limit for I is linear. Sign: + = discharge; both limits are returned as magnitudes ≥ 0.
 */
export interface SopCells {
  /** Present OCV per cell from the measurement, mV. */
  readonly ocv_mV: Float64Array;
  /** Polarisation voltages (+ under discharge), mV. */
  readonly v1_mV: Float64Array;
  readonly v2_mV: Float64Array;
  /** Where each cell's OCV sits on the curve (SOC read from `ocv_mV`), fraction. */
  readonly socAtOcv: Float64Array;
  readonly capacity_Ah: Float64Array;
  /** Resistances at the cells' present temperature, mΩ. */
  readonly r0_mOhm: Float64Array;
  readonly r1_mOhm: Float64Array;
  readonly r2_mOhm: Float64Array;
}

export interface EcmLimit {
  /** Highest current (A, ≥ 0) for which no cell passes its limit within the horizon. */
  current_A: number;
  /** Pack voltage at the end of the horizon at that current, V. */
  packVoltage_V: number;
  /** Index of the cell that sets the limit. */
  limitingCell: number;
}

export interface EcmHorizon {
  readonly horizon_s: number;
  /**
   * The largest current asked about: the OCV slope is taken over the SOC this current would use in the
   * horizon, a conservative secant near the ends.
   */
  readonly ratedCurrent_A: number;
}

/** The limit for one horizon (see `ecmLimits` for several in one pass over the cells). */
export function ecmLimit(
  cells: SopCells,
  direction: "charge" | "discharge",
  horizon_s: number,
  tau1_s: number,
  tau2_s: number,
  voltageLimit_mV: number,
  ratedCurrent_A: number,
): EcmLimit {
  const out = [{ current_A: 0, packVoltage_V: 0, limitingCell: -1 }];
  ecmLimits(cells, direction, [{ horizon_s, ratedCurrent_A }], tau1_s, tau2_s, voltageLimit_mV, out);
  return out[0];
}

const MAX_HORIZONS = 4;
const e1s = new Float64Array(MAX_HORIZONS);
const e2s = new Float64Array(MAX_HORIZONS);
const rcFactor = new Float64Array(MAX_HORIZONS * 2);
const hours = new Float64Array(MAX_HORIZONS);
const best = new Float64Array(MAX_HORIZONS);
const bestCell = new Int32Array(MAX_HORIZONS);
const sumBase = new Float64Array(MAX_HORIZONS);
const sumR = new Float64Array(MAX_HORIZONS);

/**
 * The limits for up to four horizons in one pass over the cells (240 cells × 3 horizons × 2 directions every
 * cycle: the pass shares each cell's loads). Results go to `out[k]` for `horizons[k]`. The first horizon gets
 * its own OCV secant; the others share one over the largest SOC span among them (they are short: the span is
 * under 1 %, where the secant hardly depends on its length).
 */
export function ecmLimits(
  cells: SopCells,
  direction: "charge" | "discharge",
  horizons: readonly EcmHorizon[],
  tau1_s: number,
  tau2_s: number,
  voltageLimit_mV: number,
  out: EcmLimit[],
  slopes: OcvSlopes | null = null,
): void {
  const sign = direction === "discharge" ? 1 : -1;
  const h = Math.min(MAX_HORIZONS, horizons.length);
  let longSpan_Ah = 0;
  let shortSpan_Ah = 0;
  for (let k = 0; k < h; k++) {
    const t = horizons[k].horizon_s;
    e1s[k] = Math.exp(-t / tau1_s);
    e2s[k] = Math.exp(-t / tau2_s);
    rcFactor[2 * k] = 1 - e1s[k];
    rcFactor[2 * k + 1] = 1 - e2s[k];
    hours[k] = t / 3600;
    const span = horizons[k].ratedCurrent_A * hours[k];
    if (k === 0) longSpan_Ah = span;
    else if (span > shortSpan_Ah) shortSpan_Ah = span;
    best[k] = Infinity;
    bestCell[k] = -1;
    sumBase[k] = 0;
    sumR[k] = 0;
  }
  const halfRated = h > 0 ? horizons[0].ratedCurrent_A / 2 : 0;
  const n = cells.ocv_mV.length;
  for (let i = 0; i < n; i++) {
    const ocv = cells.ocv_mV[i];
    const v1 = cells.v1_mV[i];
    const v2 = cells.v2_mV[i];
    const invCapacity = 1 / cells.capacity_Ah[i];
    const soc = cells.socAtOcv[i];
    const r0 = cells.r0_mOhm[i];
    const r1 = cells.r1_mOhm[i];
    const r2 = cells.r2_mOhm[i];
    let longSlope: number;
    let longHalfSlope: number;
    let shortSlope: number;
    if (slopes !== null) {
      longSlope = slopes.long_mV[i];
      longHalfSlope = slopes.longHalf_mV[i];
      shortSlope = slopes.short_mV[i];
    } else {
      const ocvHere = lfpMeanOcv_mV(soc);
      longSlope = secant(soc, ocvHere, Math.max(0.002, longSpan_Ah * invCapacity), sign);
      longHalfSlope = secant(soc, ocvHere, Math.max(0.002, 0.5 * longSpan_Ah * invCapacity), sign);
      shortSlope = h > 1 ? secant(soc, ocvHere, Math.max(0.002, shortSpan_Ah * invCapacity), sign) : 0;
    }
    for (let k = 0; k < h; k++) {
      const base = ocv - v1 * e1s[k] - v2 * e2s[k];
      const slope = k === 0 ? longSlope : shortSlope;
      const rh = r0 + r1 * rcFactor[2 * k] + r2 * rcFactor[2 * k + 1] + slope * hours[k] * invCapacity;
      const headroom = sign * (base - voltageLimit_mV);
      let current = headroom > 0 ? headroom / rh : 0;
      if (k === 0 && current < halfRated) {
        // The secant over the rated span is safe but, near an end, far too steep for a smaller current. Over half
        // the span it is exact for currents up to half the rating: any limit it gives up to that is safe too.
        const rhHalf = rh + (longHalfSlope - longSlope) * hours[0] * invCapacity;
        const half = headroom > 0 ? headroom / rhHalf : 0;
        current = Math.max(current, Math.min(half, halfRated));
      }
      if (current < best[k]) {
        best[k] = current;
        bestCell[k] = i;
      }
      sumBase[k] += base;
      sumR[k] += rh;
    }
  }
  for (let k = 0; k < h; k++) {
    const o = out[k];
    if (bestCell[k] < 0) {
      o.current_A = 0;
      o.packVoltage_V = 0;
      o.limitingCell = -1;
    } else {
      o.current_A = best[k];
      // mV − A·mΩ = mV.
      o.packVoltage_V = (sumBase[k] - sign * best[k] * sumR[k]) / 1000;
      o.limitingCell = bestCell[k];
    }
  }
}

/**
 * OCV secants per cell, precomputed by the caller (`ocvSecant`), mV per unit SOC: over the first horizon's span
 * (`long_mV`) and over the shortest horizons' largest span (`short_mV`).
 */
export interface OcvSlopes {
  readonly long_mV: Float64Array;
  /** Over half the first horizon's span: a second, less conservative bound where the secant bends (the ends). */
  readonly longHalf_mV: Float64Array;
  readonly short_mV: Float64Array;
}

/**
 * |OCV(soc) − OCV(soc ∓ span)| / span on the mean curve: the slope a current moving the SOC by `span` toward
 * the end of `direction` meets (the span shortened where it would leave 0..1).
 */
export function ocvSecant(soc: number, span: number, direction: "charge" | "discharge"): number {
  return secant(soc, lfpMeanOcv_mV(soc), Math.max(0.002, span), direction === "discharge" ? 1 : -1);
}

function secant(soc: number, ocvHere: number, span: number, sign: number): number {
  const target = soc - sign * span;
  const far = target < 0 ? 0 : target > 1 ? 1 : target;
  const moved = soc > far ? soc - far : far - soc;
  if (moved < 1e-6) return 0;
  const d = ocvHere - lfpMeanOcv_mV(far);
  return (d < 0 ? -d : d) / moved;
}

import type { BcuEvent } from "../events.ts";

/** The cell's datasheet figures the estimation needs (the rack configuration's `cell`). */
export interface CellRatings {
  readonly capacity_Ah: number;
  readonly nominalVoltage_V: number;
  readonly maxVoltage_V: number;
  readonly minVoltage_V: number;
}

/**
 * State of power: current and power the rack can take (charge) or give (discharge), as magnitudes ≥ 0, for
 * 10 s, 60 s and continuously, and the pack voltage window the PCS must keep.
 */
export interface Sop {
  readonly chargeCurrentContinuous_A: number;
  readonly dischargeCurrentContinuous_A: number;
  readonly chargeCurrent10s_A: number;
  readonly dischargeCurrent10s_A: number;
  readonly chargeCurrent60s_A: number;
  readonly dischargeCurrent60s_A: number;
  readonly chargePowerContinuous_W: number;
  readonly dischargePowerContinuous_W: number;
  readonly chargePower10s_W: number;
  readonly dischargePower10s_W: number;
  readonly chargePower60s_W: number;
  readonly dischargePower60s_W: number;
  readonly maxChargeVoltage_V: number;
  readonly minDischargeVoltage_V: number;
  /** Cell (0-based) that sets the continuous limit, -1 when none does (e.g. the temperature table does). */
  readonly chargeLimitingCell: number;
  readonly dischargeLimitingCell: number;
}

export interface EstimationOutput {
  /** Published pack SOC, %: blended toward the fullest / emptiest cell, rate-bounded; null before any estimate. */
  readonly packSoc_pct: number | null;
  /** False while the measurements are not usable: the SOC shown is the last estimate, held. */
  readonly socValid: boolean;
  /** Unfiltered rack SOC Qdis / (Qdis + Qchg), % (what the published SOC follows). */
  readonly rackSocRaw_pct: number | null;
  readonly cellSocMin_pct: number | null;
  readonly cellSocMax_pct: number | null;
  /**
   * SOC per cell, %: refreshed once per second of measurement time (a cell moves under 0.02 % in that time at
   * 0.5 C) and shared between outputs until then; the min and max above are of this cycle.
   */
  readonly cellSoc_pct: Float64Array;
  /** The rack cannot take more charge (top calibrated) / give more (bottom calibrated). */
  readonly full: boolean;
  readonly empty: boolean;
  /** min(capacity SOH, resistance SOH), %. */
  readonly soh_pct: number;
  readonly capacitySoh_pct: number;
  /** 100 % at the rated resistance, 80 % (end of life) at twice it. */
  readonly resistanceSoh_pct: number;
  /** Mean cell capacity estimate, Ah. */
  readonly capacity_Ah: number;
  readonly cellCapacity_Ah: Float64Array;
  /** Charge the rack can still give / take now, Ah. */
  readonly dischargeableCharge_Ah: number;
  readonly chargeableCharge_Ah: number;
  readonly remainingEnergy_kWh: number;
  readonly fullEnergy_kWh: number;
  /** Learned current sensor offset subtracted from every sample, A. */
  readonly currentOffset_A: number;
  readonly sop: Sop;
  readonly events: BcuEvent[];
}

/** JSON-able state kept across restarts (SQLite): enough to resume without a new OCV start. */
export interface PersistedEstimation {
  readonly version: 1;
  /** Measurement time of the state. */
  readonly timeMs: number;
  readonly cellSoc: number[];
  readonly cellSocSigma: number[];
  readonly cellCapacity_Ah: number[];
  readonly cellCapacityVariance_Ah2: number[];
  readonly cellCapacitySamples: number[];
  readonly cellResistance25_mOhm: number[];
  readonly hysteresis: number;
  readonly currentOffset_A: number;
  readonly currentOffsetSigma_A: number;
  /** Lifetime throughput, Ah (before efficiency). */
  readonly chargeThroughput_Ah: number;
  readonly dischargeThroughput_Ah: number;
  readonly packSoc: number;
}

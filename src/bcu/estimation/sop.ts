import { lfpOcv_mV } from "./lfp-ocv.ts";

/**
 * State of power from the cell equivalent circuit (OCV + R0 + two RC pairs): for a horizon t, the constant
 * current at which the most-limited cell reaches its voltage limit at t. Per cell i:
 *
 *   V(t) = E − s·I·t/C − I·R0 − V1·e1 − I·R1·(1 − e1) − V2·e2 − I·R2·(1 − e2),   ek = exp(−t/τk)
 *
 * with E the cell's present OCV (its voltage with the ohmic drop and the tracked polarisation V1, V2 added
 * back: from the measurement, so a wrong SOC cannot make the limit unsafe) and s the OCV slope over the SOC the
 * horizon would use (from the SOC estimate: the ends of LFP are steep, so the limit falls there by itself).
 * Solving V(t) = limit for I is linear. Sign: + = discharge; both limits are returned as magnitudes ≥ 0.
 */
export interface SopCells {
  /** Present OCV per cell from the measurement, mV. */
  readonly ocv_mV: Float64Array;
  /** Polarisation voltages (+ under discharge), mV. */
  readonly v1_mV: Float64Array;
  readonly v2_mV: Float64Array;
  readonly soc: Float64Array;
  readonly capacity_Ah: Float64Array;
  /** Resistances at the cells' present temperature, mΩ. */
  readonly r0_mOhm: Float64Array;
  readonly r1_mOhm: Float64Array;
  readonly r2_mOhm: Float64Array;
}

export interface EcmLimit {
  /** Highest current (A, ≥ 0) for which no cell passes its limit within the horizon. */
  readonly current_A: number;
  /** Pack voltage at the end of the horizon at that current, V. */
  readonly packVoltage_V: number;
  /** Index of the cell that sets the limit. */
  readonly limitingCell: number;
}

/**
 * @param ratedCurrent_A the largest current asked about: the OCV slope is taken over the SOC this current
 *   would use in the horizon, a conservative secant near the ends.
 */
export function ecmLimit(
  cells: SopCells,
  direction: "charge" | "discharge",
  horizon_s: number,
  tau1_s: number,
  tau2_s: number,
  voltageLimit_mV: number,
  ratedCurrent_A: number,
): EcmLimit {
  const e1 = Math.exp(-horizon_s / tau1_s);
  const e2 = Math.exp(-horizon_s / tau2_s);
  const sign = direction === "discharge" ? 1 : -1;
  const n = cells.ocv_mV.length;
  let best = Infinity;
  let bestCell = -1;
  let sumBase_mV = 0;
  let sumR_mOhm = 0;
  for (let i = 0; i < n; i++) {
    const base = cells.ocv_mV[i] - cells.v1_mV[i] * e1 - cells.v2_mV[i] * e2;
    const capacity = cells.capacity_Ah[i];
    const soc = cells.soc[i];
    // OCV secant over the SOC the rated current would move in the horizon (toward the end it goes to).
    const span = Math.max(0.002, (ratedCurrent_A * horizon_s) / 3600 / capacity);
    const far = Math.max(0, Math.min(1, soc - sign * span));
    const near = Math.max(0, Math.min(1, soc));
    const moved = Math.abs(near - far);
    const slope_mV = moved > 1e-6 ? Math.abs(lfpOcv_mV(near, 25, 0) - lfpOcv_mV(far, 25, 0)) / moved : 0;
    const rh =
      cells.r0_mOhm[i] +
      cells.r1_mOhm[i] * (1 - e1) +
      cells.r2_mOhm[i] * (1 - e2) +
      (slope_mV * horizon_s) / 3600 / capacity;
    const headroom = sign * (base - voltageLimit_mV);
    const current = headroom > 0 ? headroom / rh : 0;
    if (current < best) {
      best = current;
      bestCell = i;
    }
    sumBase_mV += base;
    sumR_mOhm += rh;
  }
  if (bestCell < 0) return { current_A: 0, packVoltage_V: 0, limitingCell: -1 };
  // mV − A·mΩ = mV.
  const packVoltage_V = (sumBase_mV - sign * best * sumR_mOhm) / 1000;
  return { current_A: best, packVoltage_V, limitingCell: bestCell };
}

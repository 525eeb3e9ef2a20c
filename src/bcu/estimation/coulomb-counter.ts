/**
 * Ampere-hour integration over measurement timestamps (never a wall clock): the trapezoid between two
 * consecutive current samples, each taken at its own measurement time. A sample already seen (same or older
 * timestamp) adds nothing. Sign: + = discharge (charge leaves the cells).
 *
 * Coulombic efficiency applies to charge only: of the charge put in, the fraction `efficiency` is stored. Where
 * the current changes sign inside one interval the trapezoid is split at the zero crossing, so each part gets
 * its own efficiency.
 */
export interface CurrentIntegrator {
  /** Last current sample (A), already corrected for the learned offset; NaN before the first one. */
  lastCurrent_A: number;
  lastTimeMs: number;
  /** Results of the last `integrateCurrent` that returned true (Ah, both ≥ 0, before efficiency). */
  intervalDischarge_Ah: number;
  intervalCharge_Ah: number;
  intervalMs: number;
}

export function createCurrentIntegrator(): CurrentIntegrator {
  return { lastCurrent_A: NaN, lastTimeMs: -Infinity, intervalDischarge_Ah: 0, intervalCharge_Ah: 0, intervalMs: 0 };
}

/**
 * Takes the sample (`current_A` measured at `timeMs`) and fills the interval since the previous one. Returns
 * false when there is no new interval (first sample, or a sample not newer than the last).
 */
export function integrateCurrent(integrator: CurrentIntegrator, current_A: number, timeMs: number): boolean {
  if (!(timeMs > integrator.lastTimeMs)) return false;
  const previous = integrator.lastCurrent_A;
  const dtMs = timeMs - integrator.lastTimeMs;
  integrator.lastCurrent_A = current_A;
  integrator.lastTimeMs = timeMs;
  if (Number.isNaN(previous)) return false;
  const hours = dtMs / 3_600_000;
  let discharge_Ah = 0;
  let charge_Ah = 0;
  if ((previous >= 0 && current_A >= 0) || (previous <= 0 && current_A <= 0)) {
    const ah = ((previous + current_A) / 2) * hours;
    if (ah >= 0) discharge_Ah = ah;
    else charge_Ah = -ah;
  } else {
    // Sign change: the two triangles either side of the zero crossing.
    const fraction = previous / (previous - current_A);
    const first = (previous / 2) * fraction * hours;
    const second = (current_A / 2) * (1 - fraction) * hours;
    discharge_Ah = Math.max(first, 0) + Math.max(second, 0);
    charge_Ah = -Math.min(first, 0) - Math.min(second, 0);
  }
  integrator.intervalDischarge_Ah = discharge_Ah;
  integrator.intervalCharge_Ah = charge_Ah;
  integrator.intervalMs = dtMs;
  return true;
}

/** Net charge the cells lost over the interval (Ah, + = discharge), counting only `efficiency` of the charge. */
export function netRemoved_Ah(integrator: CurrentIntegrator, efficiency: number): number {
  return integrator.intervalDischarge_Ah - integrator.intervalCharge_Ah * efficiency;
}

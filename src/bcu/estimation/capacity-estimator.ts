/**
 * Cell capacity from charge throughput between two trusted SOC points: C = ΔAh / ΔSOC, filtered per cell by a
 * scalar Kalman filter. A trusted point is an SOC known from the cell itself (an end calibration, or an OCV
 * reading on a steep part of the curve), never from the counter whose capacity it would check. The filter
 * moves only when a sample arrives: a rack's capacity never drifts on its own.
 */
export interface CapacityEstimator {
  /** Estimated capacity per cell, Ah. */
  readonly capacity_Ah: Float64Array;
  /** Variance of that estimate, Ah². */
  readonly variance_Ah2: Float64Array;
  /** Samples taken per cell (0 = still the prior). */
  readonly samples: Uint32Array;
  /** Last trusted point per cell: SOC (fraction, NaN = none), its σ, the Ah counter then and the time. */
  readonly pointSoc: Float64Array;
  readonly pointSigma: Float64Array;
  readonly pointCounter_Ah: Float64Array;
  readonly pointTimeMs: Float64Array;
}

export interface CapacitySettings {
  readonly rated_Ah: number;
  readonly minSwing: number;
  readonly priorSigma_Ah: number;
  readonly driftPerSample_Ah: number;
  /** σ of the current offset left after learning (A): its Ah over the interval add to the sample's error. */
  readonly offsetSigma_A: number;
}

export function createCapacityEstimator(
  cells: number,
  initial_Ah: Float64Array,
  priorSigma_Ah: number,
): CapacityEstimator {
  return {
    capacity_Ah: Float64Array.from(initial_Ah),
    variance_Ah2: new Float64Array(cells).fill(priorSigma_Ah * priorSigma_Ah),
    samples: new Uint32Array(cells),
    pointSoc: new Float64Array(cells).fill(NaN),
    pointSigma: new Float64Array(cells).fill(NaN),
    pointCounter_Ah: new Float64Array(cells).fill(NaN),
    pointTimeMs: new Float64Array(cells).fill(NaN),
  };
}

export type CapacitySampleResult = "none" | "accepted" | "rejected";

/**
 * Records a trusted SOC point for a cell. With a previous point far enough away (`minSwing`) it takes a
 * capacity sample and returns "accepted" (or "rejected" when the sample is more than 4σ from the estimate: a
 * bad point, not aging). The new point replaces the previous one either way.
 *
 * @param counter_Ah the net removed-charge counter (+ = discharge, efficiency applied) at this point.
 */
export function addTrustedPoint(
  estimator: CapacityEstimator,
  cell: number,
  soc: number,
  sigma: number,
  counter_Ah: number,
  timeMs: number,
  settings: CapacitySettings,
): CapacitySampleResult {
  const previousSoc = estimator.pointSoc[cell];
  let result: CapacitySampleResult = "none";
  const swing = previousSoc - soc;
  if (!Number.isNaN(previousSoc) && Math.abs(swing) >= settings.minSwing) {
    const removed_Ah = counter_Ah - estimator.pointCounter_Ah[cell];
    const sample = removed_Ah / swing;
    const hours = (timeMs - estimator.pointTimeMs[cell]) / 3_600_000;
    const socSigma = Math.hypot(sigma, estimator.pointSigma[cell]);
    const r = (sample * socSigma) ** 2 / (swing * swing) + ((settings.offsetSigma_A * hours) / swing) ** 2;
    const p = estimator.variance_Ah2[cell] + settings.driftPerSample_Ah ** 2;
    const innovation = sample - estimator.capacity_Ah[cell];
    if (sample > 0 && innovation * innovation <= 16 * (p + r)) {
      const gain = p / (p + r);
      estimator.capacity_Ah[cell] += gain * innovation;
      estimator.variance_Ah2[cell] = (1 - gain) * p;
      estimator.samples[cell]++;
      result = "accepted";
    } else {
      result = "rejected";
    }
  }
  estimator.pointSoc[cell] = soc;
  estimator.pointSigma[cell] = sigma;
  estimator.pointCounter_Ah[cell] = counter_Ah;
  estimator.pointTimeMs[cell] = timeMs;
  return result;
}

/**
 * Cells that never had a sample of their own take the mean of those that did (their aging is the rack's:
 * same cells, same history). Cells with samples are untouched.
 */
export function shareCapacityEvidence(estimator: CapacityEstimator): void {
  let sum = 0;
  let sampled = 0;
  let variance = 0;
  for (let i = 0; i < estimator.capacity_Ah.length; i++) {
    if (estimator.samples[i] > 0) {
      sum += estimator.capacity_Ah[i];
      variance += estimator.variance_Ah2[i];
      sampled++;
    }
  }
  if (sampled === 0) return;
  for (let i = 0; i < estimator.capacity_Ah.length; i++) {
    if (estimator.samples[i] === 0) {
      estimator.capacity_Ah[i] = sum / sampled;
      estimator.variance_Ah2[i] = variance / sampled;
    }
  }
}

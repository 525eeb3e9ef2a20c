/**
 * Rest: the rack current has stayed below a threshold (in magnitude). The OCV table describes a rested cell, so
 * a cell voltage says what the OCV is only after the polarisation has relaxed: tens of minutes for LFP.
 */
export interface RestDetector {
  /** Measurement time the current first fell below the threshold; null while it is above. */
  restSinceMs: number | null;
}

export function createRestDetector(): RestDetector {
  return { restSinceMs: null };
}

/** Updates with one current sample and returns how long the rack has been at rest (ms, 0 = not resting). */
export function updateRest(detector: RestDetector, current_A: number, timeMs: number, restCurrent_A: number): number {
  if (Math.abs(current_A) >= restCurrent_A) {
    detector.restSinceMs = null;
    return 0;
  }
  if (detector.restSinceMs === null) detector.restSinceMs = timeMs;
  return timeMs - detector.restSinceMs;
}

/**
 * Cell resistance from voltage steps at current steps: R = −ΔV / ΔI over a short window (≤ `window_ms`), per
 * cell, normalised to 25 °C and filtered. It is the resistance the SOP needs (ohmic plus the fast part of the
 * polarisation a PCS ramp gives) and the resistance half of SOH. No step, no sample: it moves only on evidence.
 */
export interface ResistanceEstimator {
  /** Per-cell resistance at 25 °C, mΩ. */
  readonly resistance25_mOhm: Float64Array;
  readonly samples: Uint32Array;
  /** Start of the current window: voltages, current and time. */
  readonly anchorVoltage_mV: Float64Array;
  anchorCurrent_A: number;
  anchorTimeMs: number;
}

export interface ResistanceSettings {
  readonly step_A: number;
  readonly window_ms: number;
  readonly filterGain: number;
  /** Plausible range of a sample against the rated resistance (a sample outside is noise or a fault). */
  readonly rated_mOhm: number;
  /**
   * Cells are sampled only while their SOC is in this window (fractions): the resistance rises toward both ends
   * of the curve, and the figure that SOH compares with the rated one is the mid-SOC resistance.
   */
  readonly socMin: number;
  readonly socMax: number;
}

export function createResistanceEstimator(cells: number, initial_mOhm: Float64Array): ResistanceEstimator {
  return {
    resistance25_mOhm: Float64Array.from(initial_mOhm),
    samples: new Uint32Array(cells),
    anchorVoltage_mV: new Float64Array(cells).fill(NaN),
    anchorCurrent_A: NaN,
    anchorTimeMs: -Infinity,
  };
}

/**
 * Feeds one usable sample (every cell valid). Returns the number of cells that took a resistance sample.
 * `temperatureFactor(i)` is R(T)/R(25 °C) for cell i at its temperature now; `cellSoc(i)` its SOC (fraction).
 */
export function updateResistance(
  estimator: ResistanceEstimator,
  cellVoltage_mV: Float64Array,
  current_A: number,
  timeMs: number,
  temperatureFactor: Float64Array,
  cellSoc: Float64Array,
  settings: ResistanceSettings,
): number {
  const cells = cellVoltage_mV.length;
  const age = timeMs - estimator.anchorTimeMs;
  const step = current_A - estimator.anchorCurrent_A;
  let sampled = 0;
  if (age <= settings.window_ms && Math.abs(step) >= settings.step_A) {
    const lo = settings.rated_mOhm * 0.2;
    const hi = settings.rated_mOhm * 5;
    for (let i = 0; i < cells; i++) {
      const soc = cellSoc[i];
      if (!(soc >= settings.socMin && soc <= settings.socMax)) continue;
      // + = discharge: more discharge current, lower voltage.
      const r25 = (estimator.anchorVoltage_mV[i] - cellVoltage_mV[i]) / step / temperatureFactor[i];
      if (r25 >= lo && r25 <= hi) {
        estimator.resistance25_mOhm[i] += settings.filterGain * (r25 - estimator.resistance25_mOhm[i]);
        estimator.samples[i]++;
        sampled++;
      }
    }
  }
  if (sampled > 0 || age > settings.window_ms || Number.isNaN(estimator.anchorCurrent_A)) {
    estimator.anchorVoltage_mV.set(cellVoltage_mV);
    estimator.anchorCurrent_A = current_A;
    estimator.anchorTimeMs = timeMs;
  }
  return sampled;
}

/** Arrhenius factor R(T)/R(25 °C) with activation `k_K` (Ea/R, kelvin). */
export function resistanceTemperatureFactor(temperature_degC: number, k_K: number): number {
  return Math.exp(k_K * (1 / (temperature_degC + 273.15) - 1 / 298.15));
}

/**
 * Settings of SOC, SOH and SOP estimation. Defaults suit a rack of 280 Ah LFP cells (EVE LF280K / CATL 280 Ah
 * class datasheets: 2.5–3.65 V, 1 C continuous, 2 C for 30 s, charge 0–60 °C, discharge −20–60 °C).
 * Currents given in C are multiples of the rated capacity (1 C = 280 A for a 280 Ah cell).
 *
 * Choices for a storage rack, inside protection's thresholds (src/bcu/protection/protection-defaults.ts):
 * - the SOP keeps cells between 2.82 V and 3.45 V: LFP holds ≥ 99 % of its charge inside that window, the
 *   3.45–3.65 V knee adds almost nothing but wear, and 2.82 V stays above the 2.80 V level-2 under-voltage;
 * - ratings 0.5 C continuous and for 60 s (the datasheets' standard rate for storage cycling), 0.7 C for 10 s:
 *   below the 200 A level-2 over-current, so the PCS following a limit never raises an alarm.
 */

/** One row of the datasheet's temperature table; the limit is interpolated linearly between rows. */
export interface TemperatureDerateRow {
  readonly temperature_degC: number;
  /** Highest current at this cell temperature, in C. */
  readonly charge_C: number;
  readonly discharge_C: number;
}

export interface EstimationConfig {
  /** Charge stored / charge put in (LFP: 0.995–0.999). Applied to charge current only. */
  readonly coulombicEfficiency: number;
  /** |current| below this is rest (A); the sensor's own offset must be well inside it. */
  readonly restCurrent_A: number;
  /** Rest this long before the cell voltage is taken as the OCV (LFP relaxes for tens of minutes). */
  readonly restTime_ms: number;
  /** σ of a rested cell voltage against the OCV table: table error, relaxation left, noise (mV). */
  readonly ocvUncertainty_mV: number;
  /** Added to that σ per kelvin below 25 °C (slower relaxation, larger hysteresis in the cold). */
  readonly ocvUncertaintyPerKelvinBelow25_mV: number;
  /** SOC throughput that moves the hysteresis state from one branch to the other (%). */
  readonly hysteresisThroughput_pct: number;
  /** σ of the current sensor's gain: how fast the SOC uncertainty grows with throughput (fraction). */
  readonly currentGainUncertainty: number;
  /** σ of the current sensor's offset left after learning (A): how fast the SOC uncertainty grows with time. */
  readonly currentOffsetUncertainty_A: number;
  /** Largest offset the BCU will learn and subtract (A); a larger apparent offset is a sensor fault. */
  readonly currentOffsetLimit_A: number;
  /** Persisted state older than this is not used at start-up; the OCV is (ms). */
  readonly persistedMaxAge_ms: number;
  /** SOC uncertainty assumed for a fresh persisted state (%). */
  readonly persistedSocUncertainty_pct: number;
  /** Charge cell voltage limit used by SOP (mV); top calibration needs a cell within the margin below it. */
  readonly chargeCellVoltageLimit_mV: number;
  /** Discharge cell voltage limit used by SOP (mV); bottom calibration needs a cell within the margin above it. */
  readonly dischargeCellVoltageLimit_mV: number;
  readonly endCalibrationMargin_mV: number;
  /** |current| at or below which a cell at a voltage limit is at the end (the taper has finished), A. */
  readonly endCalibrationCurrent_A: number;
  /** SOC a cell must leave (from the end) before the same end may calibrate it again (%). */
  readonly endCalibrationRearm_pct: number;
  /** Published SOC may move this many times faster than the measured current explains. */
  readonly packSocRateFactor: number;
  /** ... plus this, so a correction at rest still arrives (%/min). */
  readonly packSocRestRate_pct_per_min: number;
  /** Least SOC swing between two trusted SOC points for a capacity sample (%). */
  readonly capacityMinSwing_pct: number;
  /** σ of the capacity before any evidence (% of the rated capacity). */
  readonly capacityPriorUncertainty_pct: number;
  /** Capacity may drift this much per sample between samples (process noise, % of rated). */
  readonly capacityDriftPerSample_pct: number;
  /** Cell equivalent circuit at 25 °C: ohmic R0 and two RC pairs (mΩ, s). R0 is refined from current steps. */
  readonly cellR0_mOhm: number;
  readonly cellR1_mOhm: number;
  readonly cellTau1_s: number;
  readonly cellR2_mOhm: number;
  readonly cellTau2_s: number;
  /** Arrhenius factor of the resistances: R(T) = R25 · exp(k · (1/T − 1/298.15 K)), k in K. */
  readonly resistanceActivation_K: number;
  /** Current change that counts as a step for a resistance sample (A), within the window (ms). */
  readonly resistanceStep_A: number;
  readonly resistanceWindow_ms: number;
  /** Gain of the per-cell resistance filter per sample (0..1). */
  readonly resistanceFilterGain: number;
  /** A cell takes resistance samples only while its SOC is in this window, % (mid-SOC resistance). */
  readonly resistanceSocMin_pct: number;
  readonly resistanceSocMax_pct: number;
  /**
   * Continuous SOP horizon (s): the current a cell can hold this long without reaching its voltage limit. The
   * limit is recomputed every cycle, so the horizon need only cover how fast the PCS re-plans, not a whole
   * discharge: at 900 s the last 6 % of an aged rack's discharge tapered so much that the evening window closed
   * with 3.5 % left (docs/estimation.md).
   */
  readonly continuousHorizon_s: number;
  /** Rated currents (C): continuous, 60 s and 10 s. */
  readonly chargeRating_C: { readonly continuous: number; readonly s60: number; readonly s10: number };
  readonly dischargeRating_C: { readonly continuous: number; readonly s60: number; readonly s10: number };
  /** Datasheet temperature table, rows by rising temperature; outside it the current is 0. */
  readonly temperatureDerate: readonly TemperatureDerateRow[];
  /** Charge current falls linearly from the full limit at this SOC of the fullest cell ... (%) */
  readonly chargeSocDerateStart_pct: number;
  /** ... discharge below this SOC of the emptiest cell (%) ... */
  readonly dischargeSocDerateStart_pct: number;
  /** ... to this floor (C), so the cells still reach the voltage limits that calibrate the ends. */
  readonly socDerateFloor_C: number;
  /** Discharge rate assumed for the remaining-energy figure (its resistive loss), C. */
  readonly energyDischargeRate_C: number;
}

export const defaultEstimationConfig: EstimationConfig = {
  coulombicEfficiency: 0.998,
  restCurrent_A: 3,
  restTime_ms: 30 * 60_000,
  ocvUncertainty_mV: 8,
  ocvUncertaintyPerKelvinBelow25_mV: 0.3,
  hysteresisThroughput_pct: 5,
  currentGainUncertainty: 0.01,
  currentOffsetUncertainty_A: 0.5,
  currentOffsetLimit_A: 3,
  persistedMaxAge_ms: 7 * 24 * 3_600_000,
  persistedSocUncertainty_pct: 5,
  chargeCellVoltageLimit_mV: 3450,
  dischargeCellVoltageLimit_mV: 2820,
  endCalibrationMargin_mV: 30,
  endCalibrationCurrent_A: 14,
  endCalibrationRearm_pct: 3,
  packSocRateFactor: 2,
  packSocRestRate_pct_per_min: 0.5,
  capacityMinSwing_pct: 60,
  capacityPriorUncertainty_pct: 5,
  capacityDriftPerSample_pct: 0.2,
  cellR0_mOhm: 0.35,
  cellR1_mOhm: 0.25,
  cellTau1_s: 15,
  cellR2_mOhm: 0.35,
  cellTau2_s: 300,
  resistanceActivation_K: 3500,
  resistanceStep_A: 28,
  resistanceWindow_ms: 2000,
  resistanceFilterGain: 0.05,
  resistanceSocMin_pct: 20,
  resistanceSocMax_pct: 90,
  continuousHorizon_s: 300,
  chargeRating_C: { continuous: 0.5, s60: 0.5, s10: 0.7 },
  dischargeRating_C: { continuous: 0.5, s60: 0.5, s10: 0.7 },
  temperatureDerate: [
    { temperature_degC: -20, charge_C: 0, discharge_C: 0 },
    { temperature_degC: -10, charge_C: 0, discharge_C: 0.3 },
    { temperature_degC: 0, charge_C: 0, discharge_C: 0.5 },
    { temperature_degC: 5, charge_C: 0.2, discharge_C: 0.7 },
    { temperature_degC: 10, charge_C: 0.5, discharge_C: 1 },
    { temperature_degC: 15, charge_C: 1, discharge_C: 1 },
    { temperature_degC: 45, charge_C: 1, discharge_C: 1 },
    { temperature_degC: 50, charge_C: 0.5, discharge_C: 1 },
    { temperature_degC: 55, charge_C: 0.2, discharge_C: 0.5 },
    { temperature_degC: 60, charge_C: 0, discharge_C: 0 },
  ],
  chargeSocDerateStart_pct: 95,
  dischargeSocDerateStart_pct: 5,
  socDerateFloor_C: 0.05,
  energyDischargeRate_C: 0.5,
};

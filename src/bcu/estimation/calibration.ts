import type { BcuEvent } from "../events.ts";
import type { RackMeasurements } from "../rack-measurements.ts";
import { addTrustedPoint, shareCapacityEvidence, type CapacitySettings } from "./capacity-estimator.ts";
import type { EstimationConfig } from "./config.ts";
import { lfpHalfHysteresis_mV } from "./lfp-ocv.ts";
import { fuseOcvReading, ocvVoltageSigma_mV, readOcv } from "./ocv-calibration.ts";
import type { EstimationState } from "./state.ts";

/** An OCV reading this good is a trusted SOC point for the capacity (σ, fraction). */
const TRUSTED_SIGMA = 0.02;
/** σ of a cell's SOC right after an end calibration: the end is where the voltage limit is, by definition. */
const END_SIGMA = 0.005;
/** A loaded cell voltage read as OCV is less certain than a rested one (polarisation model error). */
const LOADED_SIGMA_FACTOR = 2;
/** Offset learning needs this long between two calibrations at the same end, and takes this share per sample. */
const OFFSET_MIN_INTERVAL_MS = 6 * 3_600_000;
const OFFSET_GAIN = 0.7;

export function capacitySettings(state: EstimationState, config: EstimationConfig): CapacitySettings {
  const rated = state.cell.capacity_Ah;
  return {
    rated_Ah: rated,
    minSwing: config.capacityMinSwing_pct / 100,
    priorSigma_Ah: (config.capacityPriorUncertainty_pct / 100) * rated,
    driftPerSample_Ah: (config.capacityDriftPerSample_pct / 100) * rated,
    offsetSigma_A: state.currentOffsetSigma_A,
  };
}

const fused = { soc: 0, sigma: 0 };

/**
 * Reads every cell's OCV (its voltage with the modelled drops added back, in `state.ocv_mV`) and fuses it with
 * the counted SOC, each weighted by what it knows. `except` is a cell already set by an end calibration.
 */
function fuseAllCells(
  state: EstimationState,
  config: EstimationConfig,
  sigmaFactor: number,
  nowMs: number,
  except: number,
): number {
  const settings = capacitySettings(state, config);
  let trusted = 0;
  for (let i = 0; i < state.cells; i++) {
    if (i === except) continue;
    const t = state.cellTemperature_degC[i];
    const sigma_mV = sigmaFactor * ocvVoltageSigma_mV(t, state.hysteresis, lfpHalfHysteresis_mV(state.soc[i]), config);
    const reading = readOcv(state.ocv_mV[i], t, state.hysteresis, sigma_mV);
    fuseOcvReading(state.soc[i], state.socSigma[i], reading, fused);
    state.soc[i] = fused.soc;
    state.socSigma[i] = fused.sigma;
    if (reading.sigma <= TRUSTED_SIGMA) {
      addTrustedPoint(state.capacity, i, reading.soc, reading.sigma, state.removedCounter_Ah, nowMs, settings);
      trusted++;
    }
  }
  return trusted;
}

/** Once per rest period, after `restTime_ms` at rest: the OCV calibration. */
export function restCalibration(
  state: EstimationState,
  config: EstimationConfig,
  nowMs: number,
  events: BcuEvent[],
): void {
  const trusted = fuseAllCells(state, config, 1, nowMs, -1);
  shareCapacityEvidence(state.capacity);
  state.restCalibrated = true;
  events.push({
    timeMs: nowMs,
    kind: "calibration",
    source: "soc",
    level: 0,
    message: `OCV calibration after rest: ${trusted} of ${state.cells} cells on a steep part of the OCV curve`,
    value: trusted,
  });
}

/**
 * Top calibration: a cell at the charge voltage limit (within the margin) with the charge current tapered off
 * is full. Bottom: a cell at the discharge limit with the current tapered is empty. That cell is set to the end;
 * the common error (the current sensor's) moves every cell alike; then every cell's own voltage refines it
 * where the curve is steep. Each end calibrates once until the cells leave it by `endCalibrationRearm_pct`.
 */
export function endCalibration(
  state: EstimationState,
  m: RackMeasurements,
  current_A: number,
  config: EstimationConfig,
  nowMs: number,
  events: BcuEvent[],
): void {
  const rearm = config.endCalibrationRearm_pct / 100;
  let socMax = 0;
  let socMin = 1;
  for (let i = 0; i < state.cells; i++) {
    if (state.soc[i] > socMax) socMax = state.soc[i];
    if (state.soc[i] < socMin) socMin = state.soc[i];
  }
  if (!state.topArmed && socMax < 1 - rearm) state.topArmed = true;
  if (!state.bottomArmed && socMin > rearm) state.bottomArmed = true;
  const max = m.cellVoltageMax;
  const min = m.cellVoltageMin;
  if (max === null || min === null) return;
  const tapered = current_A >= -config.endCalibrationCurrent_A && current_A <= config.endCalibrationCurrent_A;
  if (!tapered) return;
  if (state.topArmed && max.value >= config.chargeCellVoltageLimit_mV - config.endCalibrationMargin_mV) {
    calibrateEnd(state, config, "top", max.index, nowMs, events);
  } else if (state.bottomArmed && min.value <= config.dischargeCellVoltageLimit_mV + config.endCalibrationMargin_mV) {
    calibrateEnd(state, config, "bottom", min.index, nowMs, events);
  }
}

function calibrateEnd(
  state: EstimationState,
  config: EstimationConfig,
  end: "top" | "bottom",
  cell: number,
  nowMs: number,
  events: BcuEvent[],
): void {
  const target = end === "top" ? 1 : 0;
  const correction = target - state.soc[cell];
  for (let i = 0; i < state.cells; i++) state.soc[i] = Math.max(0, Math.min(1, state.soc[i] + correction));
  learnOffset(state, config, end, nowMs, events);
  fuseAllCells(state, config, LOADED_SIGMA_FACTOR, nowMs, cell);
  state.soc[cell] = target;
  state.socSigma[cell] = END_SIGMA;
  addTrustedPoint(
    state.capacity,
    cell,
    target,
    END_SIGMA,
    state.removedCounter_Ah,
    nowMs,
    capacitySettings(state, config),
  );
  shareCapacityEvidence(state.capacity);
  if (end === "top") state.topArmed = false;
  else state.bottomArmed = false;
  events.push({
    timeMs: nowMs,
    kind: "calibration",
    source: "soc",
    level: 0,
    message: `${end === "top" ? "Full" : "Empty"} calibration on cell ${cell + 1}: SOC corrected by ${(correction * 100).toFixed(1)} points`,
    value: correction * 100,
    unit: "%",
  });
}

/**
 * Between two calibrations at the same end the cells' true net charge is (nearly) zero, so what the counter
 * says is the current sensor's offset times the time: learn it.
 */
function learnOffset(
  state: EstimationState,
  config: EstimationConfig,
  end: "top" | "bottom",
  nowMs: number,
  events: BcuEvent[],
): void {
  const lastCounter = end === "top" ? state.lastTopCounter_Ah : state.lastBottomCounter_Ah;
  const lastTime = end === "top" ? state.lastTopTimeMs : state.lastBottomTimeMs;
  if (end === "top") {
    state.lastTopCounter_Ah = state.removedCounter_Ah;
    state.lastTopTimeMs = nowMs;
  } else {
    state.lastBottomCounter_Ah = state.removedCounter_Ah;
    state.lastBottomTimeMs = nowMs;
  }
  if (Number.isNaN(lastCounter) || nowMs - lastTime < OFFSET_MIN_INTERVAL_MS) return;
  const apparent_A = (state.removedCounter_Ah - lastCounter) / ((nowMs - lastTime) / 3_600_000);
  const learned = state.currentOffset_A + OFFSET_GAIN * apparent_A;
  state.currentOffset_A = Math.max(-config.currentOffsetLimit_A, Math.min(config.currentOffsetLimit_A, learned));
  state.currentOffsetSigma_A = Math.max(0.02, Math.min(state.currentOffsetSigma_A, Math.abs(apparent_A)));
  events.push({
    timeMs: nowMs,
    kind: "calibration",
    source: "currentSensor",
    level: 0,
    message: `Current sensor offset learned from two ${end} calibrations: ${state.currentOffset_A.toFixed(3)} A`,
    value: state.currentOffset_A,
    unit: "A",
  });
}

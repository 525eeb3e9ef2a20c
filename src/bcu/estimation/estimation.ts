import type { BcuEvent } from "../events.ts";
import type { RackMeasurements } from "../rack-measurements.ts";
import { endCalibration, restCalibration } from "./calibration.ts";
import { integrateCurrent, netRemoved_Ah } from "./coulomb-counter.ts";
import type { EstimationConfig } from "./config.ts";
import { rackEnergy_kWh } from "./energy.ts";
import { updateHysteresis } from "./hysteresis.ts";
import { rackCharge, stepPublishedSoc } from "./pack-soc.ts";
import { rackSop, ZERO_SOP } from "./rack-sop.ts";
import { resistanceTemperatureFactor, updateResistance } from "./resistance-estimator.ts";
import { updateRest } from "./rest-detector.ts";
import { startFromOcv, type EstimationState } from "./state.ts";
import type { EstimationOutput } from "./types.ts";

/** Gain of the offset filter while the contactors are open (the current is then zero by construction). */
const OPEN_CONTACTOR_OFFSET_GAIN = 0.002;
const ENERGY_REFRESH_MS = 1000;
const CELL_SOC_REFRESH_MS = 1000;
const REST_OFFSET_GAIN = 1 / 6000;

/**
 * One estimation cycle on the cycle's measurements. SOC per cell by ampere-hour integration over measurement
 * timestamps, calibrated at rest from the OCV (weighted by the curve's slope) and at the ends; capacity and
 * resistance from evidence only; SOP from the equivalent circuit. Mutates `state`; the output is new.
 *
 * Fail safe: when the measurements are not usable (a cell invalid or stale, no temperature, the current sensor
 * stale or in error) the SOC is held (and integrated as far as the current allows), flagged `socValid: false`,
 * and the SOP is 0.
 */
export function stepEstimation(
  state: EstimationState,
  m: RackMeasurements,
  config: EstimationConfig,
  nowMs: number,
): EstimationOutput {
  const events: BcuEvent[] = [];
  const cellsValid = m.validCellCount === state.cells;
  const usable = cellsValid && m.current_A !== null && m.validTemperatureCount > 0;
  if (state.needsOcvStart && cellsValid && startFromOcv(state, m, config)) {
    state.needsOcvStart = false;
    events.push({ timeMs: nowMs, kind: "calibration", source: "soc", level: 0, message: "SOC started from the OCV" });
  }
  updateTemperatures(state, m, config);

  let current_A = 0;
  if (m.current_A !== null) {
    const feedback = m.contactorFeedback;
    if (feedback !== null && !feedback.closed.mainPositive && !feedback.closed.mainNegative) {
      // Contactors open: no current can flow, so what the sensor reads is its offset.
      const learned = state.currentOffset_A + OPEN_CONTACTOR_OFFSET_GAIN * (m.current_A - state.currentOffset_A);
      state.currentOffset_A = Math.max(-config.currentOffsetLimit_A, Math.min(config.currentOffsetLimit_A, learned));
    } else {
      current_A = m.current_A - state.currentOffset_A;
    }
    if (integrateCurrent(state.integrator, current_A, m.currentTimeMs) && !state.needsOcvStart) {
      countCharge(state, current_A, config);
    }
  }

  if (usable && !state.needsOcvStart) {
    for (let i = 0; i < state.cells; i++) {
      state.ocv_mV[i] = m.cellVoltage_mV[i] + current_A * state.r0_mOhm[i] + state.v1_mV[i] + state.v2_mV[i];
    }
    const rest_ms = updateRest(state.rest, current_A, m.currentTimeMs, config.restCurrent_A);
    if (rest_ms >= config.restTime_ms && m.current_A !== null) learnRestOffset(state, m.current_A, config);
    if (rest_ms === 0) state.restCalibrated = false;
    else if (rest_ms >= config.restTime_ms && !state.restCalibrated) restCalibration(state, config, nowMs, events);
    endCalibration(state, m, current_A, config, nowMs, events);
    updateResistance(
      state.resistance,
      m.cellVoltage_mV,
      current_A,
      m.currentTimeMs,
      state.resistanceFactor,
      state.soc,
      {
        step_A: config.resistanceStep_A,
        window_ms: config.resistanceWindow_ms,
        filterGain: config.resistanceFilterGain,
        rated_mOhm: config.cellR0_mOhm,
        socMin: config.resistanceSocMin_pct / 100,
        socMax: config.resistanceSocMax_pct / 100,
      },
    );
  }
  return buildOutput(state, m, config, usable, current_A, nowMs, events);
}

/**
 * Zero-current calibration: after `restTime_ms` below the rest current the PCS is idle and the true current is
 * zero (the contactors' and the PCS's standby draw are far below the sensor's resolution), so what the sensor
 * still reads is its offset. Filtered with a 10-minute time constant (100 ms cycles), so noise averages out.
 */
function learnRestOffset(state: EstimationState, measured_A: number, config: EstimationConfig): void {
  const learned = state.currentOffset_A + REST_OFFSET_GAIN * (measured_A - state.currentOffset_A);
  state.currentOffset_A = Math.max(-config.currentOffsetLimit_A, Math.min(config.currentOffsetLimit_A, learned));
  state.currentOffsetSigma_A = Math.max(0.02, state.currentOffsetSigma_A * (1 - REST_OFFSET_GAIN));
}

/**
 * Cell temperatures (the nearest sensor of its module, else the rack mean) and the resistances at them. The
 * Arrhenius factor is computed per sensor, and only when its temperature changes (1 °C resolution: rarely).
 */
function updateTemperatures(state: EstimationState, m: RackMeasurements, config: EstimationConfig): void {
  const fallback = m.temperatureAverage_degC ?? 25;
  const ratedR0 = config.cellR0_mOhm;
  const sensorT = state.sensorTemperature_degC;
  const sensorF = state.sensorResistanceFactor;
  for (let s = 0; s < sensorT.length; s++) {
    const t = m.temperatureValid[s] === 1 ? m.temperature_degC[s] : fallback;
    if (t !== sensorT[s]) {
      sensorT[s] = t;
      sensorF[s] = resistanceTemperatureFactor(t, config.resistanceActivation_K);
    }
  }
  const sensorOf = state.cellSensor;
  for (let i = 0; i < state.cells; i++) {
    const sensor = sensorOf[i];
    const f = sensorF[sensor];
    state.cellTemperature_degC[i] = sensorT[sensor];
    state.resistanceFactor[i] = f;
    const r25 = state.resistance.resistance25_mOhm[i];
    // The RC resistances age with the ohmic one.
    const aged = (f * r25) / ratedR0;
    state.r0_mOhm[i] = r25 * f;
    state.r1_mOhm[i] = config.cellR1_mOhm * aged;
    state.r2_mOhm[i] = config.cellR2_mOhm * aged;
  }
}

/** Applies the integrator's last interval to every cell: SOC, its σ, hysteresis, polarisation, counters. */
function countCharge(state: EstimationState, current_A: number, config: EstimationConfig): void {
  const integ = state.integrator;
  const removed_Ah = netRemoved_Ah(integ, config.coulombicEfficiency);
  const hours = integ.intervalMs / 3_600_000;
  const growth_Ah =
    state.currentOffsetSigma_A * hours +
    config.currentGainUncertainty * (integ.intervalDischarge_Ah + integ.intervalCharge_Ah);
  const a1 = Math.exp(-integ.intervalMs / 1000 / config.cellTau1_s);
  const a2 = Math.exp(-integ.intervalMs / 1000 / config.cellTau2_s);
  const capacity = state.capacity.capacity_Ah;
  for (let i = 0; i < state.cells; i++) {
    const c = capacity[i];
    const s = state.soc[i] - removed_Ah / c;
    state.soc[i] = s < 0 ? 0 : s > 1 ? 1 : s;
    state.socSigma[i] = Math.min(0.29, state.socSigma[i] + growth_Ah / c);
    state.v1_mV[i] = state.v1_mV[i] * a1 + current_A * state.r1_mOhm[i] * (1 - a1);
    state.v2_mV[i] = state.v2_mV[i] * a2 + current_A * state.r2_mOhm[i] * (1 - a2);
  }
  state.hysteresis = updateHysteresis(
    state.hysteresis,
    removed_Ah / state.cell.capacity_Ah,
    config.hysteresisThroughput_pct,
  );
  state.removedCounter_Ah += removed_Ah;
  state.dischargeThroughput_Ah += integ.intervalDischarge_Ah;
  state.chargeThroughput_Ah += integ.intervalCharge_Ah;
}

function buildOutput(
  state: EstimationState,
  m: RackMeasurements,
  config: EstimationConfig,
  usable: boolean,
  current_A: number,
  nowMs: number,
  events: BcuEvent[],
): EstimationOutput {
  const n = state.cells;
  const known = !state.needsOcvStart;
  let socMin = 1;
  let socMax = 0;
  for (let i = 0; i < n; i++) {
    const s = state.soc[i];
    if (s < socMin) socMin = s;
    if (s > socMax) socMax = s;
  }
  // A new array per cycle would be 2 kB of garbage every 100 ms for a figure that moves 0.02 % per second.
  if (!(nowMs - state.cellSocTimeMs < CELL_SOC_REFRESH_MS) || state.cellSocOutput.length !== n) {
    const cellSoc_pct = new Float64Array(n);
    for (let i = 0; i < n; i++) cellSoc_pct[i] = state.soc[i] * 100;
    state.cellSocOutput = cellSoc_pct;
    state.cellSocTimeMs = nowMs;
  }
  const capacity = state.capacity.capacity_Ah;
  const charge = rackCharge(state.soc, capacity);
  if (known) {
    if (Number.isNaN(state.publishedSoc)) state.publishedSoc = charge.soc;
    else {
      state.publishedSoc = stepPublishedSoc(
        state.publishedSoc,
        charge.soc,
        current_A,
        state.cell.capacity_Ah,
        nowMs - state.publishedTimeMs,
        {
          rateFactor: config.packSocRateFactor,
          restRate_pct_per_min: config.packSocRestRate_pct_per_min,
          deadband_A: config.restCurrent_A,
        },
      );
    }
  }
  state.publishedTimeMs = nowMs;
  let capacitySum = 0;
  let resistanceSum = 0;
  for (let i = 0; i < n; i++) {
    capacitySum += capacity[i];
    resistanceSum += state.resistance.resistance25_mOhm[i];
  }
  const meanCapacity = capacitySum / n;
  const capacitySoh_pct = (100 * meanCapacity) / state.cell.capacity_Ah;
  const resistanceRatio = resistanceSum / n / config.cellR0_mOhm;
  const resistanceSoh_pct = Math.max(0, Math.min(100, 100 - 20 * (resistanceRatio - 1)));
  // Energy moves slowly (a 0.5 C discharge takes 0.014 % per second): refreshed once per second of
  // measurement time, it costs a tenth of what it would every cycle.
  if (!(nowMs - state.energyTimeMs < ENERGY_REFRESH_MS)) {
    const energy = rackEnergy_kWh(
      state.soc,
      capacity,
      state.r0_mOhm,
      state.r1_mOhm,
      state.r2_mOhm,
      charge.discharge_Ah,
      charge.charge_Ah,
      config.energyDischargeRate_C * state.cell.capacity_Ah,
    );
    state.remainingEnergy_kWh = energy.remaining_kWh;
    state.fullEnergy_kWh = energy.full_kWh;
    state.energyTimeMs = nowMs;
  }
  // The published capacities are shared between outputs until one changes (outputs are never mutated).
  if (!sameValues(state.capacityOutput, capacity)) state.capacityOutput = Float64Array.from(capacity);
  return {
    packSoc_pct: known ? state.publishedSoc * 100 : null,
    socValid: usable && known,
    rackSocRaw_pct: known ? charge.soc * 100 : null,
    cellSocMin_pct: known ? socMin * 100 : null,
    cellSocMax_pct: known ? socMax * 100 : null,
    cellSoc_pct: state.cellSocOutput,
    full: !state.topArmed,
    empty: !state.bottomArmed,
    soh_pct: Math.min(capacitySoh_pct, resistanceSoh_pct),
    capacitySoh_pct,
    resistanceSoh_pct,
    capacity_Ah: meanCapacity,
    cellCapacity_Ah: state.capacityOutput,
    dischargeableCharge_Ah: charge.discharge_Ah,
    chargeableCharge_Ah: charge.charge_Ah,
    remainingEnergy_kWh: state.remainingEnergy_kWh,
    fullEnergy_kWh: state.fullEnergy_kWh,
    currentOffset_A: state.currentOffset_A,
    sop: usable && known ? rackSop(state, m, config, socMin, socMax) : ZERO_SOP,
    events,
  };
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

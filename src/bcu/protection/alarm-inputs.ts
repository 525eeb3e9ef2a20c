import type { ContactorFaults } from "../contactors/contactor-faults.ts";
import type { RackMeasurements } from "../rack-measurements.ts";
import type { RackTopology } from "../rack-topology.ts";
import { ALARM_INDEX } from "./alarm-ids.ts";
import type { ProtectionConfig } from "./protection-config.ts";
import { safetyIoValues, type InsulationContext } from "./safety-io-inputs.ts";

/** What the protection needs besides the measurements. */
export interface ProtectionContext {
  /** From the estimation; null while unknown. */
  readonly packSoc_pct: number | null;
  /** From the contactor state machine's previous step. */
  readonly contactorFaults: ContactorFaults;
  /** Main contactors closed (pack connected to the PCS). When open, a level-3 fault needs no grace period. */
  readonly contactorsClosed: boolean;
  /** From the insulation driver's step of this cycle; absent: the insulation alarms hold (unknown). */
  readonly insulation?: InsulationContext;
}

/** Times the inputs were last seen healthy, for the "how long lost" values. Owned by the protection state. */
export interface InputTracking {
  readonly bmuLastSeenMs: Float64Array;
  currentLastOkMs: number;
  /** BMU index with the longest silence, and with the worst cell sum, for messages (-1: none). */
  worstSilentBmu: number;
  worstCellSumBmu: number;
}

export function createInputTracking(topology: RackTopology): InputTracking {
  return {
    bmuLastSeenMs: new Float64Array(topology.bmuCount).fill(NaN),
    currentLastOkMs: NaN,
    worstSilentBmu: -1,
    worstCellSumBmu: -1,
  };
}

const I = ALARM_INDEX;

/** The settings of the protection section that shape the values (not the levels). */
export type AlarmInputSettings = Pick<ProtectionConfig, "restCurrent_A" | "cellVoltageDifferenceWindow_mV">;

/**
 * Fills `values` (in each alarm's table unit; NaN = unknown: the alarm holds its state) and `applicable`
 * (0 = the protection does not apply now, e.g. a charge limit while discharging: it counts as released).
 * Allocates nothing: this runs every cycle.
 */
export function computeAlarmValues(
  track: InputTracking,
  m: RackMeasurements,
  ctx: ProtectionContext,
  topology: RackTopology,
  settings: AlarmInputSettings,
  nowMs: number,
  values: Float64Array,
  applicable: Uint8Array,
): void {
  applicable.fill(1);
  const current = m.current_A;
  const restCurrent_A = settings.restCurrent_A;
  // Unknown current: both charge and discharge protections apply (fail safe).
  const charging = current === null || current < -restCurrent_A;
  const notCharging = current === null || current >= -restCurrent_A;

  values[I.cellOverVoltage] = m.cellVoltageMax === null ? NaN : m.cellVoltageMax.value;
  values[I.cellUnderVoltage] = m.cellVoltageMin === null ? NaN : m.cellVoltageMin.value;
  values[I.cellVoltageDifference] = cellVoltageDifference(m, settings.cellVoltageDifferenceWindow_mV);

  const cells = topology.bmuCount * topology.cellsPerBmu;
  const packVoltage_V = m.packVoltage_V ?? m.cellVoltageSum_V;
  const perCell_mV = packVoltage_V === null ? NaN : roundMicro((packVoltage_V * 1000) / cells);
  values[I.packOverVoltage] = perCell_mV;
  values[I.packUnderVoltage] = perCell_mV;

  const tMax = m.temperatureMax === null ? NaN : m.temperatureMax.value;
  const tMin = m.temperatureMin === null ? NaN : m.temperatureMin.value;
  values[I.chargeOverTemperature] = tMax;
  values[I.dischargeOverTemperature] = tMax;
  values[I.chargeUnderTemperature] = tMin;
  values[I.dischargeUnderTemperature] = tMin;
  applicable[I.chargeOverTemperature] = charging ? 1 : 0;
  applicable[I.chargeUnderTemperature] = charging ? 1 : 0;
  applicable[I.dischargeOverTemperature] = notCharging ? 1 : 0;
  applicable[I.dischargeUnderTemperature] = notCharging ? 1 : 0;
  values[I.temperatureDifference] = tMax - tMin;

  // Sign convention: + = discharge. Each over-current sees only its own direction (the other reads 0).
  values[I.chargeOverCurrent] = current === null ? NaN : Math.max(0, -current);
  values[I.dischargeOverCurrent] = current === null ? NaN : Math.max(0, current);
  values[I.lowSoc] = ctx.packSoc_pct === null ? NaN : ctx.packSoc_pct;

  if (Number.isNaN(track.currentLastOkMs) || current !== null) track.currentLastOkMs = nowMs;
  values[I.currentSensorFault] = nowMs - track.currentLastOkMs;

  bmuValues(track, m, topology, nowMs, values);

  const faults = ctx.contactorFaults;
  values[I.contactorFeedbackMismatch] = faults.feedbackMismatch_ms;
  values[I.prechargeFailure] = faults.prechargeFailed ? 1 : 0;
  values[I.contactorWelded] = faults.welded ? 1 : 0;

  safetyIoValues(m, ctx.insulation, values);
}

/**
 * Highest minus lowest valid cell, judged only while the mean cell voltage is on the plateau window: off it
 * (the steep ends of the LFP curve) a healthy capacity spread reads as hundreds of mV, so the value is unknown
 * there and the alarm holds (neither trips nor releases; a latched level stays latched). Not "not applicable":
 * that would release an imbalance seen on the plateau just because the rack then went on discharging.
 */
function cellVoltageDifference(
  m: RackMeasurements,
  window: ProtectionConfig["cellVoltageDifferenceWindow_mV"],
): number {
  if (m.cellVoltageMax === null || m.cellVoltageMin === null || m.cellVoltageAverage_mV === null) return NaN;
  // Back to rest: charging lifts every cell by about I·R (and discharging lowers it). Unknown current: as measured.
  const mean_mV = m.cellVoltageAverage_mV + (m.current_A ?? 0) * window.cellResistance_mOhm;
  if (mean_mV < window.low || mean_mV > window.high) return NaN;
  return m.cellVoltageMax.value - m.cellVoltageMin.value;
}

/** BMU communication loss and the two plausibility checks: one pass over the cells and sensors of each BMU. */
function bmuValues(
  track: InputTracking,
  m: RackMeasurements,
  topology: RackTopology,
  nowMs: number,
  values: Float64Array,
): void {
  const { cellsPerBmu, temperatureSensorsPerBmu } = topology;
  let worstSilence = 0;
  let worstSilentBmu = -1;
  let worstCellSum = NaN;
  let worstCellSumBmu = -1;
  let moduleSum_V = 0;
  let allModulesKnown = true;
  for (let b = 0; b < m.bmus.length; b++) {
    const bmu = m.bmus[b];
    let cellsOk = true;
    let sum_mV = 0;
    for (let c = b * cellsPerBmu, end = c + cellsPerBmu; c < end; c++) {
      if (m.cellVoltageValid[c] === 0) {
        cellsOk = false;
        break;
      }
      sum_mV += m.cellVoltage_mV[c];
    }
    let anyTemperature = false;
    for (let s = b * temperatureSensorsPerBmu, end = s + temperatureSensorsPerBmu; s < end; s++) {
      if (m.temperatureValid[s] === 1) {
        anyTemperature = true;
        break;
      }
    }
    const status = bmu.status;
    // A BMU whose AFE is faulty or has an open sense wire measures nothing we may trust: it counts as unseen.
    const seen = cellsOk && anyTemperature && status !== null && !status.afeFault && !status.openWire;
    if (seen || Number.isNaN(track.bmuLastSeenMs[b])) track.bmuLastSeenMs[b] = nowMs;
    const silence = nowMs - track.bmuLastSeenMs[b];
    if (silence > worstSilence) {
      worstSilence = silence;
      worstSilentBmu = b;
    }
    const moduleVoltage_V = bmu.moduleVoltage_V;
    if (moduleVoltage_V === null) {
      allModulesKnown = false;
    } else {
      moduleSum_V += moduleVoltage_V;
      if (cellsOk) {
        const difference = roundMicro(Math.abs(sum_mV / 1000 - moduleVoltage_V));
        if (!(difference <= worstCellSum)) {
          worstCellSum = difference;
          worstCellSumBmu = b;
        }
      }
    }
  }
  values[I.bmuCommunicationLoss] = worstSilence;
  values[I.cellSumImplausible] = worstCellSum;
  values[I.moduleSumImplausible] =
    allModulesKnown && m.packVoltage_V !== null ? roundMicro(Math.abs(moduleSum_V - m.packVoltage_V)) : NaN;
  track.worstSilentBmu = worstSilentBmu;
  track.worstCellSumBmu = worstCellSumBmu;
}

/** Rounds to 1e-6 of the unit, so that 21.6 V / 8 cells compares equal to a 2700 mV threshold (binary fractions). */
function roundMicro(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

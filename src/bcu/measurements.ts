import type {
  BmuCellVoltages,
  BmuStatus,
  BmuTemperatures,
  ContactorFeedback,
  ImdInfo,
  ImdResponse,
  IvtResult,
  RackMessage,
} from "../can/codecs/messages.ts";
import { IVT_RESULT } from "../can/codecs/messages.ts";
import { bmuIndexOfNode, cellCount, sensorCount, type RackTopology } from "./rack-topology.ts";

/**
 * The live measurement model: every value the rack's frames carry, with the time it was measured and whether
 * the sender said it was valid. Filled frame by frame by `ingestMessage`; judged for staleness by
 * `assessMeasurements` once per cycle.
 *
 * Per-cell and per-sensor values live in typed arrays (240 cells ingest at > 500 k frames/s). A value that was
 * never received has time -Infinity. An invalid value is NaN with valid = 0: a sensor fault, never a number.
 * Time is the frame's timestamp (measurement time), never a wall clock read here.
 */
export interface MeasurementState {
  readonly topology: RackTopology;
  readonly cellVoltage_mV: Float64Array;
  readonly cellVoltageValid: Uint8Array;
  readonly cellVoltageTimeMs: Float64Array;
  readonly temperature_degC: Float64Array;
  readonly temperatureValid: Uint8Array;
  readonly temperatureTimeMs: Float64Array;
  /** Latest status per BMU (index = BMU index), null until the first one. */
  readonly bmuStatus: (BmuStatus | null)[];
  readonly bmuStatusTimeMs: Float64Array;
  /** IVT-S results by result id 0..7 (current mA, U1 mV, U2 mV, U3 mV, T 0.1 °C, W, As, Wh). */
  readonly ivtRaw: Float64Array;
  readonly ivtValid: Uint8Array;
  readonly ivtTimeMs: Float64Array;
  contactorFeedback: ContactorFeedback | null;
  contactorFeedbackTimeMs: number;
  /** Latest IMD_Info of the insulation monitor and its time (-Infinity before the first). */
  imdInfo: ImdInfo | null;
  imdInfoTimeMs: number;
  /**
   * IMD_Responses received since the insulation driver last took them (`takeImdResponses`), oldest first. Bounded:
   * the driver has at most one request outstanding, so more than a few means nobody is reading them.
   */
  readonly imdResponses: ImdResponse[];
  /** Frames this model took in (all kinds), for status. */
  messagesIngested: number;
  /** Messages from nodes that are not part of this rack's topology. */
  messagesFromForeignNodes: number;
}

export function createMeasurementState(topology: RackTopology): MeasurementState {
  const cells = cellCount(topology);
  const sensors = sensorCount(topology);
  return {
    topology,
    cellVoltage_mV: new Float64Array(cells).fill(NaN),
    cellVoltageValid: new Uint8Array(cells),
    cellVoltageTimeMs: new Float64Array(cells).fill(-Infinity),
    temperature_degC: new Float64Array(sensors).fill(NaN),
    temperatureValid: new Uint8Array(sensors),
    temperatureTimeMs: new Float64Array(sensors).fill(-Infinity),
    bmuStatus: new Array<BmuStatus | null>(topology.bmuCount).fill(null),
    bmuStatusTimeMs: new Float64Array(topology.bmuCount).fill(-Infinity),
    ivtRaw: new Float64Array(8).fill(NaN),
    ivtValid: new Uint8Array(8),
    ivtTimeMs: new Float64Array(8).fill(-Infinity),
    contactorFeedback: null,
    contactorFeedbackTimeMs: -Infinity,
    imdInfo: null,
    imdInfoTimeMs: -Infinity,
    imdResponses: [],
    messagesIngested: 0,
    messagesFromForeignNodes: 0,
  };
}

/**
 * Applies one decoded message, measured at `timestampMs`, to the model (in place: the model is owned by the
 * cycle and never shared). Messages the BCU itself sends (commands) are ignored. A message older than what the
 * model holds for that value is ignored, so a reordered capture cannot roll a value back.
 */
export function ingestMessage(state: MeasurementState, message: RackMessage, timestampMs: number): void {
  switch (message.kind) {
    case "bmuCellVoltages":
      ingestCellVoltages(state, message, timestampMs);
      break;
    case "bmuTemperatures":
      ingestTemperatures(state, message, timestampMs);
      break;
    case "bmuStatus":
      ingestBmuStatus(state, message, timestampMs);
      break;
    case "ivtResult":
      ingestIvtResult(state, message, timestampMs);
      break;
    case "contactorFeedback":
      if (timestampMs >= state.contactorFeedbackTimeMs) {
        state.contactorFeedback = message;
        state.contactorFeedbackTimeMs = timestampMs;
      }
      break;
    case "imdInfo":
      if (timestampMs >= state.imdInfoTimeMs) {
        state.imdInfo = message;
        state.imdInfoTimeMs = timestampMs;
      }
      break;
    case "imdResponse":
      if (state.imdResponses.length >= IMD_RESPONSES_KEPT) state.imdResponses.shift();
      state.imdResponses.push(message);
      break;
    default:
      return;
  }
  state.messagesIngested++;
}

/** IMD_Responses kept for the insulation driver between two cycles. */
export const IMD_RESPONSES_KEPT = 16;

/** The IMD_Responses received since the last call, oldest first (for the insulation driver, once per cycle). */
export function takeImdResponses(state: MeasurementState): ImdResponse[] {
  return state.imdResponses.splice(0);
}

function ingestCellVoltages(state: MeasurementState, message: BmuCellVoltages, timestampMs: number): void {
  const bmu = bmuIndexOfNode(state.topology, message.node);
  if (bmu < 0) {
    state.messagesFromForeignNodes++;
    return;
  }
  const perBmu = state.topology.cellsPerBmu;
  const first = message.group * 3;
  const values = message.cellVoltages_mV;
  for (let k = 0; k < values.length; k++) {
    const cell = first + k;
    // Cells beyond this module's count are padding in the last group.
    if (cell >= perBmu) break;
    const index = bmu * perBmu + cell;
    if (timestampMs < state.cellVoltageTimeMs[index]) continue;
    const v = values[k];
    state.cellVoltageTimeMs[index] = timestampMs;
    if (v === null) {
      state.cellVoltage_mV[index] = NaN;
      state.cellVoltageValid[index] = 0;
    } else {
      state.cellVoltage_mV[index] = v;
      state.cellVoltageValid[index] = 1;
    }
  }
}

function ingestTemperatures(state: MeasurementState, message: BmuTemperatures, timestampMs: number): void {
  const bmu = bmuIndexOfNode(state.topology, message.node);
  if (bmu < 0) {
    state.messagesFromForeignNodes++;
    return;
  }
  const perBmu = state.topology.temperatureSensorsPerBmu;
  const first = message.group * 6;
  const values = message.temperatures_degC;
  for (let k = 0; k < values.length; k++) {
    const sensor = first + k;
    if (sensor >= perBmu) break;
    const index = bmu * perBmu + sensor;
    if (timestampMs < state.temperatureTimeMs[index]) continue;
    const t = values[k];
    state.temperatureTimeMs[index] = timestampMs;
    if (t === null) {
      state.temperature_degC[index] = NaN;
      state.temperatureValid[index] = 0;
    } else {
      state.temperature_degC[index] = t;
      state.temperatureValid[index] = 1;
    }
  }
}

function ingestBmuStatus(state: MeasurementState, message: BmuStatus, timestampMs: number): void {
  const bmu = bmuIndexOfNode(state.topology, message.node);
  if (bmu < 0) {
    state.messagesFromForeignNodes++;
    return;
  }
  if (timestampMs < state.bmuStatusTimeMs[bmu]) return;
  state.bmuStatus[bmu] = message;
  state.bmuStatusTimeMs[bmu] = timestampMs;
}

function ingestIvtResult(state: MeasurementState, message: IvtResult, timestampMs: number): void {
  // The IVT-S result id (0 I, 1 U1, ...) is the slot: the measurement model keeps the sensor's own numbering.
  const index = IVT_RESULT[message.result];
  if (timestampMs < state.ivtTimeMs[index]) return;
  state.ivtTimeMs[index] = timestampMs;
  // Any error bit makes the value unusable; over-current (OCS) is a flag about a valid value.
  const valid = !(message.channelError || message.measurementError || message.systemError);
  state.ivtValid[index] = valid ? 1 : 0;
  state.ivtRaw[index] = valid ? message.value : NaN;
}

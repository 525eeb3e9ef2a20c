import type { BmuStatus, ContactorFeedback, ImdInfo } from "../can/codecs/messages.ts";
import type { MeasurementState } from "./measurements.ts";

/** How long a value stays usable after it was measured. From configuration (`measurements`). */
export interface MeasurementTimeouts {
  readonly cellVoltageTimeout_ms: number;
  readonly temperatureTimeout_ms: number;
  readonly bmuStatusTimeout_ms: number;
  readonly currentSensorTimeout_ms: number;
  readonly contactorFeedbackTimeout_ms: number;
  /** IMD_Info (sent every 1 s) older than this is stale. Default `IMD_INFO_TIMEOUT_MS`. */
  readonly imdInfoTimeout_ms?: number;
}

/** The rule: an insulation monitor that stops sending IMD_Info for 5 s is a fault, never a value. */
export const IMD_INFO_TIMEOUT_MS = 5000;

export interface BmuView {
  /** CAN node address. */
  readonly node: number;
  /** 1-based module number. */
  readonly module: number;
  /** Status frame fresh. */
  readonly statusFresh: boolean;
  /** Every cell voltage of this module fresh (valid or marked invalid: the BMU is talking). */
  readonly cellsFresh: boolean;
  /** Not heard from (status or cells) within the timeouts: the BMU is lost. */
  readonly stale: boolean;
  readonly status: BmuStatus | null;
  readonly moduleVoltage_V: number | null;
}

export interface SensorExtreme {
  readonly value: number;
  readonly index: number;
}

/**
 * What the rack's measurements say at one instant, judged for age and validity: the one input of estimation
 * and protection. Arrays are copies owned by this object. A value that is stale or invalid is NaN with its
 * `valid` flag 0, and a scalar that is stale or invalid is null. Never a frozen value.
 */
export interface RackMeasurements {
  readonly timeMs: number;
  readonly cellVoltage_mV: Float64Array;
  /** 1 = fresh and valid. */
  readonly cellVoltageValid: Uint8Array;
  readonly validCellCount: number;
  readonly cellVoltageMin: SensorExtreme | null;
  readonly cellVoltageMax: SensorExtreme | null;
  readonly cellVoltageAverage_mV: number | null;
  /** Sum of all cell voltages when every cell is valid, else null. */
  readonly cellVoltageSum_V: number | null;
  readonly temperature_degC: Float64Array;
  readonly temperatureValid: Uint8Array;
  readonly validTemperatureCount: number;
  readonly temperatureMin: SensorExtreme | null;
  readonly temperatureMax: SensorExtreme | null;
  readonly temperatureAverage_degC: number | null;
  /** Rack current, + = discharge; null when the sensor is stale or in error. */
  readonly current_A: number | null;
  readonly currentTimeMs: number;
  /** IVT U1: battery side of the contactors. */
  readonly packVoltage_V: number | null;
  /** IVT U2: PCS (DC link) side. */
  readonly linkVoltage_V: number | null;
  readonly currentSensorTemperature_degC: number | null;
  /** Current sensor fresh and without error bits. */
  readonly currentSensorOk: boolean;
  readonly contactorFeedback: ContactorFeedback | null;
  /**
   * The insulation monitor's latest IMD_Info; null when it is stale (`imdInfoTimeout_ms`) or never came. Its R_iso
   * is a value only when the insulation driver says so (`../insulation`): device bits, start-up and self-test.
   * Optional only so that hand-built measurements (tests, benches) need not name it; `assessMeasurements` sets it.
   */
  readonly imdInfo?: ImdInfo | null;
  /** When that IMD_Info was received (-Infinity: never). */
  readonly imdInfoTimeMs?: number;
  readonly bmus: readonly BmuView[];
  /** Names of nodes that stopped talking: `bmu3`, `ivt`, `contactorUnit`. */
  readonly staleNodes: readonly string[];
}

/**
 * Judges the measurement model at `nowMs`: a value older than its timeout is stale, whatever it said.
 * Pure; cheap enough to run every cycle (one pass over cells and sensors).
 */
export function assessMeasurements(
  state: MeasurementState,
  timeouts: MeasurementTimeouts,
  nowMs: number,
): RackMeasurements {
  const { topology } = state;
  const cells = state.cellVoltage_mV.length;
  const cellVoltage_mV = new Float64Array(cells);
  const cellVoltageValid = new Uint8Array(cells);
  const cellFresh = new Uint8Array(cells);
  const cellOldest = nowMs - timeouts.cellVoltageTimeout_ms;
  let validCellCount = 0;
  let sum_mV = 0;
  let minIndex = -1;
  let maxIndex = -1;
  for (let i = 0; i < cells; i++) {
    const fresh = state.cellVoltageTimeMs[i] >= cellOldest;
    cellFresh[i] = fresh ? 1 : 0;
    if (fresh && state.cellVoltageValid[i] === 1) {
      const v = state.cellVoltage_mV[i];
      cellVoltage_mV[i] = v;
      cellVoltageValid[i] = 1;
      validCellCount++;
      sum_mV += v;
      if (minIndex < 0 || v < cellVoltage_mV[minIndex]) minIndex = i;
      if (maxIndex < 0 || v > cellVoltage_mV[maxIndex]) maxIndex = i;
    } else {
      cellVoltage_mV[i] = NaN;
    }
  }

  const sensors = state.temperature_degC.length;
  const temperature_degC = new Float64Array(sensors);
  const temperatureValid = new Uint8Array(sensors);
  const sensorOldest = nowMs - timeouts.temperatureTimeout_ms;
  let validTemperatureCount = 0;
  let sum_degC = 0;
  let tMinIndex = -1;
  let tMaxIndex = -1;
  for (let i = 0; i < sensors; i++) {
    if (state.temperatureTimeMs[i] >= sensorOldest && state.temperatureValid[i] === 1) {
      const t = state.temperature_degC[i];
      temperature_degC[i] = t;
      temperatureValid[i] = 1;
      validTemperatureCount++;
      sum_degC += t;
      if (tMinIndex < 0 || t < temperature_degC[tMinIndex]) tMinIndex = i;
      if (tMaxIndex < 0 || t > temperature_degC[tMaxIndex]) tMaxIndex = i;
    } else {
      temperature_degC[i] = NaN;
    }
  }

  const staleNodes: string[] = [];
  const bmus: BmuView[] = [];
  const statusOldest = nowMs - timeouts.bmuStatusTimeout_ms;
  for (let b = 0; b < topology.bmuCount; b++) {
    const node = topology.firstBmuNode + b;
    const statusFresh = state.bmuStatusTimeMs[b] >= statusOldest;
    let cellsFresh = true;
    for (let c = b * topology.cellsPerBmu; c < (b + 1) * topology.cellsPerBmu; c++) {
      if (cellFresh[c] === 0) {
        cellsFresh = false;
        break;
      }
    }
    const stale = !statusFresh || !cellsFresh;
    if (stale) staleNodes.push(`bmu${node}`);
    const status = statusFresh ? state.bmuStatus[b] : null;
    bmus.push({
      node,
      module: b + 1,
      statusFresh,
      cellsFresh,
      stale,
      status,
      moduleVoltage_V: status ? status.moduleVoltage_mV / 1000 : null,
    });
  }

  const ivtOldest = nowMs - timeouts.currentSensorTimeout_ms;
  const ivtValue = (index: number, scale: number): number | null =>
    state.ivtTimeMs[index] >= ivtOldest && state.ivtValid[index] === 1 ? state.ivtRaw[index] * scale : null;
  // The IVT-S sends I, U1 and U2 every 10-100 ms, the other results every 1 s (DESIGN.md): the slow ones get
  // three of their periods before they are stale.
  const slowOldest = nowMs - Math.max(timeouts.currentSensorTimeout_ms, 3000);
  const ivtSlowValue = (index: number, scale: number): number | null =>
    state.ivtTimeMs[index] >= slowOldest && state.ivtValid[index] === 1 ? state.ivtRaw[index] * scale : null;
  const current_A = ivtValue(0, 0.001);
  if (state.ivtTimeMs[0] < ivtOldest) staleNodes.push("ivt");

  const contactorFeedback =
    state.contactorFeedbackTimeMs >= nowMs - timeouts.contactorFeedbackTimeout_ms ? state.contactorFeedback : null;
  if (contactorFeedback === null) staleNodes.push("contactorUnit");

  const imdInfoTimeout = timeouts.imdInfoTimeout_ms ?? IMD_INFO_TIMEOUT_MS;
  const imdInfo = state.imdInfoTimeMs >= nowMs - imdInfoTimeout ? state.imdInfo : null;

  return {
    timeMs: nowMs,
    cellVoltage_mV,
    cellVoltageValid,
    validCellCount,
    cellVoltageMin: minIndex < 0 ? null : { value: cellVoltage_mV[minIndex], index: minIndex },
    cellVoltageMax: maxIndex < 0 ? null : { value: cellVoltage_mV[maxIndex], index: maxIndex },
    cellVoltageAverage_mV: validCellCount > 0 ? sum_mV / validCellCount : null,
    cellVoltageSum_V: validCellCount === cells && cells > 0 ? sum_mV / 1000 : null,
    temperature_degC,
    temperatureValid,
    validTemperatureCount,
    temperatureMin: tMinIndex < 0 ? null : { value: temperature_degC[tMinIndex], index: tMinIndex },
    temperatureMax: tMaxIndex < 0 ? null : { value: temperature_degC[tMaxIndex], index: tMaxIndex },
    temperatureAverage_degC: validTemperatureCount > 0 ? sum_degC / validTemperatureCount : null,
    current_A,
    currentTimeMs: state.ivtTimeMs[0],
    packVoltage_V: ivtValue(1, 0.001),
    linkVoltage_V: ivtValue(2, 0.001),
    currentSensorTemperature_degC: ivtSlowValue(4, 0.1),
    currentSensorOk: current_A !== null,
    contactorFeedback,
    imdInfo,
    imdInfoTimeMs: state.imdInfoTimeMs,
    bmus,
    staleNodes,
  };
}

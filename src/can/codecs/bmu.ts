/**
 * BMU protocol v1 (DESIGN.md, "CAN: reference protocols"): status, temperatures and cell voltages from each BMU,
 * the balancing command to it. Node n = 1..32, little-endian, DLC 8.
 *
 * Limits of the layout: cell-voltage groups g = 0..10 carry cells 3g+1..3g+3, so a BMU reports at most 32 cells
 * (the third slot of group 10 would be cell 33: it is sent as 0xFFFF and read back as `null`); temperature groups
 * g = 0..5 carry sensors 6g+1..6g+6, at most 36 sensors.
 */
import type { OutgoingCanFrame, CanFrame } from "../frame.ts";
import type { BalancingCommand, BmuCellVoltages, BmuStatus, BmuTemperatures, FrameError } from "./messages.ts";
import { BMU_NODE_MAX, BMU_NODE_MIN } from "./messages.ts";
import { bmuSource, frameError, hexId, UNKNOWN_SOURCE, wrongDlc } from "./frame-error.ts";
import { bit, checkInt, checkScaled } from "./encode-checks.ts";

export const BMU_STATUS_BASE = 0x100;
export const BMU_TEMPERATURES_BASE = 0x180;
export const BMU_CELL_VOLTAGES_BASE = 0x200;
export const BMU_BALANCING_CMD_BASE = 0x300;

export const BMU_STATUS_PERIOD_MS = 1000;
export const BMU_TEMPERATURES_PERIOD_MS = 1000;
export const BMU_CELL_VOLTAGES_PERIOD_MS = 100;
export const BMU_BALANCING_CMD_PERIOD_MS = 1000;

export const BMU_FRAME_DLC = 8;
export const BMU_PROTOCOL_VERSION = 1;
export const BMU_CELLS_MAX = 32;
export const BMU_SENSORS_MAX = 36;
export const BMU_CELLS_PER_GROUP = 3;
export const BMU_TEMPERATURES_PER_GROUP = 6;
export const BMU_CELL_VOLTAGE_GROUP_MAX = 10;
export const BMU_TEMPERATURE_GROUP_MAX = 5;
/** Wire markers of an invalid or absent value. */
export const BMU_TEMPERATURE_INVALID = 0xff;
export const BMU_CELL_VOLTAGE_INVALID = 0xffff;
/** Temperatures travel as °C + 40 in a u8; 0xFF is the invalid marker, so 214 °C is the highest sensor value. */
export const BMU_TEMPERATURE_OFFSET_DEGC = 40;
/** Module voltage resolution: 0.01 V. */
export const BMU_MODULE_VOLTAGE_STEP_MV = 10;

/** Node of a BMU frame id for the given base, or 0 when the id is not one of the 32 nodes' ids. */
function nodeOf(id: number, base: number): number {
  const node = id - base;
  return node >= BMU_NODE_MIN && node <= BMU_NODE_MAX ? node : 0;
}

function badId(id: number, name: string, base: number): FrameError {
  const range = `${hexId(base + BMU_NODE_MIN)}..${hexId(base + BMU_NODE_MAX)}`;
  return frameError("unknownId", UNKNOWN_SOURCE, id, `${hexId(id)} is not a ${name} id (${range})`);
}

// ---- BMU_Status, 0x100+n --------------------------------------------------------------------------------

export function encodeBmuStatus(msg: BmuStatus): OutgoingCanFrame {
  const m = "BmuStatus";
  const node = checkInt(m, "node", msg.node, BMU_NODE_MIN, BMU_NODE_MAX);
  const voltage = checkScaled(m, "moduleVoltage_mV", msg.moduleVoltage_mV, BMU_MODULE_VOLTAGE_STEP_MV, 0, 655350);
  const data = new Uint8Array(BMU_FRAME_DLC);
  data[0] = checkInt(m, "aliveCounter", msg.aliveCounter, 0, 255);
  data[1] =
    bit(msg.balancingActive, 0) |
    bit(msg.afeFault, 1) |
    bit(msg.openWire, 2) |
    bit(msg.temperatureSensorFault, 3) |
    bit(msg.supplyLow, 4) |
    bit(msg.balancingOverTemperature, 5);
  data[2] = voltage & 0xff;
  data[3] = voltage >>> 8;
  data[4] = checkScaled(m, "boardTemperature_degC", msg.boardTemperature_degC, 1, -40, 215) + 40;
  data[5] = checkInt(m, "cellCount", msg.cellCount, 0, BMU_CELLS_MAX);
  data[6] = checkInt(m, "sensorCount", msg.sensorCount, 0, BMU_SENSORS_MAX);
  data[7] = checkInt(m, "protocolVersion", msg.protocolVersion, 0, 255);
  return { id: BMU_STATUS_BASE + node, data };
}

/** Rejects a protocol version other than 1 and a cell or sensor count beyond the layout's limits. */
export function decodeBmuStatus(frame: CanFrame): BmuStatus | FrameError {
  const id = frame.id;
  const node = nodeOf(id, BMU_STATUS_BASE);
  if (node === 0 || frame.extended === true) return badId(id, "BMU_Status", BMU_STATUS_BASE);
  const d = frame.data;
  if (d.length !== BMU_FRAME_DLC) return wrongDlc(bmuSource(node), id, "BMU_Status", BMU_FRAME_DLC, d.length);
  if (d[7] !== BMU_PROTOCOL_VERSION) {
    const detail = `BMU ${node} speaks protocol version ${d[7]}; this BCU understands version ${BMU_PROTOCOL_VERSION}`;
    return frameError("unsupportedVersion", bmuSource(node), id, detail);
  }
  if (d[5] > BMU_CELLS_MAX || d[6] > BMU_SENSORS_MAX) {
    const detail = `BMU ${node} reports ${d[5]} cells and ${d[6]} sensors; the protocol carries at most ${BMU_CELLS_MAX} and ${BMU_SENSORS_MAX}`;
    return frameError("invalidValue", bmuSource(node), id, detail);
  }
  const flags = d[1];
  return {
    kind: "bmuStatus",
    node,
    aliveCounter: d[0],
    balancingActive: (flags & 0x01) !== 0,
    afeFault: (flags & 0x02) !== 0,
    openWire: (flags & 0x04) !== 0,
    temperatureSensorFault: (flags & 0x08) !== 0,
    supplyLow: (flags & 0x10) !== 0,
    balancingOverTemperature: (flags & 0x20) !== 0,
    moduleVoltage_mV: (d[2] | (d[3] << 8)) * BMU_MODULE_VOLTAGE_STEP_MV,
    boardTemperature_degC: d[4] - BMU_TEMPERATURE_OFFSET_DEGC,
    cellCount: d[5],
    sensorCount: d[6],
    protocolVersion: d[7],
  };
}

// ---- BMU_Temperatures, 0x180+n ---------------------------------------------------------------------------

/** `temperatures_degC` may be shorter than 6: missing sensors are sent as invalid. Values are rounded to 1 °C. */
export function encodeBmuTemperatures(msg: BmuTemperatures): OutgoingCanFrame {
  const m = "BmuTemperatures";
  const node = checkInt(m, "node", msg.node, BMU_NODE_MIN, BMU_NODE_MAX);
  const temps = msg.temperatures_degC;
  checkInt(m, "temperatures_degC.length", temps.length, 0, BMU_TEMPERATURES_PER_GROUP);
  const data = new Uint8Array(BMU_FRAME_DLC);
  data[0] = checkInt(m, "group", msg.group, 0, BMU_TEMPERATURE_GROUP_MAX);
  for (let i = 0; i < BMU_TEMPERATURES_PER_GROUP; i++) {
    const t = temps[i];
    data[1 + i] =
      t === null || t === undefined
        ? BMU_TEMPERATURE_INVALID
        : checkScaled(m, `temperatures_degC[${i}]`, t, 1, -40, 214) + BMU_TEMPERATURE_OFFSET_DEGC;
  }
  return { id: BMU_TEMPERATURES_BASE + node, data };
}

export function decodeBmuTemperatures(frame: CanFrame): BmuTemperatures | FrameError {
  const id = frame.id;
  const node = nodeOf(id, BMU_TEMPERATURES_BASE);
  if (node === 0 || frame.extended === true) return badId(id, "BMU_Temperatures", BMU_TEMPERATURES_BASE);
  const d = frame.data;
  if (d.length !== BMU_FRAME_DLC) return wrongDlc(bmuSource(node), id, "BMU_Temperatures", BMU_FRAME_DLC, d.length);
  const group = d[0];
  if (group > BMU_TEMPERATURE_GROUP_MAX) {
    const detail = `BMU ${node} temperature group ${group} is beyond the last group ${BMU_TEMPERATURE_GROUP_MAX}`;
    return frameError("multiplexerOutOfRange", bmuSource(node), id, detail);
  }
  return {
    kind: "bmuTemperatures",
    node,
    group,
    temperatures_degC: [
      temperatureOf(d[1]),
      temperatureOf(d[2]),
      temperatureOf(d[3]),
      temperatureOf(d[4]),
      temperatureOf(d[5]),
      temperatureOf(d[6]),
    ],
  };
}

function temperatureOf(raw: number): number | null {
  return raw === BMU_TEMPERATURE_INVALID ? null : raw - BMU_TEMPERATURE_OFFSET_DEGC;
}

// ---- BMU_CellVoltages, 0x200+n ---------------------------------------------------------------------------

/** `cellVoltages_mV` may be shorter than 3: missing cells are sent as invalid. Values are rounded to 1 mV. */
export function encodeBmuCellVoltages(msg: BmuCellVoltages): OutgoingCanFrame {
  const m = "BmuCellVoltages";
  const node = checkInt(m, "node", msg.node, BMU_NODE_MIN, BMU_NODE_MAX);
  const group = checkInt(m, "group", msg.group, 0, BMU_CELL_VOLTAGE_GROUP_MAX);
  const cells = msg.cellVoltages_mV;
  checkInt(m, "cellVoltages_mV.length", cells.length, 0, BMU_CELLS_PER_GROUP);
  const data = new Uint8Array(BMU_FRAME_DLC);
  data[0] = group;
  for (let i = 0; i < BMU_CELLS_PER_GROUP; i++) {
    const v = cells[i];
    let raw = BMU_CELL_VOLTAGE_INVALID;
    if (v !== null && v !== undefined) {
      if (group * BMU_CELLS_PER_GROUP + i >= BMU_CELLS_MAX) {
        throw new RangeError(
          `${m}.cellVoltages_mV[${i}] of group ${group} would be cell ${group * 3 + i + 1}; a BMU has at most ${BMU_CELLS_MAX} cells: pass null`,
        );
      }
      raw = checkScaled(m, `cellVoltages_mV[${i}]`, v, 1, 0, BMU_CELL_VOLTAGE_INVALID - 1);
    }
    data[1 + 2 * i] = raw & 0xff;
    data[2 + 2 * i] = raw >>> 8;
  }
  return { id: BMU_CELL_VOLTAGES_BASE + node, data };
}

/** The third slot of group 10 (cell 33, which does not exist) always reads back as `null`. */
export function decodeBmuCellVoltages(frame: CanFrame): BmuCellVoltages | FrameError {
  const id = frame.id;
  const node = nodeOf(id, BMU_CELL_VOLTAGES_BASE);
  if (node === 0 || frame.extended === true) return badId(id, "BMU_CellVoltages", BMU_CELL_VOLTAGES_BASE);
  const d = frame.data;
  if (d.length !== BMU_FRAME_DLC) return wrongDlc(bmuSource(node), id, "BMU_CellVoltages", BMU_FRAME_DLC, d.length);
  const group = d[0];
  if (group > BMU_CELL_VOLTAGE_GROUP_MAX) {
    const detail = `BMU ${node} cell-voltage group ${group} is beyond the last group ${BMU_CELL_VOLTAGE_GROUP_MAX}`;
    return frameError("multiplexerOutOfRange", bmuSource(node), id, detail);
  }
  return {
    kind: "bmuCellVoltages",
    node,
    group,
    cellVoltages_mV: [
      cellVoltageOf(d[1] | (d[2] << 8)),
      cellVoltageOf(d[3] | (d[4] << 8)),
      group === BMU_CELL_VOLTAGE_GROUP_MAX ? null : cellVoltageOf(d[5] | (d[6] << 8)),
    ],
  };
}

function cellVoltageOf(raw: number): number | null {
  return raw === BMU_CELL_VOLTAGE_INVALID ? null : raw;
}

// ---- BCU_BalancingCmd, 0x300+n ---------------------------------------------------------------------------

export function encodeBalancingCommand(msg: BalancingCommand): OutgoingCanFrame {
  const m = "BalancingCommand";
  const node = checkInt(m, "node", msg.node, BMU_NODE_MIN, BMU_NODE_MAX);
  const mask = checkInt(m, "mask", msg.mask, 0, 0xffffffff);
  const data = new Uint8Array(BMU_FRAME_DLC);
  data[0] = mask & 0xff;
  data[1] = (mask >>> 8) & 0xff;
  data[2] = (mask >>> 16) & 0xff;
  data[3] = mask >>> 24;
  data[4] = checkInt(m, "timeout_s", msg.timeout_s, 0, 255);
  data[5] = checkInt(m, "aliveCounter", msg.aliveCounter, 0, 255);
  return { id: BMU_BALANCING_CMD_BASE + node, data };
}

export function decodeBalancingCommand(frame: CanFrame): BalancingCommand | FrameError {
  const id = frame.id;
  const node = nodeOf(id, BMU_BALANCING_CMD_BASE);
  if (node === 0 || frame.extended === true) return badId(id, "BCU_BalancingCmd", BMU_BALANCING_CMD_BASE);
  const d = frame.data;
  if (d.length !== BMU_FRAME_DLC) return wrongDlc(bmuSource(node), id, "BCU_BalancingCmd", BMU_FRAME_DLC, d.length);
  return {
    kind: "balancingCommand",
    node,
    mask: (d[0] | (d[1] << 8) | (d[2] << 16) | (d[3] << 24)) >>> 0,
    timeout_s: d[4],
    aliveCounter: d[5],
  };
}

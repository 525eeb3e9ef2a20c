import { test } from "node:test";
import assert from "node:assert/strict";
import type { CanFrame } from "../../../src/can/frame.ts";
import type {
  BalancingCommand,
  BmuCellVoltages,
  BmuStatus,
  BmuTemperatures,
} from "../../../src/can/codecs/messages.ts";
import {
  decodeBalancingCommand,
  decodeBmuCellVoltages,
  decodeBmuStatus,
  decodeBmuTemperatures,
  encodeBalancingCommand,
  encodeBmuCellVoltages,
  encodeBmuStatus,
  encodeBmuTemperatures,
} from "../../../src/can/codecs/bmu.ts";

function frame(id: number, bytes: number[]): CanFrame {
  return { id, data: Uint8Array.from(bytes), timestampMs: 0 };
}

const status3: BmuStatus = {
  kind: "bmuStatus",
  node: 3,
  aliveCounter: 7,
  balancingActive: true,
  afeFault: false,
  openWire: true,
  temperatureSensorFault: false,
  supplyLow: false,
  balancingOverTemperature: false,
  moduleVoltage_mV: 52800,
  boardTemperature_degC: 25,
  cellCount: 16,
  sensorCount: 8,
  protocolVersion: 1,
};
const status3Bytes = [0x07, 0x05, 0xa0, 0x14, 0x41, 0x10, 0x08, 0x01];

test("BMU_Status of node 3 at 52.80 V: golden bytes both ways", () => {
  const out = encodeBmuStatus(status3);
  assert.equal(out.id, 0x103);
  assert.deepEqual([...out.data], status3Bytes);
  assert.deepEqual(decodeBmuStatus(frame(0x103, status3Bytes)), status3);
});

test("BMU_Status flags: each bit maps to its field", () => {
  const all = decodeBmuStatus(frame(0x101, [0, 0x3f, 0, 0, 0, 0, 0, 1]));
  assert.equal(all.kind, "bmuStatus");
  if (all.kind !== "bmuStatus") return;
  assert.deepEqual(
    [all.balancingActive, all.afeFault, all.openWire, all.temperatureSensorFault, all.supplyLow],
    [true, true, true, true, true],
  );
  assert.equal(all.balancingOverTemperature, true);
  const overTemp = decodeBmuStatus(frame(0x101, [0, 0x20, 0, 0, 0, 0, 0, 1]));
  assert.equal(overTemp.kind === "bmuStatus" && overTemp.balancingOverTemperature && !overTemp.balancingActive, true);
});

test("BMU_Status rounds the module voltage to 10 mV and the board temperature to 1 °C", () => {
  const out = encodeBmuStatus({ ...status3, moduleVoltage_mV: 52804.9, boardTemperature_degC: -39.6 });
  assert.deepEqual([...out.data.subarray(2, 5)], [0xa0, 0x14, 0x00]);
});

test("BMU_Status decode rejects a wrong DLC, a foreign version and impossible counts", () => {
  assert.equal(reasonOf(decodeBmuStatus(frame(0x103, status3Bytes.slice(0, 5)))), "wrongDlc");
  assert.equal(reasonOf(decodeBmuStatus(frame(0x103, [...status3Bytes.slice(0, 7), 2]))), "unsupportedVersion");
  assert.equal(reasonOf(decodeBmuStatus(frame(0x103, [0, 0, 0, 0, 0, 33, 8, 1]))), "invalidValue");
  assert.equal(reasonOf(decodeBmuStatus(frame(0x103, [0, 0, 0, 0, 0, 32, 37, 1]))), "invalidValue");
  const wrongId = decodeBmuStatus(frame(0x100, status3Bytes));
  assert.equal(reasonOf(wrongId), "unknownId");
  assert.equal(wrongId.kind === "frameError" && wrongId.source, "unknown");
  assert.equal(reasonOf(decodeBmuStatus(frame(0x121, status3Bytes))), "unknownId");
  assert.equal(reasonOf(decodeBmuStatus({ ...frame(0x103, status3Bytes), extended: true })), "unknownId");
  const dlc = decodeBmuStatus(frame(0x103, []));
  assert.equal(dlc.kind === "frameError" && dlc.source, "bmu3");
});

test("BMU_Status encode names the field it refuses", () => {
  assert.throws(() => encodeBmuStatus({ ...status3, node: 33 }), /BmuStatus\.node/);
  assert.throws(() => encodeBmuStatus({ ...status3, aliveCounter: 256 }), /BmuStatus\.aliveCounter/);
  assert.throws(() => encodeBmuStatus({ ...status3, moduleVoltage_mV: 655360 }), /moduleVoltage_mV/);
  assert.throws(() => encodeBmuStatus({ ...status3, moduleVoltage_mV: NaN }), RangeError);
  assert.throws(() => encodeBmuStatus({ ...status3, boardTemperature_degC: -41 }), /boardTemperature_degC/);
  assert.throws(() => encodeBmuStatus({ ...status3, cellCount: 33 }), /cellCount/);
  assert.throws(() => encodeBmuStatus({ ...status3, sensorCount: 37 }), /sensorCount/);
});

test("BMU_Temperatures group 1 of node 2: golden bytes both ways, 0xFF is null", () => {
  const msg: BmuTemperatures = {
    kind: "bmuTemperatures",
    node: 2,
    group: 1,
    temperatures_degC: [25, -40, null, 0, 85, 214],
  };
  const bytes = [0x01, 0x41, 0x00, 0xff, 0x28, 0x7d, 0xfe, 0x00];
  const out = encodeBmuTemperatures(msg);
  assert.equal(out.id, 0x182);
  assert.deepEqual([...out.data], bytes);
  assert.deepEqual(decodeBmuTemperatures(frame(0x182, bytes)), msg);
});

test("BMU_Temperatures: short arrays pad with invalid; group 6 and 215 °C are refused", () => {
  const out = encodeBmuTemperatures({ kind: "bmuTemperatures", node: 1, group: 5, temperatures_degC: [20] });
  assert.deepEqual([...out.data], [0x05, 0x3c, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
  const msg: BmuTemperatures = { kind: "bmuTemperatures", node: 1, group: 6, temperatures_degC: [] };
  assert.throws(() => encodeBmuTemperatures(msg), /BmuTemperatures\.group/);
  assert.throws(() => encodeBmuTemperatures({ ...msg, group: 0, temperatures_degC: [215] }), /temperatures_degC\[0\]/);
  assert.throws(() => encodeBmuTemperatures({ ...msg, group: 0, temperatures_degC: [1, 2, 3, 4, 5, 6, 7] }), /length/);
  assert.equal(reasonOf(decodeBmuTemperatures(frame(0x181, [6, 0, 0, 0, 0, 0, 0, 0]))), "multiplexerOutOfRange");
  assert.equal(reasonOf(decodeBmuTemperatures(frame(0x181, [0, 0, 0, 0, 0, 0, 0]))), "wrongDlc");
});

test("BMU_CellVoltages: golden bytes both ways, 0xFFFF is null", () => {
  const msg: BmuCellVoltages = { kind: "bmuCellVoltages", node: 1, group: 0, cellVoltages_mV: [3287, null, 0] };
  const bytes = [0x00, 0xd7, 0x0c, 0xff, 0xff, 0x00, 0x00, 0x00];
  const out = encodeBmuCellVoltages(msg);
  assert.equal(out.id, 0x201);
  assert.deepEqual([...out.data], bytes);
  assert.deepEqual(decodeBmuCellVoltages(frame(0x201, bytes)), msg);
});

test("BMU_CellVoltages group 10 carries cells 31 and 32 only", () => {
  const msg: BmuCellVoltages = { kind: "bmuCellVoltages", node: 32, group: 10, cellVoltages_mV: [3300, 3301, null] };
  const bytes = [0x0a, 0xe4, 0x0c, 0xe5, 0x0c, 0xff, 0xff, 0x00];
  const out = encodeBmuCellVoltages(msg);
  assert.equal(out.id, 0x220);
  assert.deepEqual([...out.data], bytes);
  assert.deepEqual(decodeBmuCellVoltages(frame(0x220, bytes)), msg);
  // Whatever a BMU puts in the slot of cell 33, it is not a cell.
  assert.deepEqual(decodeBmuCellVoltages(frame(0x220, [0x0a, 0xe4, 0x0c, 0xe5, 0x0c, 0x10, 0x0d, 0x00])), msg);
  assert.throws(() => encodeBmuCellVoltages({ ...msg, cellVoltages_mV: [1, 2, 3] }), /cell 33/);
  assert.throws(() => encodeBmuCellVoltages({ ...msg, group: 11 }), /BmuCellVoltages\.group/);
  assert.throws(() => encodeBmuCellVoltages({ ...msg, group: 0, cellVoltages_mV: [65535] }), /cellVoltages_mV\[0\]/);
  assert.equal(reasonOf(decodeBmuCellVoltages(frame(0x201, [11, 0, 0, 0, 0, 0, 0, 0]))), "multiplexerOutOfRange");
  assert.equal(reasonOf(decodeBmuCellVoltages(frame(0x221, bytes))), "unknownId");
});

test("BCU_BalancingCmd: golden bytes both ways, mask bit 31 = cell 32", () => {
  const msg: BalancingCommand = {
    kind: "balancingCommand",
    node: 5,
    mask: 0x80000001,
    timeout_s: 10,
    aliveCounter: 200,
  };
  const bytes = [0x01, 0x00, 0x00, 0x80, 0x0a, 0xc8, 0x00, 0x00];
  const out = encodeBalancingCommand(msg);
  assert.equal(out.id, 0x305);
  assert.deepEqual([...out.data], bytes);
  assert.deepEqual(decodeBalancingCommand(frame(0x305, bytes)), msg);
  assert.throws(() => encodeBalancingCommand({ ...msg, mask: 2 ** 32 }), /BalancingCommand\.mask/);
  assert.throws(() => encodeBalancingCommand({ ...msg, mask: -1 }), /BalancingCommand\.mask/);
  assert.throws(() => encodeBalancingCommand({ ...msg, timeout_s: 256 }), /timeout_s/);
  assert.equal(reasonOf(decodeBalancingCommand(frame(0x305, bytes.slice(0, 6)))), "wrongDlc");
});

function reasonOf(result: { kind: string; reason?: string }): string | undefined {
  return result.kind === "frameError" ? result.reason : result.kind;
}

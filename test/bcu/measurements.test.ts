import { test } from "node:test";
import assert from "node:assert/strict";
import { createMeasurementState, ingestMessage } from "../../src/bcu/measurements.ts";
import { assessMeasurements, type MeasurementTimeouts } from "../../src/bcu/rack-measurements.ts";
import type { RackTopology } from "../../src/bcu/rack-topology.ts";

const topology: RackTopology = { bmuCount: 2, firstBmuNode: 1, cellsPerBmu: 4, temperatureSensorsPerBmu: 2 };
const timeouts: MeasurementTimeouts = {
  cellVoltageTimeout_ms: 500,
  temperatureTimeout_ms: 3000,
  bmuStatusTimeout_ms: 3000,
  currentSensorTimeout_ms: 300,
  contactorFeedbackTimeout_ms: 500,
};

function status(node: number) {
  return {
    kind: "bmuStatus" as const,
    node,
    aliveCounter: 0,
    balancingActive: false,
    afeFault: false,
    openWire: false,
    temperatureSensorFault: false,
    supplyLow: false,
    balancingOverTemperature: false,
    moduleVoltage_mV: 13200,
    boardTemperature_degC: 30,
    cellCount: 4,
    sensorCount: 2,
    protocolVersion: 1,
  };
}

function feedAll(state: ReturnType<typeof createMeasurementState>, t: number, cellMv = 3300) {
  for (const node of [1, 2]) {
    ingestMessage(state, status(node), t);
    ingestMessage(
      state,
      { kind: "bmuCellVoltages", node, group: 0, cellVoltages_mV: [cellMv, cellMv + node, cellMv - node] },
      t,
    );
    ingestMessage(state, { kind: "bmuCellVoltages", node, group: 1, cellVoltages_mV: [cellMv, null, null] }, t);
    ingestMessage(
      state,
      { kind: "bmuTemperatures", node, group: 0, temperatures_degC: [25, 26 + node, null, null, null, null] },
      t,
    );
  }
  const ivt = (result: "current" | "voltage1" | "voltage2", value: number) => ({
    kind: "ivtResult" as const,
    result,
    messageCounter: 0,
    overCurrent: false,
    channelError: false,
    measurementError: false,
    systemError: false,
    value,
  });
  ingestMessage(state, ivt("current", -12_500), t);
  ingestMessage(state, ivt("voltage1", 26_400), t);
  ingestMessage(state, ivt("voltage2", 26_300), t);
}

test("fresh frames become valid measurements with extremes, positions and sums", () => {
  const state = createMeasurementState(topology);
  feedAll(state, 1000);
  const m = assessMeasurements(state, timeouts, 1100);
  assert.equal(m.validCellCount, 8);
  assert.deepEqual(Array.from(m.cellVoltage_mV), [3300, 3301, 3299, 3300, 3300, 3302, 3298, 3300]);
  assert.deepEqual(m.cellVoltageMin, { value: 3298, index: 6 });
  assert.deepEqual(m.cellVoltageMax, { value: 3302, index: 5 });
  assert.equal(m.cellVoltageSum_V, 26.4);
  assert.equal(m.current_A, -12.5);
  assert.ok(Math.abs((m.packVoltage_V ?? 0) - 26.4) < 1e-9);
  assert.ok(Math.abs((m.linkVoltage_V ?? 0) - 26.3) < 1e-9);
  assert.equal(m.validTemperatureCount, 4);
  assert.deepEqual(m.temperatureMax, { value: 28, index: 3 });
  assert.deepEqual(m.staleNodes, ["contactorUnit"]);
  assert.equal(m.bmus[1].moduleVoltage_V, 13.2);
});

test("values past their timeout are stale, never frozen", () => {
  const state = createMeasurementState(topology);
  feedAll(state, 1000);
  const m = assessMeasurements(state, timeouts, 1000 + 501);
  assert.equal(m.validCellCount, 0);
  assert.equal(m.cellVoltageMin, null);
  assert.equal(m.cellVoltageSum_V, null);
  assert.equal(m.current_A, null);
  assert.equal(m.currentSensorOk, false);
  assert.ok(Number.isNaN(m.cellVoltage_mV[0]));
  assert.deepEqual(m.staleNodes, ["bmu1", "bmu2", "ivt", "contactorUnit"]);
  // Temperatures have their own, longer timeout.
  assert.equal(m.validTemperatureCount, 4);
});

test("an invalid marker is a sensor fault: NaN and not valid, and the sum is unknown", () => {
  const state = createMeasurementState(topology);
  feedAll(state, 1000);
  ingestMessage(state, { kind: "bmuCellVoltages", node: 2, group: 0, cellVoltages_mV: [null, 3301, 3301] }, 1050);
  const m = assessMeasurements(state, timeouts, 1100);
  assert.equal(m.validCellCount, 7);
  assert.equal(m.cellVoltageValid[4], 0);
  assert.equal(m.cellVoltageSum_V, null);
  assert.deepEqual(m.staleNodes, ["contactorUnit"], "a BMU that sends invalid markers is talking, not lost");
});

test("one silent BMU is stale while the other stays valid", () => {
  const state = createMeasurementState(topology);
  feedAll(state, 1000);
  ingestMessage(state, status(1), 1400);
  ingestMessage(state, { kind: "bmuCellVoltages", node: 1, group: 0, cellVoltages_mV: [3310, 3310, 3310] }, 1400);
  ingestMessage(state, { kind: "bmuCellVoltages", node: 1, group: 1, cellVoltages_mV: [3310, null, null] }, 1400);
  const m = assessMeasurements(state, timeouts, 1600);
  assert.equal(m.validCellCount, 4);
  assert.equal(m.bmus[0].stale, false);
  assert.equal(m.bmus[1].stale, true);
  assert.ok(m.staleNodes.includes("bmu2"));
});

test("frames from nodes outside the rack and older frames change nothing", () => {
  const state = createMeasurementState(topology);
  feedAll(state, 1000);
  ingestMessage(state, { kind: "bmuCellVoltages", node: 9, group: 0, cellVoltages_mV: [1, 1, 1] }, 1050);
  ingestMessage(state, { kind: "bmuCellVoltages", node: 1, group: 0, cellVoltages_mV: [1, 1, 1] }, 900);
  assert.equal(state.messagesFromForeignNodes, 1);
  const m = assessMeasurements(state, timeouts, 1100);
  assert.equal(m.cellVoltage_mV[0], 3300);
});

test("an IVT result with an error bit is invalid, not a number", () => {
  const state = createMeasurementState(topology);
  feedAll(state, 1000);
  ingestMessage(
    state,
    {
      kind: "ivtResult",
      result: "current",
      messageCounter: 1,
      overCurrent: false,
      channelError: false,
      measurementError: true,
      systemError: false,
      value: 5000,
    },
    1050,
  );
  const m = assessMeasurements(state, timeouts, 1100);
  assert.equal(m.current_A, null);
  assert.equal(m.currentSensorOk, false);
});

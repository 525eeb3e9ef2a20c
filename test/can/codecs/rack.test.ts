import { test } from "node:test";
import assert from "node:assert/strict";
import type { CanFrame } from "../../../src/can/frame.ts";
import type { RackMessage } from "../../../src/can/codecs/messages.ts";
import { decodeRackFrame, encodeRackMessage } from "../../../src/can/codecs/rack.ts";

const messages: RackMessage[] = [
  {
    kind: "bmuStatus",
    node: 32,
    aliveCounter: 255,
    balancingActive: false,
    afeFault: true,
    openWire: false,
    temperatureSensorFault: true,
    supplyLow: true,
    balancingOverTemperature: false,
    moduleVoltage_mV: 655350,
    boardTemperature_degC: -40,
    cellCount: 32,
    sensorCount: 36,
    protocolVersion: 1,
  },
  { kind: "bmuTemperatures", node: 1, group: 5, temperatures_degC: [null, null, null, null, null, null] },
  { kind: "bmuCellVoltages", node: 17, group: 4, cellVoltages_mV: [3000, 65534, null] },
  { kind: "balancingCommand", node: 1, mask: 0xffffffff, timeout_s: 255, aliveCounter: 0 },
  {
    kind: "contactorCommand",
    requestedClosed: { mainPositive: true, mainNegative: true, precharge: false },
    aliveCounter: 1,
    breakerShuntTrip: false,
  },
  {
    kind: "contactorFeedback",
    closed: { mainPositive: false, mainNegative: false, precharge: false },
    coilFault: { mainPositive: true, mainNegative: true, precharge: true },
    aliveCounter: 9,
    breakerClosed: false,
    breakerTripped: true,
    hvilIntact: false,
    emergencyStop: true,
    fireAlarm: true,
    doorOpen: false,
  },
  {
    kind: "ivtResult",
    result: "temperature",
    messageCounter: 0,
    overCurrent: false,
    channelError: true,
    measurementError: false,
    systemError: false,
    value: 253,
  },
];

test("encodeRackMessage and decodeRackFrame round-trip every message kind", () => {
  for (const msg of messages) {
    const out = encodeRackMessage(msg);
    assert.deepEqual(decodeRackFrame({ ...out, timestampMs: 1 }), msg, msg.kind);
  }
});

test("decodeRackFrame dispatches by id range and reports ids of no protocol as unknownId from 'unknown'", () => {
  const data = new Uint8Array(8);
  const unknownIds = [0x000, 0x09f, 0x0a2, 0x100, 0x121, 0x180, 0x1a1, 0x200, 0x221, 0x300, 0x321, 0x520, 0x529, 0x7ff];
  for (const id of unknownIds) {
    const result = decodeRackFrame({ id, data, timestampMs: 0 });
    assert.deepEqual(
      result.kind === "frameError" ? [result.reason, result.source, result.id] : result,
      ["unknownId", "unknown", id],
      `id 0x${id.toString(16)}`,
    );
  }
  const extended: CanFrame = { id: 0x101, extended: true, data, timestampMs: 0 };
  const result = decodeRackFrame(extended);
  assert.equal(result.kind === "frameError" && result.reason, "unknownId");
  assert.match(result.kind === "frameError" ? result.detail : "", /extended 0x101/);
});

test("decodeRackFrame attributes errors of known ids to their source", () => {
  const short = new Uint8Array(5);
  const cases: [number, string][] = [
    [0x101, "bmu1"],
    [0x1a0, "bmu32"],
    [0x20c, "bmu12"],
    [0x303, "bmu3"],
    [0x0a0, "contactorUnit"],
    [0x0a1, "contactorUnit"],
    [0x524, "ivt"],
  ];
  for (const [id, source] of cases) {
    const result = decodeRackFrame({ id, data: short, timestampMs: 0 });
    assert.deepEqual(result.kind === "frameError" ? [result.reason, result.source] : result.kind, ["wrongDlc", source]);
  }
});

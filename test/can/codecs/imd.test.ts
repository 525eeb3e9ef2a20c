/**
 * Bender iso165C frames: golden bytes written by hand from the protocol table in DESIGN.md (Intel order, bit n =
 * bit n mod 8 of byte n div 8), both ways. test/can/dbc.test.ts cross-checks the same layouts through canmatrix.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { CanFrame } from "../../../src/can/frame.ts";
import type { ImdInfo, ImdRequest, ImdResponse } from "../../../src/can/codecs/messages.ts";
import { IMD_COMMAND } from "../../../src/can/codecs/messages.ts";
import {
  decodeImdInfo,
  decodeImdRequest,
  decodeImdResponse,
  encodeImdInfo,
  encodeImdRequest,
  encodeImdResponse,
  imdCommandLabel,
} from "../../../src/can/codecs/imd.ts";
import { decodeRackFrame, encodeRackMessage } from "../../../src/can/codecs/rack.ts";
import { RackFrameDecoder } from "../../../src/can/rack-decoder.ts";

function frame(id: number, bytes: number[]): CanFrame {
  return { id, data: Uint8Array.from(bytes), timestampMs: 0 };
}

const c = IMD_COMMAND;
const request = (command: ImdRequest["command"], dw1 = 0, dw2 = 0): ImdRequest => ({
  kind: "imdRequest",
  command,
  dw1,
  dw2,
});

/** Every request the driver sends, with the bytes the device expects. */
const REQUESTS: [string, ImdRequest, number[]][] = [
  ["unlock, password 0", request(c.lock, 0, 0), [0xca, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]],
  ["lock, password 0x1234", request(c.lock, 1, 0x1234), [0xca, 0x01, 0x00, 0x34, 0x12, 0x00, 0x00, 0x00]],
  ["measurement on", request(c.measurement, 1), [0xcb, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]],
  ["measurement off", request(c.measurement, 0), [0xcb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]],
  ["error threshold 77 kOhm", request(c.errorThreshold, 77), [0x28, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]],
  ["warning threshold 384 kOhm", request(c.warningThreshold, 384), [0x29, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00]],
  ["overall self-test", request(c.selfTest, 1), [0x21, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]],
  ["get R_iso", request(c.getResistance), [0x35, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]],
  ["close HV+ relay", request(c.setCouplingRelay, 1, 1), [0xd2, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]],
  ["open HV- relay", request(c.setCouplingRelay, 0, 0), [0xd2, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]],
  ["get HV+ relay", request(c.getCouplingRelay, 1), [0xdd, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]],
];

for (const [name, msg, bytes] of REQUESTS) {
  test(`IMD_Request ${name}: golden bytes both ways`, () => {
    const out = encodeImdRequest(msg);
    assert.equal(out.id, 0x022);
    assert.deepEqual([...out.data], bytes);
    assert.deepEqual(decodeImdRequest(frame(0x022, bytes)), msg);
    assert.deepEqual(decodeRackFrame(frame(0x022, bytes)), msg);
  });
}

const RESPONSES: [string, ImdResponse, number[]][] = [
  [
    "error 0x0102 refusing 0xCB",
    { kind: "imdResponse", response: "error", errorCode: 0x0102, refusedCommand: 0xcb },
    [0xff, 0x02, 0x01, 0xcb, 0x00],
  ],
  [
    "R_iso 1500 kOhm towards HV+, counter 7",
    { kind: "imdResponse", response: "resistance", resistance_kOhm: 1500, faultLocation: 2, measurementCounter: 7 },
    [0x35, 0xdc, 0x05, 0x02, 0x07],
  ],
  [
    "HV+ relay closed",
    { kind: "imdResponse", response: "relay", relay: 1, relayState: 1 },
    [0xdd, 0x01, 0x00, 0x01, 0x00],
  ],
  [
    "ack of measurement on",
    { kind: "imdResponse", response: "ack", command: 0xcb, dw1: 1, dw2: 0 },
    [0xcb, 0x01, 0x00, 0x00, 0x00],
  ],
  [
    "ack of warning threshold 384 kOhm",
    { kind: "imdResponse", response: "ack", command: 0x29, dw1: 384, dw2: 0 },
    [0x29, 0x80, 0x01, 0x00, 0x00],
  ],
];

for (const [name, msg, bytes] of RESPONSES) {
  test(`IMD_Response ${name}: golden bytes both ways`, () => {
    const out = encodeImdResponse(msg);
    assert.equal(out.id, 0x023);
    assert.deepEqual([...out.data], bytes);
    assert.deepEqual(decodeImdResponse(frame(0x023, bytes)), msg);
  });
}

const healthy: ImdInfo = {
  kind: "imdInfo",
  resistance_kOhm: 384,
  insulationFault: false,
  groundFault: false,
  systemFailure: false,
  calibrationRunning: false,
  selfTestRunning: false,
  insulationWarning: true,
  measurementDeactivated: false,
  imcConnectionError: false,
  imcAliveError: false,
  commandError: false,
  resistanceOutdated: false,
  overallSelfTestNotRun: true,
  parameterSelfTestNotRun: false,
};

test("IMD_Info: R_iso 384 kOhm, warning, self-test not run: golden bytes both ways", () => {
  const bytes = [0x80, 0x01, 0x20, 0x00, 0x00, 0x10];
  const out = encodeImdInfo(healthy);
  assert.equal(out.id, 0x037);
  assert.deepEqual([...out.data], bytes);
  assert.deepEqual(decodeImdInfo(frame(0x037, bytes)), healthy);
});

test("IMD_Info: every flag set and R_iso 0xFFFF: golden bytes both ways", () => {
  const all: ImdInfo = {
    kind: "imdInfo",
    resistance_kOhm: 0xffff,
    insulationFault: true,
    groundFault: true,
    systemFailure: true,
    calibrationRunning: true,
    selfTestRunning: true,
    insulationWarning: true,
    measurementDeactivated: true,
    imcConnectionError: true,
    imcAliveError: true,
    commandError: true,
    resistanceOutdated: true,
    overallSelfTestNotRun: true,
    parameterSelfTestNotRun: true,
  };
  const bytes = [0xff, 0xff, 0x3f, 0x00, 0x17, 0x31];
  assert.deepEqual([...encodeImdInfo(all).data], bytes);
  assert.deepEqual(decodeImdInfo(frame(0x037, bytes)), all);
  // Reserved bits (byte 2 b6-7, byte 3, byte 4 b3 and b5-7, byte 5 b1-3 and b6-7) are not read.
  assert.deepEqual(decodeImdInfo(frame(0x037, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), all);
});

test("IMD_Info: each flag bit maps to its field alone", () => {
  const bits: [keyof ImdInfo, number][] = [
    ["insulationFault", 16],
    ["groundFault", 17],
    ["systemFailure", 18],
    ["calibrationRunning", 19],
    ["selfTestRunning", 20],
    ["insulationWarning", 21],
    ["measurementDeactivated", 32],
    ["imcConnectionError", 33],
    ["imcAliveError", 34],
    ["commandError", 36],
    ["resistanceOutdated", 40],
    ["overallSelfTestNotRun", 44],
    ["parameterSelfTestNotRun", 45],
  ];
  for (const [field, n] of bits) {
    const bytes = [0, 0, 0, 0, 0, 0];
    bytes[n >> 3] = 1 << (n & 7);
    const decoded = decodeImdInfo(frame(0x037, bytes));
    assert.equal(decoded.kind, "imdInfo");
    if (decoded.kind !== "imdInfo") continue;
    for (const [other] of bits) assert.equal(decoded[other], other === field, `${other} with bit ${n}`);
  }
});

test("iso165C frames: wrong DLC, unknown commands and an impossible fault location are frame errors", () => {
  const reason = (r: { kind: string; reason?: string; source?: string }) =>
    r.kind === "frameError" ? `${r.reason}/${r.source}` : r.kind;
  assert.equal(reason(decodeRackFrame(frame(0x037, [0, 0, 0, 0, 0]))), "wrongDlc/imd");
  assert.equal(reason(decodeRackFrame(frame(0x023, [0x35, 0, 0, 0, 0, 0]))), "wrongDlc/imd");
  assert.equal(reason(decodeRackFrame(frame(0x022, [0xcb, 1, 0, 0, 0]))), "wrongDlc/imd");
  assert.equal(reason(decodeRackFrame(frame(0x022, [0x99, 0, 0, 0, 0, 0, 0, 0]))), "invalidValue/imd");
  assert.equal(reason(decodeRackFrame(frame(0x023, [0x99, 0, 0, 0, 0]))), "invalidValue/imd");
  assert.equal(reason(decodeRackFrame(frame(0x023, [0x35, 0x10, 0, 3, 0]))), "invalidValue/imd");
  // An error response may refuse any byte: the device answers commands this protocol does not define.
  assert.equal(reason(decodeRackFrame(frame(0x023, [0xff, 1, 0, 0x99, 0]))), "imdResponse");
  assert.equal(reason(decodeRackFrame({ ...frame(0x037, [0, 0, 0, 0, 0, 0]), extended: true })), "unknownId/unknown");
});

test("iso165C encoders refuse values that do not fit their fields", () => {
  assert.throws(() => encodeImdRequest(request(c.errorThreshold, 0x10000)), /ImdRequest\.dw1/);
  assert.throws(() => encodeImdRequest({ ...request(c.lock), command: 0x99 as never }), /ImdRequest\.command/);
  assert.throws(
    () => encodeImdResponse({ kind: "imdResponse", response: "ack", command: 0x35 as never, dw1: 0, dw2: 0 }),
    /ack must be/,
  );
  assert.throws(() => encodeImdInfo({ ...healthy, resistance_kOhm: -1 }), /ImdInfo\.resistance_kOhm/);
  assert.throws(() => encodeRackMessage({ ...healthy, resistance_kOhm: 1.5 }), /ImdInfo\.resistance_kOhm/);
});

test("the stateful decoder counts iso165C frames under `imd`", () => {
  const decoder = new RackFrameDecoder();
  decoder.decode({ ...encodeImdInfo(healthy), timestampMs: 0 });
  decoder.decode({ ...encodeImdRequest(request(c.getResistance)), timestampMs: 1 });
  decoder.decode(frame(0x023, [0x99, 0, 0, 0, 0]));
  const imd = decoder.counters().imd;
  assert.equal(imd.frames, 3);
  assert.deepEqual(imd.errors, { invalidValue: 1 });
  assert.equal(imdCommandLabel(0xcb), "0xCB measurement");
});

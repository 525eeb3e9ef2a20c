import { test } from "node:test";
import assert from "node:assert/strict";
import type { CanFrame } from "../../../src/can/frame.ts";
import type { IvtResult } from "../../../src/can/codecs/messages.ts";
import { decodeIvtResult, encodeIvtResult, ivtResultId, IVT_RESULT_NAMES } from "../../../src/can/codecs/ivt.ts";

function frame(id: number, bytes: number[]): CanFrame {
  return { id, data: Uint8Array.from(bytes), timestampMs: 0 };
}

const current: IvtResult = {
  kind: "ivtResult",
  result: "current",
  messageCounter: 3,
  overCurrent: false,
  channelError: false,
  measurementError: false,
  systemError: false,
  value: -1234,
};

test("IVT-S current -1234 mA: big-endian i32 golden bytes both ways", () => {
  const bytes = [0x00, 0x03, 0xff, 0xff, 0xfb, 0x2e];
  const out = encodeIvtResult(current);
  assert.equal(out.id, 0x521);
  assert.deepEqual([...out.data], bytes);
  assert.deepEqual(decodeIvtResult(frame(0x521, bytes)), current);
});

test("IVT-S U1 800 V with counter 15, OCS and system error: golden bytes both ways", () => {
  const msg: IvtResult = {
    ...current,
    result: "voltage1",
    messageCounter: 15,
    overCurrent: true,
    systemError: true,
    value: 800000,
  };
  const bytes = [0x01, 0x9f, 0x00, 0x0c, 0x35, 0x00];
  const out = encodeIvtResult(msg);
  assert.equal(out.id, 0x522);
  assert.deepEqual([...out.data], bytes);
  assert.deepEqual(decodeIvtResult(frame(0x522, bytes)), msg);
});

test("IVT-S status bits b5 channel error and b6 measurement error", () => {
  const decoded = decodeIvtResult(frame(0x528, [0x07, 0x60, 0x80, 0x00, 0x00, 0x00]));
  assert.deepEqual(decoded, {
    ...current,
    result: "energyCounter",
    messageCounter: 0,
    channelError: true,
    measurementError: true,
    value: -0x80000000,
  });
});

test("IVT-S result ids run 0x521..0x528 in the order of the result byte", () => {
  assert.deepEqual(IVT_RESULT_NAMES, [
    "current",
    "voltage1",
    "voltage2",
    "voltage3",
    "temperature",
    "power",
    "chargeCounter",
    "energyCounter",
  ]);
  assert.equal(ivtResultId("temperature"), 0x525);
  assert.equal(encodeIvtResult({ ...current, result: "chargeCounter", value: 0x7fffffff }).id, 0x527);
});

test("IVT-S decode rejects a wrong DLC, a result byte that does not match the id, and foreign ids", () => {
  assert.equal(reasonOf(decodeIvtResult(frame(0x521, [0, 3, 0, 0, 0, 0, 0, 0]))), "wrongDlc");
  assert.equal(reasonOf(decodeIvtResult(frame(0x521, [1, 3, 0, 0, 0, 0]))), "invalidValue");
  assert.equal(reasonOf(decodeIvtResult(frame(0x520, [0, 3, 0, 0, 0, 0]))), "unknownId");
  assert.equal(reasonOf(decodeIvtResult(frame(0x529, [8, 3, 0, 0, 0, 0]))), "unknownId");
});

test("IVT-S encode names the field it refuses", () => {
  assert.throws(() => encodeIvtResult({ ...current, value: 2 ** 31 }), /IvtResult\.value/);
  assert.throws(() => encodeIvtResult({ ...current, value: 1.5 }), /IvtResult\.value/);
  assert.throws(() => encodeIvtResult({ ...current, messageCounter: 16 }), /IvtResult\.messageCounter/);
  assert.throws(() => encodeIvtResult({ ...current, result: "resistance" as never }), /IvtResult\.result/);
});

function reasonOf(result: { kind: string; reason?: string }): string | undefined {
  return result.kind === "frameError" ? result.reason : result.kind;
}

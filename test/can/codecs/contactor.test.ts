import { test } from "node:test";
import assert from "node:assert/strict";
import type { CanFrame } from "../../../src/can/frame.ts";
import type { ContactorCommand, ContactorFeedback } from "../../../src/can/codecs/messages.ts";
import {
  decodeContactorCommand,
  decodeContactorFeedback,
  encodeContactorCommand,
  encodeContactorFeedback,
} from "../../../src/can/codecs/contactor.ts";
import { crc8J1850 } from "../../../src/can/codecs/crc8.ts";

function frame(id: number, bytes: number[]): CanFrame {
  return { id, data: Uint8Array.from(bytes), timestampMs: 0 };
}

const command: ContactorCommand = {
  kind: "contactorCommand",
  requestedClosed: { mainPositive: true, mainNegative: false, precharge: true },
  aliveCounter: 0x2a,
  breakerShuntTrip: false,
};
// CRC bytes computed by a bitwise CRC-8 SAE J1850 outside this code base.
const commandBytes = [0x05, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x90];

const feedback: ContactorFeedback = {
  kind: "contactorFeedback",
  closed: { mainPositive: true, mainNegative: true, precharge: false },
  coilFault: { mainPositive: false, mainNegative: false, precharge: true },
  aliveCounter: 0x10,
  breakerClosed: true,
  breakerTripped: false,
  hvilIntact: true,
  emergencyStop: false,
  fireAlarm: false,
  doorOpen: true,
};
const feedbackBytes = [0x23, 0x10, 0x25, 0x00, 0x00, 0x00, 0x00, 0x88];

test("BCU_ContactorCmd: golden bytes with the literal CRC, both ways", () => {
  const out = encodeContactorCommand(command);
  assert.equal(out.id, 0x0a0);
  assert.deepEqual([...out.data], commandBytes);
  assert.deepEqual(decodeContactorCommand(frame(0x0a0, commandBytes)), command);
});

test("BCU_ContactorCmd with the breaker shunt-trip request", () => {
  const trip: ContactorCommand = {
    kind: "contactorCommand",
    requestedClosed: { mainPositive: false, mainNegative: false, precharge: false },
    aliveCounter: 0xff,
    breakerShuntTrip: true,
  };
  const bytes = [0x00, 0xff, 0x01, 0x00, 0x00, 0x00, 0x00, 0x69];
  assert.deepEqual([...encodeContactorCommand(trip).data], bytes);
  assert.deepEqual(decodeContactorCommand(frame(0x0a0, bytes)), trip);
  assert.throws(() => encodeContactorCommand({ ...trip, aliveCounter: 256 }), /ContactorCommand\.aliveCounter/);
});

test("HVU_ContactorFb: golden bytes with the literal CRC, both ways", () => {
  const out = encodeContactorFeedback(feedback);
  assert.equal(out.id, 0x0a1);
  assert.deepEqual([...out.data], feedbackBytes);
  assert.deepEqual(decodeContactorFeedback(frame(0x0a1, feedbackBytes)), feedback);
  assert.throws(() => encodeContactorFeedback({ ...feedback, aliveCounter: -1 }), /ContactorFeedback\.aliveCounter/);
});

test("HVU_ContactorFb cabinet inputs: each bit maps to its field", () => {
  const names = ["breakerClosed", "breakerTripped", "hvilIntact", "emergencyStop", "fireAlarm", "doorOpen"] as const;
  names.forEach((name, bitIndex) => {
    const data = Uint8Array.from([0, 0, 1 << bitIndex, 0, 0, 0, 0, 0]);
    data[7] = crc8J1850(data, 7);
    const decoded = decodeContactorFeedback({ id: 0x0a1, data, timestampMs: 0 });
    assert.equal(decoded.kind, "contactorFeedback");
    if (decoded.kind !== "contactorFeedback") return;
    for (const other of names) assert.equal(decoded[other], other === name, `${other} with bit ${bitIndex}`);
  });
});

test("contactor frames: any single bit flip is a CRC mismatch; DLC and id are checked", () => {
  for (let bitIndex = 0; bitIndex < 64; bitIndex++) {
    const bytes = [...feedbackBytes];
    bytes[bitIndex >> 3] ^= 1 << (bitIndex & 7);
    assert.equal(reasonOf(decodeContactorFeedback(frame(0x0a1, bytes))), "crcMismatch", `bit ${bitIndex}`);
  }
  const flipped = decodeContactorCommand(frame(0x0a0, [0x05, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x91]));
  assert.equal(reasonOf(flipped), "crcMismatch");
  assert.equal(flipped.kind === "frameError" && flipped.source, "contactorUnit");
  assert.equal(reasonOf(decodeContactorCommand(frame(0x0a0, commandBytes.slice(0, 7)))), "wrongDlc");
  assert.equal(reasonOf(decodeContactorCommand(frame(0x0a1, commandBytes))), "unknownId");
  assert.equal(reasonOf(decodeContactorFeedback(frame(0x0a0, feedbackBytes))), "unknownId");
});

function reasonOf(result: { kind: string; reason?: string }): string | undefined {
  return result.kind === "frameError" ? result.reason : result.kind;
}

/**
 * A candump-format capture (test/fixtures/can/rack-golden.log, `candump -L` lines) with one frame of every
 * message, then corrupted copies and alive-counter jumps, through the daemon's decoder. `log2asc` reads it too.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { CanFrame } from "../../../src/can/frame.ts";
import { RackFrameDecoder } from "../../../src/can/rack-decoder.ts";

const LOG = new URL("../../fixtures/can/rack-golden.log", import.meta.url);

function parseCandumpLine(line: string): CanFrame {
  const match = /^\((\d+)\.(\d{6})\) \S+ ([0-9A-F]{3}|[0-9A-F]{8})#([0-9A-F]*)$/.exec(line);
  assert.ok(match, `not a candump -L line: ${line}`);
  const [, seconds, micros, id, hex] = match;
  return {
    id: parseInt(id, 16),
    extended: id.length === 8,
    data: Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16)),
    timestampMs: Number(seconds) * 1000 + Number(micros) / 1000,
  };
}

test("the golden capture decodes frame by frame to the expected kinds and reasons", () => {
  const frames = readFileSync(LOG, "utf8").trimEnd().split("\n").map(parseCandumpLine);
  const decoder = new RackFrameDecoder();
  const outcomes = frames.map((frame) => {
    const result = decoder.decode(frame);
    return result.kind === "frameError" ? result.reason : result.kind;
  });
  assert.deepEqual(outcomes, [
    "bmuStatus",
    "bmuTemperatures",
    "bmuCellVoltages",
    "balancingCommand",
    "contactorCommand",
    "contactorFeedback",
    "ivtResult",
    "ivtResult",
    "crcMismatch", // 0A1 with its CRC byte off by one bit
    "wrongDlc", // BMU_Status cut to 5 bytes
    "multiplexerOutOfRange", // cell-voltage group 11
    "multiplexerOutOfRange", // temperature group 6
    "unsupportedVersion", // BMU_Status protocol version 2
    "invalidValue", // 0x521 carrying result id 1
    "unknownId", // 0x7FF
    "unknownId", // extended 0x12345678
    "contactorFeedback", // alive 0x12 after 0x10: a jump, still returned
    "bmuStatus", // alive 9 after 7 (the version-2 frame with 8 was rejected): a jump
    "ivtResult", // counter 4 after 3: continuous
    "contactorFeedback", // alive 0x11 after 0x12: a jump
  ]);
  assert.deepEqual(decoder.counters(), {
    bmu3: {
      frames: 4,
      errors: { wrongDlc: 1, unsupportedVersion: 1, aliveCounterJump: 1 },
      lastError: "BMU 3 alive counter jumped from 7 to 9",
    },
    bmu2: { frames: 1, errors: {} },
    bmu32: { frames: 1, errors: {} },
    bmu5: { frames: 1, errors: {} },
    bmu1: {
      frames: 1,
      errors: { multiplexerOutOfRange: 1 },
      lastError: "BMU 1 cell-voltage group 11 is beyond the last group 10",
    },
    bmu6: {
      frames: 1,
      errors: { multiplexerOutOfRange: 1 },
      lastError: "BMU 6 temperature group 6 is beyond the last group 5",
    },
    contactorUnit: {
      frames: 5,
      errors: { crcMismatch: 1, aliveCounterJump: 2 },
      lastError: "contactor unit alive counter jumped from 18 to 17",
    },
    ivt: {
      frames: 4,
      errors: { invalidValue: 1 },
      lastError: "IVT-S frame 0x521 carries result id 1 in byte 0, expected 0",
    },
    unknown: {
      frames: 2,
      errors: { unknownId: 2 },
      lastError: "extended 0x12345678 is not a frame of this rack's protocols",
    },
  });
});

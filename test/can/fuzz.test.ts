/**
 * A million random and mutated frames through the stateless and the stateful decoder: nothing throws, every
 * frame is counted once, and corruptions that the protocols can detect are rejected for the right reason.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { CanFrame, OutgoingCanFrame } from "../../src/can/frame.ts";
import type { FrameError, FrameErrorReason, RackMessage } from "../../src/can/codecs/messages.ts";
import { decodeRackFrame, encodeRackMessage } from "../../src/can/codecs/rack.ts";
import { RackFrameDecoder } from "../../src/can/rack-decoder.ts";
import { Prng } from "../../src/util/prng.ts";
import { randomInt, randomRackMessage } from "./codecs/random-messages.ts";

const FRAMES = 1_000_000;
const REASONS: ReadonlySet<FrameErrorReason> = new Set([
  "unknownId",
  "wrongDlc",
  "multiplexerOutOfRange",
  "crcMismatch",
  "invalidValue",
  "unsupportedVersion",
]);
/** Edges of every id range, where off-by-one dispatch bugs live. */
const ANCHOR_IDS = [
  0x022, 0x023, 0x037, 0x0a0, 0x0a1, 0x100, 0x120, 0x180, 0x1a0, 0x200, 0x220, 0x300, 0x320, 0x521, 0x528,
];

function sourceOf(msg: RackMessage): string {
  if ("node" in msg) return `bmu${msg.node}`;
  if (msg.kind === "imdRequest" || msg.kind === "imdResponse" || msg.kind === "imdInfo") return "imd";
  return msg.kind === "ivtResult" ? "ivt" : "contactorUnit";
}

function flipBit(data: Uint8Array, prng: Prng): Uint8Array {
  const copy = data.slice();
  if (copy.length > 0) {
    const bitIndex = randomInt(prng, 0, copy.length * 8 - 1);
    copy[bitIndex >> 3] ^= 1 << (bitIndex & 7);
  }
  return copy;
}

function randomBytes(prng: Prng, length: number): Uint8Array {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = randomInt(prng, 0, 255);
  return data;
}

/** One fuzzed frame, and whether it is a valid contactor frame with exactly one bit flipped. */
function fuzzedFrame(prng: Prng, pool: OutgoingCanFrame[], timestampMs: number): [CanFrame, boolean] {
  const valid = pool[randomInt(prng, 0, pool.length - 1)];
  const r = prng.next();
  if (r < 0.25) {
    const id = ANCHOR_IDS[randomInt(prng, 0, ANCHOR_IDS.length - 1)] + randomInt(prng, -3, 35);
    return [{ id, data: randomBytes(prng, randomInt(prng, 0, 8)), timestampMs }, false];
  }
  if (r < 0.5) {
    const singleFlip = valid.id === 0x0a0 || valid.id === 0x0a1;
    return [{ id: valid.id, data: flipBit(valid.data, prng), timestampMs }, singleFlip];
  }
  if (r < 0.6) {
    const data = valid.data.slice(0, randomInt(prng, 0, valid.data.length - 1));
    return [{ id: valid.id, data, timestampMs }, false];
  }
  if (r < 0.65) {
    const longer = new Uint8Array(valid.data.length + randomInt(prng, 1, 8 - Math.min(7, valid.data.length)));
    longer.set(valid.data);
    return [{ id: valid.id, data: longer, timestampMs }, false];
  }
  if (r < 0.75) {
    const data = valid.data.slice();
    data[0] = randomInt(prng, 0, 255); // multiplexer, result id or alive counter
    return [{ id: valid.id, data, timestampMs }, false];
  }
  if (r < 0.8) {
    const extended = prng.next() < 0.5;
    const id = randomInt(prng, 0, extended ? 0x1fffffff : 0x7ff);
    return [{ id, extended, data: randomBytes(prng, randomInt(prng, 0, 8)), timestampMs }, false];
  }
  return [{ id: valid.id, data: valid.data, timestampMs }, false];
}

test(`${FRAMES} random and mutated frames: no exception, every frame counted once, errors per source add up`, () => {
  const prng = new Prng(0xf022);
  const pool = Array.from({ length: 4096 }, () => encodeRackMessage(randomRackMessage(prng)));
  const decoder = new RackFrameDecoder();
  const errorsBySource = new Map<string, Map<FrameErrorReason, number>>();
  const framesBySource = new Map<string, number>();
  let accepted = 0;
  let reEncoded = 0;

  for (let i = 0; i < FRAMES; i++) {
    const [frame, singleFlip] = fuzzedFrame(prng, pool, i * 0.5);
    const stateless = decodeRackFrame(frame);
    const stateful = decoder.decode(frame);
    assert.equal(stateful.kind, stateless.kind);
    let source: string;
    if (stateless.kind === "frameError") {
      assert.ok(REASONS.has(stateless.reason), stateless.reason);
      assert.equal((stateful as FrameError).reason, stateless.reason);
      assert.ok(stateless.detail.length > 0);
      source = stateless.source;
      const reasons = errorsBySource.get(source) ?? new Map<FrameErrorReason, number>();
      reasons.set(stateless.reason, (reasons.get(stateless.reason) ?? 0) + 1);
      errorsBySource.set(source, reasons);
    } else {
      assert.ok(!singleFlip, `a single bit flip of contactor frame 0x${frame.id.toString(16)} passed its CRC`);
      accepted++;
      source = sourceOf(stateless);
      // Whatever is accepted is a valid message: it re-encodes and decodes to itself (sampled: deepEqual is slow).
      if ((i & 15) === 0) {
        assert.deepEqual(decodeRackFrame({ ...encodeRackMessage(stateless), timestampMs: 0 }), stateless);
        reEncoded++;
      }
    }
    framesBySource.set(source, (framesBySource.get(source) ?? 0) + 1);
  }

  const counters = decoder.counters();
  let counted = 0;
  for (const [source, c] of Object.entries(counters)) {
    counted += c.frames;
    assert.equal(c.frames, framesBySource.get(source), `frames of ${source}`);
    const { aliveCounterJump: _jumps, ...frameErrors } = c.errors;
    assert.deepEqual(frameErrors, Object.fromEntries(errorsBySource.get(source) ?? []), `errors of ${source}`);
  }
  assert.equal(counted, FRAMES, "frames seen == frames fed");
  assert.equal(Object.keys(counters).length, framesBySource.size);
  // The mix exercised both sides and every reason a stateless decoder can give.
  assert.ok(accepted > FRAMES / 5 && accepted < FRAMES, `${accepted} accepted`);
  assert.ok(reEncoded > 1000);
  const reasonsSeen = new Set([...errorsBySource.values()].flatMap((m) => [...m.keys()]));
  assert.deepEqual([...reasonsSeen].sort(), [...REASONS].sort());
  assert.ok(Object.values(counters).some((c) => (c.errors.aliveCounterJump ?? 0) > 0));
});

test("targeted corruptions are rejected for the right reason", () => {
  const prng = new Prng(7);
  const cases: { frame: CanFrame; reason: FrameErrorReason; source: string }[] = [];
  for (let i = 0; i < 2000; i++) {
    const msg = randomRackMessage(prng);
    const out = encodeRackMessage(msg);
    const source = sourceOf(msg);
    if (msg.kind === "contactorCommand" || msg.kind === "contactorFeedback") {
      // CRC-8 detects every single-bit error, in the data and in the CRC byte itself.
      cases.push({
        frame: { id: out.id, data: flipBit(out.data, prng), timestampMs: 0 },
        reason: "crcMismatch",
        source,
      });
    } else if (msg.kind !== "ivtResult") {
      // One byte short at most 5: IMD_Response's own DLC is 5.
      const data = out.data.slice(0, Math.min(5, out.data.length - 1));
      cases.push({ frame: { id: out.id, data, timestampMs: 0 }, reason: "wrongDlc", source });
    }
    if (msg.kind === "bmuCellVoltages" || msg.kind === "bmuTemperatures") {
      const data = out.data.slice();
      data[0] = msg.kind === "bmuCellVoltages" ? randomInt(prng, 11, 255) : randomInt(prng, 6, 255);
      cases.push({ frame: { id: out.id, data, timestampMs: 0 }, reason: "multiplexerOutOfRange", source });
    }
    if (msg.kind === "ivtResult") {
      cases.push({ frame: { id: out.id, data: out.data.slice(0, 5), timestampMs: 0 }, reason: "wrongDlc", source });
      const data = out.data.slice();
      data[0] ^= 1 << randomInt(prng, 0, 7);
      cases.push({ frame: { id: out.id, data, timestampMs: 0 }, reason: "invalidValue", source });
    }
    if (msg.kind === "imdRequest" || (msg.kind === "imdResponse" && msg.response !== "error")) {
      // A command byte the iso165C protocol does not define (0xFF in a response is the error marker).
      const data = out.data.slice();
      do data[0] = randomInt(prng, 0, 254);
      while ([0xca, 0xcb, 0x28, 0x29, 0x21, 0x35, 0xd2, 0xdd].includes(data[0]));
      cases.push({ frame: { id: out.id, data, timestampMs: 0 }, reason: "invalidValue", source });
    }
    if (msg.kind === "bmuStatus") {
      const data = out.data.slice();
      data[7] = randomInt(prng, 2, 255);
      cases.push({ frame: { id: out.id, data, timestampMs: 0 }, reason: "unsupportedVersion", source });
    }
  }
  const decoder = new RackFrameDecoder();
  for (const { frame, reason, source } of cases) {
    for (const result of [decodeRackFrame(frame), decoder.decode(frame)]) {
      assert.deepEqual(
        result.kind === "frameError" ? [result.reason, result.source] : result,
        [reason, source],
        `0x${frame.id.toString(16)} [${[...frame.data]}]`,
      );
    }
  }
  assert.ok(cases.length > 3000, `${cases.length} cases`);
  // Named cases from the brief, spelled out.
  assert.equal(
    reasonOf(decodeRackFrame({ id: 0x203, data: Uint8Array.from([11, 0, 0, 0, 0, 0, 0, 0]), timestampMs: 0 })),
    "multiplexerOutOfRange",
  );
  assert.equal(reasonOf(decodeRackFrame({ id: 0x103, data: new Uint8Array(5), timestampMs: 0 })), "wrongDlc");
});

function reasonOf(result: RackMessage | FrameError): string {
  return result.kind === "frameError" ? result.reason : result.kind;
}

import { test } from "node:test";
import assert from "node:assert/strict";
import type { CanFrame } from "../../src/can/frame.ts";
import type { BmuStatus, ContactorFeedback, IvtResult } from "../../src/can/codecs/messages.ts";
import { encodeRackMessage } from "../../src/can/codecs/rack.ts";
import { RackFrameDecoder } from "../../src/can/rack-decoder.ts";

const status: BmuStatus = {
  kind: "bmuStatus",
  node: 4,
  aliveCounter: 0,
  balancingActive: false,
  afeFault: false,
  openWire: false,
  temperatureSensorFault: false,
  supplyLow: false,
  balancingOverTemperature: false,
  moduleVoltage_mV: 51200,
  boardTemperature_degC: 30,
  cellCount: 16,
  sensorCount: 8,
  protocolVersion: 1,
};
const feedback: ContactorFeedback = {
  kind: "contactorFeedback",
  closed: { mainPositive: false, mainNegative: false, precharge: false },
  coilFault: { mainPositive: false, mainNegative: false, precharge: false },
  aliveCounter: 0,
  breakerClosed: true,
  breakerTripped: false,
  hvilIntact: true,
  emergencyStop: false,
  fireAlarm: false,
  doorOpen: false,
};
const current: IvtResult = {
  kind: "ivtResult",
  result: "current",
  messageCounter: 0,
  overCurrent: false,
  channelError: false,
  measurementError: false,
  systemError: false,
  value: 1000,
};

function at(timestampMs: number, msg: BmuStatus | ContactorFeedback | IvtResult): CanFrame {
  return { ...encodeRackMessage(msg), timestampMs };
}

test("a continuous BMU alive counter wraps 255 → 0 without a jump", () => {
  const decoder = new RackFrameDecoder();
  for (let i = 0; i < 300; i++) decoder.decode(at(i * 1000, { ...status, aliveCounter: (250 + i) % 256 }));
  assert.deepEqual(decoder.counters(), { bmu4: { frames: 300, errors: {} } });
});

test("a BMU alive-counter jump is counted and the message still returned", () => {
  const decoder = new RackFrameDecoder();
  decoder.decode(at(0, { ...status, aliveCounter: 5 }));
  const jumped = decoder.decode(at(1000, { ...status, aliveCounter: 9 }));
  assert.deepEqual(jumped, { ...status, aliveCounter: 9 });
  decoder.decode(at(2000, { ...status, aliveCounter: 10 }));
  decoder.decode(at(3000, { ...status, aliveCounter: 10 })); // a repeat is a jump too
  assert.deepEqual(decoder.counters(), {
    bmu4: { frames: 4, errors: { aliveCounterJump: 2 }, lastError: "BMU 4 alive counter jumped from 10 to 10" },
  });
});

test("counters are per node: node 5 starting elsewhere does not disturb node 4", () => {
  const decoder = new RackFrameDecoder();
  decoder.decode(at(0, { ...status, aliveCounter: 1 }));
  decoder.decode(at(10, { ...status, node: 5, aliveCounter: 77 }));
  decoder.decode(at(1000, { ...status, aliveCounter: 2 }));
  decoder.decode(at(1010, { ...status, node: 5, aliveCounter: 78 }));
  assert.deepEqual(decoder.counters(), { bmu4: { frames: 2, errors: {} }, bmu5: { frames: 2, errors: {} } });
});

test("after a gap longer than resyncGap_ms, or time running backwards, the counter re-syncs", () => {
  const decoder = new RackFrameDecoder({ resyncGap_ms: 2000 });
  decoder.decode(at(0, { ...status, aliveCounter: 1 }));
  decoder.decode(at(2000, { ...status, aliveCounter: 2 })); // exactly the gap: still checked, and fine
  decoder.decode(at(4001, { ...status, aliveCounter: 100 })); // longer: re-sync
  decoder.decode(at(3000, { ...status, aliveCounter: 7 })); // backwards (replayed log): re-sync
  decoder.decode(at(3500, { ...status, aliveCounter: 8 }));
  assert.deepEqual(decoder.counters().bmu4, { frames: 5, errors: {} });
  decoder.decode(at(5500, { ...status, aliveCounter: 10 })); // within 2000 ms of 3500: a jump
  assert.equal(decoder.counters().bmu4.errors.aliveCounterJump, 1);
});

test("the default resync gap is 5 s", () => {
  const decoder = new RackFrameDecoder();
  decoder.decode(at(0, { ...status, aliveCounter: 1 }));
  decoder.decode(at(5000, { ...status, aliveCounter: 3 }));
  decoder.decode(at(10001, { ...status, aliveCounter: 200 }));
  assert.equal(decoder.counters().bmu4.errors.aliveCounterJump, 1);
});

test("contactor feedback alive counter mod 256 and IVT counter per result id mod 16", () => {
  const decoder = new RackFrameDecoder();
  for (let i = 0; i < 40; i++) {
    decoder.decode(at(i * 100, { ...feedback, aliveCounter: (254 + i) % 256 }));
    decoder.decode(at(i * 100, { ...current, messageCounter: i % 16 }));
    // U1 runs its own counter, offset from the current's.
    decoder.decode(at(i * 100 + 1, { ...current, result: "voltage1", messageCounter: (i + 7) % 16 }));
  }
  assert.deepEqual(decoder.counters(), {
    contactorUnit: { frames: 40, errors: {} },
    ivt: { frames: 80, errors: {} },
  });
  decoder.decode(at(4000, { ...current, messageCounter: 9 })); // expected 8
  decoder.decode(at(4000, { ...feedback, aliveCounter: 40 })); // expected 38
  const counters = decoder.counters();
  assert.deepEqual(counters.ivt.errors, { aliveCounterJump: 1 });
  assert.equal(counters.ivt.lastError, "IVT-S current message counter jumped from 7 to 9");
  assert.deepEqual(counters.contactorUnit.errors, { aliveCounterJump: 1 });
});

test("frame errors are counted per source with the latest detail; reset forgets everything", () => {
  const decoder = new RackFrameDecoder();
  decoder.decode({ id: 0x7ff, data: new Uint8Array(0), timestampMs: 0 });
  decoder.decode({ id: 0x104, data: new Uint8Array(5), timestampMs: 0 });
  decoder.decode(at(0, { ...status, aliveCounter: 1 }));
  const counters = decoder.counters();
  assert.deepEqual(counters.unknown, { frames: 1, errors: { unknownId: 1 }, lastError: counters.unknown.lastError });
  assert.match(counters.unknown.lastError ?? "", /0x7FF/);
  assert.deepEqual(counters.bmu4, {
    frames: 2,
    errors: { wrongDlc: 1 },
    lastError: "BMU_Status (0x104) needs DLC 8, got 5",
  });
  // The copy is detached from the decoder.
  (counters.bmu4.errors as Record<string, number>).wrongDlc = 99;
  assert.equal(decoder.counters().bmu4.errors.wrongDlc, 1);
  decoder.reset();
  assert.deepEqual(decoder.counters(), {});
  decoder.decode(at(100, { ...status, aliveCounter: 50 })); // re-syncs after reset
  assert.deepEqual(decoder.counters(), { bmu4: { frames: 1, errors: {} } });
});

test("decode never throws, even for objects that are not frames", () => {
  const decoder = new RackFrameDecoder();
  const junk = [null, undefined, {}, { id: 0x101 }, { id: "x", data: 5 }, { id: 0x521, data: null, timestampMs: NaN }];
  for (const thing of junk) {
    const result = decoder.decode(thing as unknown as CanFrame);
    assert.equal(result.kind, "frameError");
  }
  assert.equal(decoder.counters().unknown.frames, junk.length);
});

test("a bad resyncGap_ms is refused", () => {
  assert.throws(() => new RackFrameDecoder({ resyncGap_ms: -1 }), /resyncGap_ms/);
  assert.throws(() => new RackFrameDecoder({ resyncGap_ms: NaN }), /resyncGap_ms/);
});

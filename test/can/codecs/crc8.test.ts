import { test } from "node:test";
import assert from "node:assert/strict";
import { crc8J1850 } from "../../../src/can/codecs/crc8.ts";

test("CRC-8 SAE J1850 check value of ASCII 123456789 is 0x4B", () => {
  assert.equal(crc8J1850(new TextEncoder().encode("123456789")), 0x4b);
});

test("CRC-8 SAE J1850 matches the AUTOSAR CRC library test vectors", () => {
  const vectors: [number[], number][] = [
    [[0x00, 0x00, 0x00, 0x00], 0x59],
    [[0xf2, 0x01, 0x83], 0x37],
    [[0x0f, 0xaa, 0x00, 0x55], 0x79],
    [[0x00, 0xff, 0x55, 0x11], 0xb8],
    [[0x33, 0x22, 0x55, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff], 0xcb],
    [[0x92, 0x6b, 0x55], 0x8c],
    [[0xff, 0xff, 0xff, 0xff], 0x74],
  ];
  for (const [bytes, crc] of vectors) assert.equal(crc8J1850(Uint8Array.from(bytes)), crc, `over ${bytes}`);
});

test("crc8J1850 covers only the first `length` bytes, clamped to the array", () => {
  const bytes = Uint8Array.from([0xf2, 0x01, 0x83, 0x99, 0x42]);
  assert.equal(crc8J1850(bytes, 3), 0x37);
  assert.equal(crc8J1850(bytes.subarray(0, 3), 10), 0x37);
  assert.equal(crc8J1850(new Uint8Array(0)), 0x00, "init 0xFF xor-out 0xFF over nothing");
});

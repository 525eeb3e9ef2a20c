import assert from "node:assert/strict";
import { test } from "node:test";
import {
  cellVoltageAt_mV,
  decodeFloat32,
  encodeCellVoltages,
  encodeFloat32,
  encodeTemperatures,
  temperatureAt_degC,
} from "../../src/store/trend-codec.ts";

test("cell voltages: uint16 LE mV, 0xFFFF for invalid or stale (golden bytes)", () => {
  const blob = encodeCellVoltages([3300, 3301.4, NaN, 3650], [1, 1, 0, 0]);
  assert.equal(blob.toString("hex"), "e40ce50cffffffff");
  assert.equal(cellVoltageAt_mV(blob, 1), 3301);
  assert.equal(cellVoltageAt_mV(blob, 3), null);
  assert.equal(cellVoltageAt_mV(blob, 4), null, "past the end");
});

test("temperatures: int16 LE 0.1 °C, 0x7FFF for invalid (golden bytes)", () => {
  const blob = encodeTemperatures([25, -20.5, 99], [1, 1, 0]);
  assert.equal(blob.toString("hex"), "fa0033ffff7f");
  assert.equal(temperatureAt_degC(blob, 1), -20.5);
  assert.equal(temperatureAt_degC(blob, 2), null);
});

test("pack values: float32 LE, NaN for unknown (golden bytes)", () => {
  const blob = encodeFloat32([1, null, -2.5]);
  assert.equal(blob.toString("hex"), "0000803f0000c07f000020c0");
  assert.deepEqual(decodeFloat32(blob), [1, null, -2.5]);
});

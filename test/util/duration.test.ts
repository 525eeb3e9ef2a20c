import { test } from "node:test";
import assert from "node:assert/strict";
import { DurationError, parseDuration_ms } from "../../src/util/duration.ts";

test("durations with units, combined units and bare seconds", () => {
  assert.equal(parseDuration_ms("250ms"), 250);
  assert.equal(parseDuration_ms("10s"), 10_000);
  assert.equal(parseDuration_ms("1.5h"), 5_400_000);
  assert.equal(parseDuration_ms("7d"), 604_800_000);
  assert.equal(parseDuration_ms("1h30m"), 5_400_000);
  assert.equal(parseDuration_ms("2"), 2000);
});

test("anything else is refused with a message that says what is accepted", () => {
  for (const bad of ["", "s", "10x", "10 s", "-1s", "1s junk", "ms10"]) {
    assert.throws(() => parseDuration_ms(bad), DurationError, bad);
  }
});

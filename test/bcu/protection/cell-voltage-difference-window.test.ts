/**
 * cellVoltageDifference is judged only while the mean cell voltage is within
 * `protection.cellVoltageDifferenceWindow_mV` (the LFP plateau). Off it the value is unknown and the alarm holds:
 * it neither trips (the end of every discharge) nor releases (an imbalance seen on the plateau), and a latched
 * level 3 stays latched. Driven through the real measurement model on the 8-cell fixture rack.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ALARM_INDEX } from "../../../src/bcu/protection/alarm-ids.ts";
import { requestFaultReset } from "../../../src/bcu/protection/fault-reset.ts";
import type { ProtectionConfig } from "../../../src/bcu/protection/protection-config.ts";
import { defaultProtectionConfig } from "../../../src/bcu/protection/protection-defaults.ts";
import {
  createProtectionState,
  evaluateProtection,
  type ProtectionOutput,
} from "../../../src/bcu/protection/protection.ts";
import { RackFixture, TOPOLOGY } from "./rack-fixture.ts";

const DEFAULTS = defaultProtectionConfig();
const R = ALARM_INDEX.cellVoltageDifference;
const ROW = DEFAULTS.table[R];
const CYCLE_ms = 100;

/** On the plateau, 8 cells: seven at 3300 mV and one `difference_mV` below (mean 3300 − difference / 8). */
function plateauWithLowCell(difference_mV: number): number[] {
  return [3300, 3300, 3300, 3300, 3300 - difference_mV, 3300, 3300, 3300];
}

/** The measured end of a deep discharge at 92 % capacity: 2.937 .. 3.141 V (204 mV), mean 3.08 V. */
const BOTTOM_OF_DISCHARGE_mV = [2937, 3050, 3080, 3100, 3110, 3120, 3130, 3141];
/** A wider spread at the bottom still (370 mV, mean 3.14 V): more than level 3's threshold. */
const BOTTOM_WIDE_SPREAD_mV = [2930, 3100, 3130, 3150, 3170, 3190, 3200, 3300];
/** Off the plateau with next to no difference: a judged value would release every level. */
const BELOW_WINDOW_BALANCED_mV = [3095, 3100, 3100, 3100, 3100, 3100, 3100, 3105];
const ABOVE_WINDOW_BALANCED_mV = [3445, 3450, 3450, 3450, 3450, 3450, 3450, 3455];
const PLATEAU_BALANCED_mV = [3295, 3300, 3300, 3300, 3300, 3300, 3300, 3305];

function mean(cells: readonly number[]): number {
  return cells.reduce((sum, v) => sum + v, 0) / cells.length;
}

class Run {
  readonly fx = new RackFixture();
  readonly state;
  t = 0;
  out!: ProtectionOutput;

  constructor(readonly config: ProtectionConfig = DEFAULTS) {
    this.state = createProtectionState(config, TOPOLOGY);
    this.fx.current_A = 20;
  }

  cells(cells_mV: readonly number[]): this {
    this.fx.cells_mV = [...cells_mV];
    return this;
  }

  step(): ProtectionOutput {
    this.t += CYCLE_ms;
    const m = this.fx.measure(this.t);
    const ctx = { packSoc_pct: this.fx.soc_pct, contactorFaults: this.fx.contactorFaults, contactorsClosed: true };
    this.out = evaluateProtection(this.state, m, ctx, this.config, this.t);
    return this.out;
  }

  run(duration_ms: number): void {
    for (let end = this.t + duration_ms; this.t < end;) this.step();
  }

  get level(): number {
    return this.out.alarms[R].level;
  }

  reset() {
    return requestFaultReset(this.state, this.fx.measure(this.t), this.config, this.t);
  }

  /** Steps until the level reaches `level`; returns the time from the first step, or -1 within `limit_ms`. */
  timeTo(level: number, limit_ms: number): number {
    const start = this.t + CYCLE_ms;
    while (this.t < start + limit_ms) {
      this.step();
      if (this.level === level) return this.t - start;
    }
    return -1;
  }
}

test("the fixtures sit where they claim: plateau means inside the default window, bottom and top outside", () => {
  const { low, high } = DEFAULTS.cellVoltageDifferenceWindow_mV;
  assert.deepEqual({ low, high }, { low: 3200, high: 3400 });
  for (const d of [150, 250, 350, 390]) {
    const m = mean(plateauWithLowCell(d));
    assert.ok(m >= low && m <= high, `${d} mV: mean ${m}`);
  }
  for (const cells of [BOTTOM_OF_DISCHARGE_mV, BOTTOM_WIDE_SPREAD_mV, BELOW_WINDOW_BALANCED_mV])
    assert.ok(mean(cells) < low, `${mean(cells)}`);
  assert.ok(mean(ABOVE_WINDOW_BALANCED_mV) > high);
  assert.ok(Math.abs(mean(BOTTOM_OF_DISCHARGE_mV) - 3083.5) < 1);
});

for (const [difference_mV, level] of [
  [150, 1],
  [250, 2],
  [350, 3],
] as const) {
  test(`on the plateau a ${difference_mV} mV difference trips level ${level} after its set debounce`, () => {
    const run = new Run().cells(PLATEAU_BALANCED_mV);
    run.run(1000);
    assert.equal(run.level, 0);
    run.cells(plateauWithLowCell(difference_mV));
    const elapsed = run.timeTo(level, 60_000);
    // Every level below trips at the same time here (same 5 s debounce), so the first level seen is `level`.
    assert.equal(elapsed, ROW[`level${level}`]!.setDebounce_ms);
    assert.equal(run.out.alarms[R].value, difference_mV);
    if (level === 3) assert.notEqual(run.out.openContactors, "none");
  });
}

test("a single bad cell among plateau cells (2.9 V among 3.29 V) trips level 3 and asks the contactors open", () => {
  const cells = [3290, 3290, 3290, 3290, 3290, 3290, 2900, 3290];
  const run = new Run().cells(cells);
  assert.equal(run.timeTo(3, 60_000), ROW.level3!.setDebounce_ms);
  assert.equal(run.out.alarms[R].value, 390);
  assert.equal(run.out.alarms[R].latched, true);
  assert.equal(run.out.forceZero, true);
  assert.notEqual(run.out.openContactors, "none");
});

for (const [name, cells] of [
  ["the measured bottom of discharge (2.937 .. 3.141 V, 204 mV)", BOTTOM_OF_DISCHARGE_mV],
  ["a wider bottom spread (2.93 .. 3.30 V, 370 mV)", BOTTOM_WIDE_SPREAD_mV],
] as const) {
  test(`${name}: no level of cellVoltageDifference, however long (6 h)`, () => {
    const run = new Run().cells(cells);
    let highest = 0;
    for (let i = 0; i < (6 * 3600_000) / CYCLE_ms / 10; i++) {
      // 1 s cycles: the debounce counts measurement time, not cycles.
      run.t += 1000 - CYCLE_ms;
      run.step();
      highest = Math.max(highest, run.level);
    }
    assert.equal(highest, 0);
    assert.equal(run.out.alarms[R].value, null, "not judged: the value is unknown off the plateau");
    assert.equal(
      run.out.events.filter((e) => e.source === "cellVoltageDifference").length,
      0,
      "and no event in the last cycle",
    );
  });
}

test("the window is the configuration's: widened down to 3000 mV, the bottom spread trips level 2", () => {
  const config = {
    ...DEFAULTS,
    cellVoltageDifferenceWindow_mV: { ...DEFAULTS.cellVoltageDifferenceWindow_mV, low: 3000 },
  };
  const run = new Run(config).cells(BOTTOM_OF_DISCHARGE_mV);
  assert.equal(run.timeTo(2, 60_000), ROW.level2!.setDebounce_ms);
});

test("both ends of the window are inside it", () => {
  const cells = plateauWithLowCell(160); // mean 3280, at rest 3300 (20 A discharge × 1 mΩ)
  for (const window of [
    { low: 3300, high: 3400, cellResistance_mOhm: 1 },
    { low: 3200, high: 3300, cellResistance_mOhm: 1 },
  ]) {
    const run = new Run({ ...DEFAULTS, cellVoltageDifferenceWindow_mV: window }).cells(cells);
    run.step();
    assert.equal(run.out.alarms[R].value, 160, JSON.stringify(window));
  }
  const outside = new Run({
    ...DEFAULTS,
    cellVoltageDifferenceWindow_mV: { low: 3301, high: 3400, cellResistance_mOhm: 1 },
  }).cells(cells);
  outside.step();
  assert.equal(outside.out.alarms[R].value, null);
});

for (const [side, offPlateau] of [
  ["below", BELOW_WINDOW_BALANCED_mV],
  ["above", ABOVE_WINDOW_BALANCED_mV],
] as const) {
  test(`a level 2 raised on the plateau holds while the mean is ${side} the window, releases once back with a small difference`, () => {
    const run = new Run().cells(plateauWithLowCell(250));
    assert.equal(run.timeTo(2, 60_000), ROW.level2!.setDebounce_ms);

    run.cells(offPlateau);
    run.run(3600_000);
    assert.equal(run.level, 2, "held off the plateau, for an hour, though the cells there differ by 10 mV");
    assert.equal(run.out.derateFactor, ROW.level2!.derateFactor, "still derating");

    run.cells(PLATEAU_BALANCED_mV);
    // Levels 1 and 2 both release at 10 mV and clear after their (equal) clear debounce, from the first cycle back.
    const clearDebounce_ms = Math.max(ROW.level1!.clearDebounce_ms, ROW.level2!.clearDebounce_ms);
    assert.equal(run.timeTo(0, 60_000), clearDebounce_ms);
    assert.ok(run.out.events.some((e) => e.source === "cellVoltageDifference" && e.kind === "alarmCleared"));
  });
}

test("a latched level 3 stays latched off the plateau; the reset waits for a judged release", () => {
  const run = new Run().cells(plateauWithLowCell(350));
  assert.equal(run.timeTo(3, 60_000), ROW.level3!.setDebounce_ms);

  run.cells(BELOW_WINDOW_BALANCED_mV);
  run.run(600_000);
  assert.equal(run.level, 3);
  assert.equal(run.out.alarms[R].latched, true);
  const refused = run.reset();
  assert.equal(refused.accepted, false, "off the plateau the cause cannot be seen gone");
  assert.match(refused.reason, /cellVoltageDifference level 3/);

  run.cells(PLATEAU_BALANCED_mV);
  run.run(ROW.level3!.clearDebounce_ms + 1000);
  assert.equal(run.level, 3, "latched after its cause is gone, until a reset");
  const accepted = run.reset();
  assert.equal(accepted.accepted, true, accepted.reason);
  run.step();
  assert.equal(run.level, 0);
});

test("the mean is judged at rest: a charge current does not lift the steep bottom into the window", () => {
  // Measured at the start of a 0.5 C charge from empty on the 92 % rack: mean 3.215 V, cells 3.04 .. 3.27 V.
  const chargingFromEmpty_mV = [3040, 3190, 3205, 3215, 3225, 3235, 3252, 3268];
  const charging = new Run().cells(chargingFromEmpty_mV);
  charging.fx.current_A = -140;
  charging.run(600_000);
  assert.equal(charging.level, 0, "at rest that mean is 3.075 V: off the plateau, not judged");
  assert.equal(charging.out.alarms[R].value, null);

  // Without the correction (0 mΩ) the same cells would be judged, and trip level 2 at 228 mV.
  const uncorrected = new Run({
    ...DEFAULTS,
    cellVoltageDifferenceWindow_mV: { ...DEFAULTS.cellVoltageDifferenceWindow_mV, cellResistance_mOhm: 0 },
  }).cells(chargingFromEmpty_mV);
  uncorrected.fx.current_A = -140;
  assert.equal(uncorrected.timeTo(2, 60_000), ROW.level2!.setDebounce_ms);
});

test("a discharge current does not push plateau cells out of the window: a real imbalance still trips", () => {
  // 0.5 C discharge on the plateau: every cell 140 mV below rest (mean 3.13 V measured, 3.27 V at rest).
  const loaded = plateauWithLowCell(250).map((v) => v - 170);
  const run = new Run().cells(loaded);
  run.fx.current_A = 140;
  assert.equal(run.timeTo(2, 60_000), ROW.level2!.setDebounce_ms);
});

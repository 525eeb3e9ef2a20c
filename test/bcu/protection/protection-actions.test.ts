/** The actions of the levels: derating, stop, the grace period, the severe cases that open at once. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ALARM_INDEX, type AlarmId } from "../../../src/bcu/protection/alarm-ids.ts";
import { defaultProtectionConfig } from "../../../src/bcu/protection/protection-defaults.ts";
import {
  createProtectionState,
  evaluateProtection,
  type ProtectionOutput,
} from "../../../src/bcu/protection/protection.ts";
import { RackFixture, TOPOLOGY } from "./rack-fixture.ts";

const config = defaultProtectionConfig();

class Run {
  readonly fx = new RackFixture();
  readonly state = createProtectionState(config, TOPOLOGY);
  t = 0;
  contactorsClosed = true;
  out!: ProtectionOutput;
  step(): ProtectionOutput {
    this.t += 100;
    this.out = evaluateProtection(
      this.state,
      this.fx.measure(this.t),
      {
        packSoc_pct: this.fx.soc_pct,
        contactorFaults: this.fx.contactorFaults,
        contactorsClosed: this.contactorsClosed,
      },
      config,
      this.t,
    );
    return this.out;
  }
  stepFor(ms: number) {
    for (let i = 0; i < ms / 100; i++) this.step();
  }
  alarm(id: AlarmId) {
    return this.out.alarms[ALARM_INDEX[id]];
  }
}

test("no alarm on a healthy rack at rest", () => {
  const run = new Run();
  run.stepFor(5000);
  assert.equal(run.out.maxLevel, 0);
  assert.equal(run.out.derateFactor, 1);
  assert.equal(run.out.openContactors, "none");
  assert.equal(run.out.events.length, 0);
});

test("level 1 reports only; level 2 derates by its factor", () => {
  const run = new Run();
  // Resting: level 1 at 50 °C, level 2 at 55 °C. All sensors alike, so the temperature difference stays 0.
  run.fx.temperatures_degC.fill(52);
  run.stepFor(6000);
  assert.equal(run.alarm("dischargeOverTemperature").level, 1);
  assert.equal(run.out.derateFactor, 1);
  assert.equal(run.out.stopRequested, false);
  run.fx.temperatures_degC.fill(56);
  run.stepFor(6000);
  assert.equal(run.alarm("dischargeOverTemperature").level, 2);
  assert.equal(run.out.derateFactor, 0.5);
  assert.equal(run.out.stopRequested, false);
  assert.equal(run.out.openContactors, "none");
});

test("level 3 stops the PCS at once and opens the contactors after the grace period", () => {
  const run = new Run();
  run.fx.current_A = 100;
  run.fx.temperatures_degC[0] = 61;
  let trippedAt = -1;
  for (let i = 0; i < 100; i++) {
    run.step();
    if (trippedAt < 0 && run.out.forceZero) trippedAt = run.t;
    if (trippedAt >= 0 && run.t < trippedAt + config.gracePeriod_ms) {
      assert.equal(run.out.openContactors, "afterGrace");
      assert.equal(run.out.openDeadlineMs, trippedAt + config.gracePeriod_ms);
      assert.equal(run.out.stopRequested, true);
      assert.equal(run.out.derateFactor, 0);
    }
    if (trippedAt >= 0 && run.t >= trippedAt + config.gracePeriod_ms) {
      assert.equal(run.out.openContactors, "immediate", `open at the end of the grace (t = ${run.t})`);
    }
  }
  assert.ok(trippedAt > 0);
  assert.match(run.out.level3Causes.join(), /dischargeOverTemperature level 3 active and latched: 61 °C/);
});

test("cell over-voltage opens at once while charging, after the grace period while resting", () => {
  const charging = new Run();
  charging.fx.current_A = -100;
  charging.fx.cells_mV[0] = 3660;
  charging.stepFor(1000);
  assert.equal(charging.alarm("cellOverVoltage").level, 3);
  assert.equal(charging.out.openContactors, "immediate");

  const resting = new Run();
  resting.fx.cells_mV[0] = 3660;
  resting.stepFor(1000);
  assert.equal(resting.alarm("cellOverVoltage").level, 3);
  assert.equal(resting.out.openContactors, "afterGrace");
});

test("over-current and a welded contactor open at once", () => {
  const over = new Run();
  over.fx.current_A = 320;
  over.stepFor(600);
  assert.equal(over.alarm("dischargeOverCurrent").level, 3);
  assert.equal(over.out.openContactors, "immediate");

  const welded = new Run();
  welded.fx.contactorFaults = { feedbackMismatch_ms: 0, prechargeFailed: false, welded: true };
  welded.step();
  assert.equal(welded.alarm("contactorWelded").level, 3);
  assert.equal(welded.out.openContactors, "immediate");
  assert.ok(welded.out.events.some((e) => e.kind === "alarmLatched" && e.source === "contactorWelded"));
});

test("with the contactors already open a level 3 needs no grace", () => {
  const run = new Run();
  run.contactorsClosed = false;
  run.fx.temperatures_degC[0] = 61;
  run.stepFor(3500);
  assert.equal(run.alarm("dischargeOverTemperature").level, 3);
  assert.equal(run.out.openContactors, "immediate");
});

test("charge protections do not apply while discharging, and clear when the charge stops", () => {
  const run = new Run();
  run.fx.current_A = 50;
  run.fx.temperatures_degC[1] = 52; // above the charge limits (45/50), below the discharge level 2 (55)
  run.stepFor(10000);
  assert.equal(run.alarm("chargeOverTemperature").level, 0);
  assert.equal(run.alarm("chargeOverTemperature").value, null, "not applicable: no value reported");
  assert.equal(run.alarm("dischargeOverTemperature").level, 1);
  run.fx.current_A = -50;
  run.stepFor(6000);
  assert.equal(run.alarm("chargeOverTemperature").level, 2);
  run.fx.current_A = 0;
  run.stepFor(11000);
  assert.equal(run.alarm("chargeOverTemperature").level, 0, "the charge stopped: released");
});

test("an unknown current applies charge and discharge protections alike (fail safe)", () => {
  const run = new Run();
  run.fx.ivtError = true;
  run.fx.temperatures_degC[1] = 52;
  run.stepFor(6000);
  assert.equal(run.alarm("chargeOverTemperature").level, 2);
  assert.equal(run.alarm("dischargeOverTemperature").level, 1);
});

test("an unknown value holds the alarm: a vanished cell cannot clear an over-voltage", () => {
  const run = new Run();
  run.fx.cells_mV[0] = 3610;
  run.stepFor(2000);
  assert.equal(run.alarm("cellOverVoltage").level, 1);
  for (let i = 0; i < 8; i++) run.fx.cells_mV[i] = null;
  run.stepFor(5000);
  assert.equal(run.alarm("cellOverVoltage").level, 1);
  assert.equal(run.alarm("cellOverVoltage").value, null);
});

test("events say what, where, the value and the threshold", () => {
  const run = new Run();
  run.fx.cells_mV[6] = 3655;
  run.stepFor(1000);
  const raised = run.out.alarms[ALARM_INDEX.cellOverVoltage];
  assert.equal(raised.level, 3);
  assert.equal(raised.unit, "mV");
  assert.equal(raised.value, 3655);
  assert.equal(raised.threshold, 3650);
  const all = [] as string[];
  const run2 = new Run();
  run2.fx.cells_mV[6] = 3655;
  for (let i = 0; i < 10; i++) all.push(...run2.step().events.map((e) => `${e.timeMs} ${e.kind} ${e.message}`));
  assert.deepEqual(all, [
    // First seen at 100 ms, level 3's set debounce is 500 ms.
    "600 alarmRaised Cell over-voltage raised level 3: 3655 mV ≥ 3650 mV (module 2, cell 3)",
    "600 alarmLatched Cell over-voltage latched at level 3: 3655 mV ≥ 3650 mV (module 2, cell 3)",
  ]);
});

test("pack voltage thresholds are per series cell and reported in V for the pack", () => {
  const run = new Run();
  run.fx.packVoltage_mV = 3700 * 8;
  run.stepFor(2100);
  const pack = run.alarm("packOverVoltage");
  assert.equal(pack.level, 3);
  assert.equal(pack.unit, "V");
  assert.ok(Math.abs(pack.value! - 29.6) < 1e-9);
  assert.ok(Math.abs(pack.threshold! - 3.64 * 8) < 1e-9);
});

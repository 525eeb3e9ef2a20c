/**
 * The safety I/O alarms, frame by frame through the real measurement model (HVU_ContactorFb byte 2) and the
 * insulation context: each trips exactly at the end of its debounce and not inside it, latches (or not) as the
 * table says, resets only once its cause is gone, and a close request is refused with the reason.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ALARM_INDEX, type AlarmId } from "../../../src/bcu/protection/alarm-ids.ts";
import { defaultProtectionConfig } from "../../../src/bcu/protection/protection-defaults.ts";
import {
  createProtectionState,
  evaluateProtection,
  levelSpec,
  type ProtectionOutput,
} from "../../../src/bcu/protection/protection.ts";
import { requestFaultReset } from "../../../src/bcu/protection/fault-reset.ts";
import type { InsulationContext } from "../../../src/bcu/protection/safety-io-inputs.ts";
import { createContactorState, stepContactors } from "../../../src/bcu/contactors/contactor-machine.ts";
import { defaultContactorConfig } from "../../../src/bcu/contactors/contactor-config.ts";
import type { ContactorFeedback } from "../../../src/can/codecs/messages.ts";
import { RackFixture, TOPOLOGY, feedbackOf } from "./rack-fixture.ts";

const CYCLE_ms = 100;
const config = defaultProtectionConfig();
const OPEN = { mainPositive: false, mainNegative: false, precharge: false };

class Run {
  readonly fx = new RackFixture();
  readonly state = createProtectionState(config, TOPOLOGY);
  insulation: InsulationContext = { resistance_ohmPerV: 2000, faultReported: false, monitorFault: false };
  t = 0;
  out!: ProtectionOutput;

  constructor() {
    // Contacts open, so that a close request is judged on the cabinet inputs alone.
    this.fx.feedback = feedbackOf(OPEN);
  }

  step(): ProtectionOutput {
    this.t += CYCLE_ms;
    const m = this.fx.measure(this.t);
    this.out = evaluateProtection(
      this.state,
      m,
      {
        packSoc_pct: 50,
        contactorFaults: this.fx.contactorFaults,
        contactorsClosed: true,
        insulation: this.insulation,
      },
      config,
      this.t,
    );
    return this.out;
  }

  level(id: AlarmId): number {
    return this.out.alarms[ALARM_INDEX[id]].level;
  }

  reset() {
    return requestFaultReset(this.state, this.fx.measure(this.t), config, this.t);
  }

  /** A close request to a contactor machine that is open, judged with this cycle's protection. */
  closeRefusal(feedback: ContactorFeedback | null = this.fx.feedback): string {
    const contactors = createContactorState(defaultContactorConfig());
    const m = { ...this.fx.measure(this.t), contactorFeedback: feedback };
    const result = stepContactors(
      contactors,
      { requests: ["close"], protection: this.out, m },
      defaultContactorConfig(),
      this.t,
    );
    return result.refusals[0] ?? "";
  }
}

type Input = "breakerOpen" | "hvilOpen" | "emergencyStop" | "fireAlarm" | "doorOpen";
const SET: Record<Input, (fb: ContactorFeedback, on: boolean) => ContactorFeedback> = {
  breakerOpen: (fb, on) => ({ ...fb, breakerClosed: !on, breakerTripped: on }),
  hvilOpen: (fb, on) => ({ ...fb, hvilIntact: !on }),
  emergencyStop: (fb, on) => ({ ...fb, emergencyStop: on }),
  fireAlarm: (fb, on) => ({ ...fb, fireAlarm: on }),
  doorOpen: (fb, on) => ({ ...fb, doorOpen: on }),
};
const REFUSAL: Record<Input, RegExp> = {
  breakerOpen: /breakerOpen level 3/,
  hvilOpen: /hvilOpen level 3/,
  emergencyStop: /emergencyStop level 3/,
  fireAlarm: /fireAlarm level 3/,
  doorOpen: /cabinet door is open/,
};
/** Refusal before the alarm's debounce has passed: the contactor machine reads the input itself. */
const EARLY_REFUSAL: Record<Input, RegExp> = {
  breakerOpen: /DC breaker is open or tripped/,
  hvilOpen: /HV interlock loop \(HVIL\) is open/,
  emergencyStop: /emergency stop is pressed/,
  fireAlarm: /fire alarm is active/,
  doorOpen: /cabinet door is open/,
};

for (const id of Object.keys(SET) as Input[]) {
  const row = config.table[ALARM_INDEX[id]];
  const k = row.level3 !== null ? 3 : 1;
  const spec = levelSpec(row, k)!;
  test(`${id}: level ${k} after ${spec.setDebounce_ms} ms and not before, ${spec.latching ? "latched until reset" : "clears without reset"}, close refused`, () => {
    const run = new Run();
    for (let i = 0; i < 5; i++) run.step();
    assert.equal(run.level(id), 0);
    assert.equal(run.closeRefusal(), "", "a close is allowed with every input healthy");

    run.fx.feedback = SET[id](feedbackOf(OPEN), true);
    const start = run.t + CYCLE_ms;
    while (run.t + CYCLE_ms < start + spec.setDebounce_ms) {
      run.step();
      assert.equal(run.level(id), 0, `no trip inside the debounce (t = ${run.t - start} ms)`);
      assert.match(run.closeRefusal(), EARLY_REFUSAL[id], "refused at once, before the alarm");
    }
    run.step();
    assert.equal(run.t - start, spec.setDebounce_ms);
    assert.equal(run.level(id), k);
    const raised = run.out.events.find((e) => e.source === id && e.kind === "alarmRaised");
    assert.ok(raised, "an event for the transition");
    assert.equal(raised.level, k);
    assert.match(run.closeRefusal(), REFUSAL[id]);
    if (k === 3) {
      assert.equal(run.out.forceZero, true, "limits 0");
      assert.equal(run.out.openContactors, row.level3!.open === "immediate" ? "immediate" : "afterGrace");
    }

    // A bounce shorter than the set debounce after release does not trip again; the level clears after its clear
    // debounce when not latched.
    run.fx.feedback = SET[id](feedbackOf(OPEN), false);
    for (let i = 0; i < spec.clearDebounce_ms / CYCLE_ms + 1; i++) run.step();
    assert.ok(run.out.events.some((e) => e.source === id && e.kind === "alarmCleared") === !spec.latching);
    if (spec.latching) {
      assert.equal(run.level(id), k, "latched after the cause is gone");
      assert.match(run.closeRefusal(), REFUSAL[id]);
      assert.equal(run.reset().accepted, true);
      run.step();
    }
    assert.equal(run.level(id), 0);
    assert.equal(run.closeRefusal(), "");
  });
}

test("a latched input that is still present refuses the reset, naming it", () => {
  const run = new Run();
  run.fx.feedback = SET.emergencyStop(feedbackOf(OPEN), true);
  for (let i = 0; i < 10; i++) run.step();
  const reset = run.reset();
  assert.equal(reset.accepted, false);
  assert.match(reset.reason, /emergencyStop level 3 \(still present\)/);
});

test("a stale contactor feedback holds the cabinet alarms (unknown, never 'all clear')", () => {
  const run = new Run();
  run.fx.feedback = SET.fireAlarm(feedbackOf(OPEN), true);
  for (let i = 0; i < 10; i++) run.step();
  assert.equal(run.level("fireAlarm"), 3);
  run.fx.feedback = null;
  for (let i = 0; i < 30; i++) run.step();
  assert.equal(run.out.alarms[ALARM_INDEX.fireAlarm].value, null);
  assert.equal(run.level("fireAlarm"), 3);
});

test("insulation: Ω/V levels with debounce, the device's own bits, the monitor fault, and unknown readings hold", () => {
  const run = new Run();
  const r1 = config.table[ALARM_INDEX.insulationResistance].level1!;
  const r3 = config.table[ALARM_INDEX.insulationResistance].level3!;
  for (let i = 0; i < 5; i++) run.step();
  assert.equal(run.level("insulationResistance"), 0);
  run.insulation = { ...run.insulation, resistance_ohmPerV: r1.threshold };
  const start = run.t + CYCLE_ms;
  while (run.t + CYCLE_ms < start + r1.setDebounce_ms) {
    run.step();
    assert.equal(run.level("insulationResistance"), 0, "inside the debounce");
  }
  run.step();
  assert.equal(run.level("insulationResistance"), 1);
  const raised = run.out.events.find((e) => e.source === "insulationResistance" && e.kind === "alarmRaised")!;
  assert.match(raised.message, /500 Ω\/V ≤ 500 Ω\/V/);
  // No reading (self-test, decoupled, outdated): the level holds.
  run.insulation = { ...run.insulation, resistance_ohmPerV: null };
  for (let i = 0; i < 200; i++) run.step();
  assert.equal(run.level("insulationResistance"), 1);
  run.insulation = { ...run.insulation, resistance_ohmPerV: r3.threshold - 1 };
  for (let i = 0; i <= r3.setDebounce_ms / CYCLE_ms; i++) run.step();
  assert.equal(run.level("insulationResistance"), 3);
  assert.equal(run.out.openContactors, "afterGrace");
  assert.match(run.closeRefusal(), /insulationResistance level 3/);
  run.insulation = { ...run.insulation, resistance_ohmPerV: 2000 };
  for (let i = 0; i <= r3.clearDebounce_ms / CYCLE_ms; i++) run.step();
  assert.equal(run.level("insulationResistance"), 3, "latched");
  assert.equal(run.reset().accepted, true);
  run.step();
  assert.equal(run.level("insulationResistance"), 0);

  run.insulation = { ...run.insulation, faultReported: true };
  for (let i = 0; i <= 30; i++) run.step();
  assert.equal(run.level("insulationFaultReported"), 3);
  run.insulation = { resistance_ohmPerV: null, faultReported: null, monitorFault: true };
  run.step();
  assert.equal(run.level("insulationMonitorFault"), 1, "a faulty monitor warns at once");
  const m3 = config.table[ALARM_INDEX.insulationMonitorFault].level3!;
  for (let i = 0; i < m3.setDebounce_ms / CYCLE_ms; i++) run.step();
  assert.equal(run.level("insulationMonitorFault"), 3, `stop after ${m3.setDebounce_ms} ms without monitoring`);
});

test("without an insulation context (no driver) the insulation alarms hold at 0", () => {
  const run = new Run();
  const state = createProtectionState(config, TOPOLOGY);
  let out: ProtectionOutput | undefined;
  for (let t = 100; t < 10_000; t += 100) {
    out = evaluateProtection(
      state,
      run.fx.measure(t),
      { packSoc_pct: 50, contactorFaults: run.fx.contactorFaults, contactorsClosed: true },
      config,
      t,
    );
  }
  for (const id of ["insulationResistance", "insulationFaultReported", "insulationMonitorFault"] as const) {
    assert.equal(out!.alarms[ALARM_INDEX[id]].level, 0);
    assert.equal(out!.alarms[ALARM_INDEX[id]].value, null);
  }
});

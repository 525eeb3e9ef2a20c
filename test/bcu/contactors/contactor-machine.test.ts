/**
 * The contactor machine against the simulator's contactor bank and DC link (real implementations, stepped here
 * without CAN), with the protection of the same cycle in the loop: protection → contactors → coils.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ContactorBank } from "../../../src/sim/contactor-bank.ts";
import { DcLink } from "../../../src/sim/dc-link.ts";
import { defaultProtectionConfig } from "../../../src/bcu/protection/protection-defaults.ts";
import {
  createProtectionState,
  evaluateProtection,
  type ProtectionOutput,
} from "../../../src/bcu/protection/protection.ts";
import { requestFaultReset } from "../../../src/bcu/protection/fault-reset.ts";
import { ALARM_INDEX } from "../../../src/bcu/protection/alarm-ids.ts";
import { defaultContactorConfig, type ContactorConfig } from "../../../src/bcu/contactors/contactor-config.ts";
import {
  createContactorState,
  stepContactors,
  type ContactorRequest,
  type ContactorStepResult,
} from "../../../src/bcu/contactors/contactor-machine.ts";
import { NO_CONTACTOR_FAULTS } from "../../../src/bcu/contactors/contactor-faults.ts";
import { RackFixture, TOPOLOGY } from "../protection/rack-fixture.ts";

const protectionConfig = defaultProtectionConfig();

class Loop {
  readonly fx = new RackFixture();
  readonly bank = new ContactorBank();
  readonly link = new DcLink(0.005, 30);
  readonly protection = createProtectionState(protectionConfig, TOPOLOGY);
  readonly contactors;
  t = 0;
  out!: ContactorStepResult;
  prot!: ProtectionOutput;
  history: ContactorStepResult[] = [];

  constructor(readonly config: ContactorConfig = defaultContactorConfig()) {
    this.contactors = createContactorState(config);
    this.fx.current_A = 0;
    this.sense();
  }

  /** Plant → measurements: feedback and link voltage as the contactor unit and the IVT would report them. */
  private sense() {
    this.fx.linkVoltage_mV = this.link.voltage_V * 1000;
    this.fx.feedback = {
      kind: "contactorFeedback",
      closed: this.bank.closedSet(),
      coilFault: this.bank.coilFaultSet(),
      aliveCounter: 0,
      breakerClosed: this.bank.breakerClosed,
      breakerTripped: this.bank.breakerTripped,
      hvilIntact: true,
      emergencyStop: false,
      fireAlarm: false,
      doorOpen: false,
    };
  }

  step(requests: ContactorRequest[] = []): ContactorStepResult {
    const dt = 100;
    this.t += dt;
    this.bank.update(this.t);
    const pack_V = this.fx.cellSum_mV() / 1000;
    if (this.bank.connected()) this.link.connect(pack_V);
    else if (this.bank.precharging()) this.link.precharge(dt / 1000, pack_V);
    else this.link.bleed(dt / 1000);
    this.sense();
    const m = this.fx.measure(this.t);
    const faults = this.out?.faults ?? NO_CONTACTOR_FAULTS;
    this.prot = evaluateProtection(
      this.protection,
      m,
      { packSoc_pct: 50, contactorFaults: faults, contactorsClosed: this.contactors.state === "closed" },
      protectionConfig,
      this.t,
    );
    this.out = stepContactors(this.contactors, { requests, protection: this.prot, m }, this.config, this.t);
    this.bank.drive(this.out.command, this.out.command.breakerShuntTrip, this.t);
    this.history.push(this.out);
    return this.out;
  }

  run(ms: number) {
    for (let i = 0; i < ms / 100; i++) this.step();
  }

  reset() {
    return requestFaultReset(this.protection, this.fx.measure(this.t), protectionConfig, this.t);
  }
}

function states(loop: Loop): string[] {
  const seen: string[] = [];
  for (const h of loop.history) if (seen.at(-1) !== h.state) seen.push(h.state);
  return seen;
}

test("close: precharge to 95 % of the pack, main+, then precharge opens; open: weld check, then open", () => {
  const loop = new Loop();
  loop.run(500);
  assert.equal(loop.out.state, "open");
  assert.deepEqual(loop.out.command, {
    mainPositive: false,
    mainNegative: false,
    precharge: false,
    breakerShuntTrip: false,
  });
  loop.step(["close"]);
  assert.equal(loop.out.state, "precharging");
  assert.deepEqual(loop.out.command, {
    mainPositive: false,
    mainNegative: true,
    precharge: true,
    breakerShuntTrip: false,
  });
  loop.run(1500);
  assert.equal(loop.out.state, "closed");
  assert.deepEqual(loop.out.command, {
    mainPositive: true,
    mainNegative: true,
    precharge: false,
    breakerShuntTrip: false,
  });
  assert.deepEqual(states(loop), ["open", "precharging", "closing", "closed"]);
  const closing = loop.history.find((h) => h.state === "closing")!;
  assert.match(closing.events[0].message, /reached 95 % of the pack's 26\.4 V after \d+ ms: main\+ closing/);
  // The link was at >= 95 % when main+ was commanded: 5 mF through 30 ohm needs 3 tau = 450 ms.
  const prechargeSteps = loop.history.filter((h) => h.state === "precharging").length;
  assert.ok(prechargeSteps >= 4 && prechargeSteps <= 6, `${prechargeSteps} precharge steps`);
  assert.equal(loop.contactors.operations, 1);
  assert.equal(loop.out.faults.feedbackMismatch_ms, 0);

  loop.step(["open"]);
  assert.equal(loop.out.state, "opening");
  assert.deepEqual(loop.out.command, {
    mainPositive: false,
    mainNegative: false,
    precharge: false,
    breakerShuntTrip: false,
  });
  loop.run(loop.config.weldCheckDelay_ms + 200);
  assert.equal(loop.out.state, "open");
  assert.equal(loop.out.faults.welded, false);
  assert.equal(loop.prot.maxLevel, 0, "a clean close and open raises no alarm");
});

test("closing at start-up is off by default and happens once when configured", () => {
  const off = new Loop();
  off.run(3000);
  assert.equal(off.out.state, "open");
  const on = new Loop({ ...defaultContactorConfig(), closeAtStartup: true });
  on.run(3000);
  assert.equal(on.out.state, "closed");
  on.step(["open"]);
  on.run(5000);
  assert.equal(on.out.state, "open", "start-up close is not repeated");
});

test("a close is refused while a level-3 fault is latched, with the reason; accepted after the reset", () => {
  const loop = new Loop();
  loop.fx.cells_mV[2] = 3660;
  loop.run(1000);
  loop.fx.cells_mV[2] = 3300;
  loop.run(3000);
  assert.equal(loop.prot.alarms[ALARM_INDEX.cellOverVoltage].latched, true);
  assert.equal(loop.out.state, "fault", "held open by the latched level 3");
  assert.match(loop.contactors.faultReason, /held open by a level-3 fault: cellOverVoltage/);
  loop.step(["close"]);
  assert.equal(loop.out.state, "fault");
  assert.equal(loop.out.results[0].accepted, false);
  assert.match(loop.out.refusals[0], /^close refused: level-3 fault present: cellOverVoltage level 3 latched/);
  assert.match(loop.out.refusals[0], /reset the faults/);
  assert.equal(loop.contactors.lastRefusal, loop.out.refusals[0]);
  assert.ok(loop.out.events.some((e) => e.kind === "commandRefused"));
  assert.equal(loop.reset().accepted, true);
  loop.step();
  assert.equal(loop.out.state, "open");
  loop.step(["close"]);
  assert.equal(loop.out.state, "precharging");
});

test("level 3 after the grace period opens a closed rack; at once for the severe cases", () => {
  const loop = new Loop();
  loop.step(["close"]);
  loop.run(1500);
  assert.equal(loop.out.state, "closed");
  loop.fx.temperatures_degC.fill(61);
  let trippedAt = -1;
  let openedAt = -1;
  for (let i = 0; i < 100 && openedAt < 0; i++) {
    loop.step();
    if (trippedAt < 0 && loop.prot.forceZero) trippedAt = loop.t;
    if ((loop.out.state as string) === "opening") openedAt = loop.t;
  }
  assert.equal(openedAt - trippedAt, protectionConfig.gracePeriod_ms);

  const severe = new Loop();
  severe.step(["close"]);
  severe.run(1500);
  severe.fx.current_A = 400;
  for (let i = 0; i < 20 && severe.out.state === "closed"; i++) severe.step();
  assert.equal(severe.out.state, "opening");
  const trip = severe.history.findIndex((h) => h.state === "opening");
  assert.equal(trip, severe.history.length - 1);
  assert.ok(severe.prot.forceZero, "opened in the cycle the protection tripped");
});

test("precharge failure: fault, level-3 alarm latched, close refused until the reset", () => {
  const loop = new Loop();
  // A DC link that cannot charge in time (precharge resistor far too large).
  Object.assign(loop, { link: new DcLink(0.005, 3000) });
  loop.step(["close"]);
  loop.run(loop.config.prechargeTimeout_ms);
  assert.equal(loop.out.state, "fault");
  assert.equal(loop.out.faults.prechargeFailed, true);
  assert.match(loop.out.events[0].message, /precharge failed: DC link .* after 2000 ms \(target 95 %\)/);
  loop.run(500);
  assert.equal(loop.prot.alarms[ALARM_INDEX.prechargeFailure].level, 3);
  assert.equal(loop.out.faults.prechargeFailed, false, "contacts confirmed open: the cause is gone");
  loop.step(["close"]);
  assert.match(loop.out.refusals[0], /prechargeFailure level 3 latched/);
  assert.equal(loop.reset().accepted, true);
  loop.run(200);
  assert.equal(loop.out.state, "open");
});

test("a welded main+: fault, breaker shunt trip, contactorWelded latched, close refused, reset refused", () => {
  const loop = new Loop();
  loop.step(["close"]);
  loop.run(1500);
  loop.bank.contactors.mainPositive.welded = true;
  loop.step(["open"]);
  loop.run(loop.config.weldCheckDelay_ms);
  assert.equal(loop.out.state, "fault");
  assert.equal(loop.out.faults.welded, true);
  assert.equal(loop.out.command.breakerShuntTrip, true);
  assert.match(loop.contactors.faultReason, /main\+ still reported closed/);
  loop.run(200);
  assert.equal(loop.bank.breakerTripped, true, "the unit tripped the breaker");
  assert.equal(loop.prot.alarms[ALARM_INDEX.contactorWelded].level, 3);
  assert.equal(loop.prot.openContactors, "immediate");
  loop.step(["close"]);
  assert.match(loop.out.refusals[0], /contactorWelded level 3/);
  const reset = loop.reset();
  assert.equal(reset.accepted, false);
  assert.match(reset.reason, /contactorWelded level 3 \(still present/);
});

test("link voltage held up after opening is a weld (both mains welded: the link stays at the pack)", () => {
  const loop = new Loop();
  loop.step(["close"]);
  loop.run(1500);
  // Aux contacts lie (report open) but both mains conduct: only the link voltage tells.
  loop.bank.contactors.mainPositive.welded = true;
  loop.bank.contactors.mainNegative.welded = true;
  const sense = loop.fx.measure.bind(loop.fx);
  loop.fx.measure = (t: number) => {
    loop.fx.feedback = { ...loop.fx.feedback!, closed: { mainPositive: false, mainNegative: false, precharge: false } };
    return sense(t);
  };
  loop.step(["open"]);
  loop.run(loop.config.weldCheckDelay_ms);
  assert.equal(loop.out.state, "fault");
  assert.match(loop.contactors.faultReason, /DC link still at 26\.4 V/);
});

test("a coil fault reported by the unit refuses the close; one that appears while closing is a fault", () => {
  const refused = new Loop();
  refused.bank.contactors.mainPositive.coilFault = true;
  refused.run(300);
  refused.step(["close"]);
  assert.equal(refused.out.state, "open");
  assert.match(refused.out.refusals[0], /coil fault on main\+/);

  const loop = new Loop();
  loop.step(["close"]);
  loop.bank.contactors.mainPositive.coilFault = true;
  for (let i = 0; i < 30 && loop.out.state !== "opening"; i++) loop.step();
  assert.equal(loop.prot.alarms[ALARM_INDEX.contactorFeedbackMismatch].level, 3);
  const closingSteps = loop.history.filter((h) => h.state === "closing").length;
  // Mismatch counted from the first cycle after main+ was commanded; level 3 at 1000 ms, seen by the protection
  // one cycle later (the contactor faults feed the next cycle's protection).
  assert.equal(closingSteps, 1 + 10 + 1);
  assert.equal(loop.out.state, "opening", "the protection's level 3 aborted the close");
  loop.run(loop.config.weldCheckDelay_ms);
  assert.equal(loop.out.state, "fault");
  assert.match(loop.contactors.faultReason, /held open by a level-3 fault: contactorFeedbackMismatch level 3 latched/);
});

test("no feedback from the contactor unit: close refused, mismatch counts", () => {
  const loop = new Loop();
  const sense = loop.fx.measure.bind(loop.fx);
  loop.fx.measure = (t: number) => {
    loop.fx.feedback = null;
    return sense(t);
  };
  loop.run(1500);
  assert.ok(loop.out.faults.feedbackMismatch_ms >= 900);
  loop.step(["close"]);
  assert.equal(loop.out.results[0].accepted, false);
  assert.match(loop.out.refusals[0], /HVU_ContactorFb 0x0A1 stale|level-3 fault present: contactorFeedbackMismatch/);
});

test("an open contactor while closed is a feedback mismatch that escalates to level 3", () => {
  const loop = new Loop();
  loop.step(["close"]);
  loop.run(1500);
  assert.equal(loop.out.state, "closed");
  // main− drops out by itself (coil supply lost).
  loop.bank.contactors.mainNegative.coilFault = true;
  loop.bank.contactors.mainNegative.driveCoil(false, loop.t);
  loop.run(1500);
  assert.equal(loop.prot.alarms[ALARM_INDEX.contactorFeedbackMismatch].level, 3);
  loop.run(protectionConfig.gracePeriod_ms);
  assert.notEqual(loop.out.state, "closed");
});

/**
 * The time-driven protections: a BMU whose cells cannot be seen, and the current sensor. Their value is how long
 * the input has been lost; each level trips when that time reaches its threshold (no extra debounce in the
 * default table), level 3 opens after the grace period or at once past the second timeout, and latches.
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
import { RackFixture, TIMEOUTS, TOPOLOGY } from "./rack-fixture.ts";

const config = defaultProtectionConfig();

class Run {
  readonly fx = new RackFixture();
  readonly state = createProtectionState(config, TOPOLOGY);
  t = 0;
  out!: ProtectionOutput;
  step(cycle_ms = 100): ProtectionOutput {
    this.t += cycle_ms;
    this.out = evaluateProtection(
      this.state,
      this.fx.measure(this.t),
      { packSoc_pct: 50, contactorFaults: this.fx.contactorFaults, contactorsClosed: true },
      config,
      this.t,
    );
    return this.out;
  }
  alarm(id: AlarmId) {
    return this.out.alarms[ALARM_INDEX[id]];
  }
}

/** Runs until the loss has lasted past the second timeout, checking level against value on every cycle. */
function followLoss(run: Run, id: AlarmId, lost: (run: Run) => void) {
  const row = config.table[ALARM_INDEX[id]];
  const thresholds = [1, 2, 3].map((k) => levelSpec(row, k)!.threshold);
  for (let i = 0; i < 10; i++) run.step();
  assert.equal(run.alarm(id).level, 0);
  lost(run);
  let sawAfterGrace = false;
  let sawImmediate = false;
  for (let i = 0; i < 60; i++) {
    run.step();
    const { value, level } = run.alarm(id);
    const expected = thresholds.filter((th) => value! >= th).length;
    assert.equal(level, expected, `level ${expected} at ${value} ms of loss`);
    if (level === 3) {
      const beyondSecond = value! >= row.level3!.openAtOnceBeyond!;
      assert.equal(run.out.openContactors, beyondSecond ? "immediate" : "afterGrace");
      if (beyondSecond) sawImmediate = true;
      else sawAfterGrace = true;
    }
  }
  assert.ok(sawAfterGrace && sawImmediate, "level 3 first waits for the PCS, then opens at the second timeout");
  assert.equal(run.alarm(id).latched, true);
}

test("a silent BMU: its cells go stale after the measurement timeout, then levels 1..3 follow the silence", () => {
  const run = new Run();
  let lostAt = 0;
  followLoss(run, "bmuCommunicationLoss", (r) => {
    r.fx.silentBmus.add(1);
    lostAt = r.t;
  });
  // The silence counts from the last cycle at which the cells were still fresh.
  const value = run.alarm("bmuCommunicationLoss").value!;
  assert.equal(value, run.t - (lostAt + TIMEOUTS.cellVoltageTimeout_ms));
  const raised = run.state.level[ALARM_INDEX.bmuCommunicationLoss];
  assert.equal(raised, 3);
  const refused = requestFaultReset(run.state, run.fx.measure(run.t), config, run.t);
  assert.equal(refused.accepted, false);
  assert.match(refused.reason, /bmuCommunicationLoss level 3 .*module 2, BMU node 2/);

  // The BMU returns: the value drops to 0, the level clears after the clear debounce but stays latched.
  run.fx.silentBmus.clear();
  for (let i = 0; i < 20; i++) run.step();
  assert.equal(run.alarm("bmuCommunicationLoss").value, 0);
  assert.equal(run.alarm("bmuCommunicationLoss").level, 3);
  assert.equal(run.out.openContactors, "immediate", "latched: the contactors stay open");
  const accepted = requestFaultReset(run.state, run.fx.measure(run.t), config, run.t);
  assert.equal(accepted.accepted, true, accepted.reason);
  run.step();
  assert.equal(run.alarm("bmuCommunicationLoss").level, 0);
  assert.equal(run.out.openContactors, "none");
});

test("cells marked invalid (0xFFFF) by a talking BMU count as unseen: fail safe", () => {
  const run = new Run();
  followLoss(run, "bmuCommunicationLoss", (r) => (r.fx.cells_mV[2] = null));
});

test("a BMU reporting an AFE fault counts as unseen", () => {
  const run = new Run();
  followLoss(run, "bmuCommunicationLoss", (r) => (r.fx.afeFault[0] = true));
});

test("a BMU without one valid temperature counts as unseen", () => {
  const run = new Run();
  followLoss(run, "bmuCommunicationLoss", (r) => {
    r.fx.temperatures_degC[0] = null;
    r.fx.temperatures_degC[1] = null;
  });
});

test("the current sensor's error bit is a fault at once; its levels follow the time since the last good value", () => {
  const run = new Run();
  followLoss(run, "currentSensorFault", (r) => (r.fx.ivtError = true));
  run.fx.ivtError = false;
  for (let i = 0; i < 20; i++) run.step();
  assert.equal(run.alarm("currentSensorFault").level, 3, "latched");
  assert.equal(requestFaultReset(run.state, run.fx.measure(run.t), config, run.t).accepted, true);
});

test("a silent current sensor is a fault once its values are stale", () => {
  const run = new Run();
  followLoss(run, "currentSensorFault", (r) => (r.fx.ivtSilent = true));
});

test("at start-up the loss counts from the first evaluation, not from time 0", () => {
  const run = new Run();
  run.fx.silentBmus.add(0);
  run.t = 1_000_000;
  run.step();
  assert.equal(run.alarm("bmuCommunicationLoss").value, 0);
  for (let i = 0; i < 10; i++) run.step();
  assert.equal(run.alarm("bmuCommunicationLoss").value, 1000);
  assert.equal(run.alarm("bmuCommunicationLoss").level, 1);
});

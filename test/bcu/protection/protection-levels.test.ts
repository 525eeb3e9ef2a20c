/**
 * Every value-driven protection, every level of the default table: trip exactly at the end of the set debounce
 * and not a cycle before, hold inside the hysteresis band, release at the release value after the clear debounce,
 * latch, and a reset refused while the cause is present and accepted once it is gone. The time-driven rows
 * (BMU communication loss, current sensor fault) are in communication-loss.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ALARM_IDS, ALARM_INDEX, type AlarmId } from "../../../src/bcu/protection/alarm-ids.ts";
import { defaultProtectionConfig } from "../../../src/bcu/protection/protection-defaults.ts";
import {
  createProtectionState,
  evaluateProtection,
  levelSpec,
  type ProtectionOutput,
} from "../../../src/bcu/protection/protection.ts";
import { requestFaultReset } from "../../../src/bcu/protection/fault-reset.ts";
import { CELLS, RackFixture, TOPOLOGY } from "./rack-fixture.ts";

const config = defaultProtectionConfig();
const CYCLE_ms = 100;

interface Driver {
  /** A value at which no level of this alarm is raised. */
  readonly safe: number;
  /** The value is a flag (0/1): there is no hysteresis band to test. */
  readonly flag?: boolean;
  readonly apply: (fx: RackFixture, value: number) => void;
}

const CELL = 5;
const SENSOR = 3;

const drivers: Partial<Record<AlarmId, Driver>> = {
  cellOverVoltage: { safe: 3300, apply: (fx, v) => (fx.cells_mV[CELL] = v) },
  cellUnderVoltage: { safe: 3300, apply: (fx, v) => (fx.cells_mV[CELL] = v) },
  packOverVoltage: { safe: 3300, apply: (fx, v) => (fx.packVoltage_mV = v * CELLS) },
  packUnderVoltage: { safe: 3300, apply: (fx, v) => (fx.packVoltage_mV = v * CELLS) },
  chargeOverTemperature: { safe: 25, apply: (fx, v) => ((fx.current_A = -50), (fx.temperatures_degC[SENSOR] = v)) },
  dischargeOverTemperature: { safe: 25, apply: (fx, v) => ((fx.current_A = 50), (fx.temperatures_degC[SENSOR] = v)) },
  chargeUnderTemperature: { safe: 25, apply: (fx, v) => ((fx.current_A = -50), (fx.temperatures_degC[SENSOR] = v)) },
  dischargeUnderTemperature: {
    safe: 25,
    apply: (fx, v) => ((fx.current_A = 50), (fx.temperatures_degC[SENSOR] = v)),
  },
  temperatureDifference: { safe: 0, apply: (fx, v) => (fx.temperatures_degC[SENSOR] = 25 + v) },
  cellVoltageDifference: { safe: 0, apply: (fx, v) => (fx.cells_mV[CELL] = 3300 + v) },
  chargeOverCurrent: { safe: 0, apply: (fx, v) => (fx.current_A = -v) },
  dischargeOverCurrent: { safe: 0, apply: (fx, v) => (fx.current_A = v) },
  lowSoc: { safe: 50, apply: (fx, v) => (fx.soc_pct = v) },
  cellSumImplausible: { safe: 0, apply: (fx, v) => (fx.moduleVoltageOffset_mV[1] = v * 1000) },
  moduleSumImplausible: { safe: 0, apply: (fx, v) => (fx.packVoltage_mV = fx.cellSum_mV() + v * 1000) },
  contactorFeedbackMismatch: {
    safe: 0,
    apply: (fx, v) => (fx.contactorFaults = { ...fx.contactorFaults, feedbackMismatch_ms: v }),
  },
  prechargeFailure: {
    safe: 0,
    flag: true,
    apply: (fx, v) => (fx.contactorFaults = { ...fx.contactorFaults, prechargeFailed: v >= 1 }),
  },
  contactorWelded: {
    safe: 0,
    flag: true,
    apply: (fx, v) => (fx.contactorFaults = { ...fx.contactorFaults, welded: v >= 1 }),
  },
};

class Run {
  readonly fx = new RackFixture();
  readonly state = createProtectionState(config, TOPOLOGY);
  t = 0;
  out!: ProtectionOutput;

  step(): ProtectionOutput {
    this.t += CYCLE_ms;
    const m = this.fx.measure(this.t);
    this.out = evaluateProtection(
      this.state,
      m,
      { packSoc_pct: this.fx.soc_pct, contactorFaults: this.fx.contactorFaults, contactorsClosed: true },
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
}

const valueDriven = ALARM_IDS.filter((d) => drivers[d.id] !== undefined);

/** Driven frame by frame, with the insulation driver, in test/bcu/protection/safety-io.test.ts. */
const SAFETY_IO_IDS = [
  "breakerOpen",
  "hvilOpen",
  "emergencyStop",
  "fireAlarm",
  "doorOpen",
  "insulationResistance",
  "insulationFaultReported",
  "insulationMonitorFault",
];

test("every alarm id except the two time-driven ones and the safety I/O ones has a value driver", () => {
  const missing = ALARM_IDS.map((d) => d.id).filter((id) => drivers[id] === undefined);
  assert.deepEqual(missing, ["bmuCommunicationLoss", "currentSensorFault", ...SAFETY_IO_IDS]);
});

for (const definition of valueDriven) {
  const id = definition.id;
  const r = ALARM_INDEX[id];
  const row = config.table[r];
  const driver = drivers[id]!;
  for (const k of [1, 2, 3] as const) {
    const spec = levelSpec(row, k);
    if (spec === null) continue;
    test(`${id} level ${k}: trips after ${spec.setDebounce_ms} ms at ${spec.threshold}, holds in the band, releases at ${spec.release}${spec.latching ? ", latches, resets" : ""}`, () => {
      const run = new Run();
      driver.apply(run.fx, driver.safe);
      for (let i = 0; i < 5; i++) run.step();
      assert.equal(run.level(id), 0, "no alarm at the safe value");

      // Trip: the first cycle that sees the threshold starts the debounce.
      driver.apply(run.fx, spec.threshold);
      const start = run.t + CYCLE_ms;
      while (run.t + CYCLE_ms < start + spec.setDebounce_ms) {
        run.step();
        assert.ok(run.level(id) < k, `no level ${k} inside the set debounce (t = ${run.t - start} ms)`);
      }
      run.step();
      assert.equal(run.t - start, spec.setDebounce_ms);
      assert.equal(run.level(id), k, `level ${k} at the end of the set debounce`);
      const raise = run.out.events.find(
        (e) => e.source === id && (e.kind === "alarmRaised" || e.kind === "alarmEscalated") && e.level === k,
      );
      assert.ok(raise, `an event for the transition to level ${k}`);
      assert.equal(raise.timeMs, run.t);
      const scale = id === "packOverVoltage" || id === "packUnderVoltage" ? CELLS / 1000 : 1;
      assert.ok(Math.abs(raise.threshold! - spec.threshold * scale) < 1e-9, "event carries the threshold");
      assert.ok(Math.abs(raise.value! - spec.threshold * scale) < 1e-6, "event carries the value");
      assert.equal(run.out.alarms[r].since, run.t);
      if (spec.latching) {
        assert.ok(run.out.events.some((e) => e.source === id && e.kind === "alarmLatched" && e.level === k));
        const refused = run.reset();
        assert.equal(refused.accepted, false, "reset refused while the cause is present");
        assert.match(refused.reason, new RegExp(`${id} level ${k}`));
        run.step();
        assert.equal(run.level(id), k, "a refused reset changes nothing");
      }
      // Other alarms may derate further (a pack voltage far off also trips the pack voltage rows).
      if (k === 2) assert.ok(run.out.derateFactor <= row.level2!.derateFactor);
      if (k === 3) {
        assert.equal(run.out.forceZero, true);
        assert.equal(run.out.derateFactor, 0);
        assert.notEqual(run.out.openContactors, "none");
      }

      // Hysteresis: inside the band between release and threshold the level holds, however long.
      if (!driver.flag && spec.release !== spec.threshold) {
        driver.apply(run.fx, (spec.release + spec.threshold) / 2);
        for (let i = 0; i < (spec.clearDebounce_ms + 1000) / CYCLE_ms; i++) run.step();
        assert.equal(run.level(id), k, "holds inside the hysteresis band");
      }

      // Release at exactly the release value: the clear debounce runs from the first cycle that sees it.
      driver.apply(run.fx, spec.release);
      const released = run.t + CYCLE_ms;
      while (run.t + CYCLE_ms < released + spec.clearDebounce_ms) {
        run.step();
        assert.equal(run.level(id), k, `still level ${k} inside the clear debounce`);
      }
      run.step();
      if (!spec.latching) {
        assert.ok(run.level(id) < k, `level ${k} cleared after the clear debounce`);
        return;
      }
      assert.equal(run.level(id), k, "a latched level stays after its cause is gone");
      assert.equal(run.out.alarms[r].latched, true);
      // Back to safe: everything below clears; the latch still holds level k.
      driver.apply(run.fx, driver.safe);
      for (let i = 0; i < 200; i++) run.step();
      assert.equal(run.level(id), k);
      const accepted = run.reset();
      assert.equal(accepted.accepted, true, accepted.reason);
      assert.ok(accepted.events.some((e) => e.source === id && e.kind === "alarmReset"));
      assert.ok(accepted.events.some((e) => e.source === id && e.kind === "alarmCleared"));
      run.step();
      assert.equal(run.level(id), 0, "cleared after the reset");
      assert.equal(run.out.alarms[r].latched, false);
    });
  }
}

/**
 * One scenario per injected fault on the simulated rack (15 BMUs x 16 cells, frames on the virtual bus, simulated
 * time): the rack ends safe (contacts open in the simulator's truth), with the right alarm latched and its events,
 * within the bound the configuration gives, plus the time the BCU took as measured on the bus.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CONTACTOR_CMD_TIMEOUT_MS } from "../../src/can/codecs/contactor.ts";
import { ALARM_INDEX, type AlarmId } from "../../src/bcu/protection/alarm-ids.ts";
import { BcuLoop } from "./bcu-loop.ts";

function alarm(loop: BcuLoop, id: AlarmId) {
  return loop.prot.alarms[ALARM_INDEX[id]];
}

function contactsOpen(loop: BcuLoop): boolean {
  const c = loop.sim.truth().contactors;
  return !c.mainPositive && !c.mainNegative && !c.precharge;
}

/** Contacts open in the simulator, the PCS told to stop, the alarm latched at level 3 with its raise and latch events. */
function assertSafe(loop: BcuLoop, id: AlarmId) {
  assert.ok(contactsOpen(loop), "contacts open");
  assert.equal(loop.sim.truth().current_A, 0);
  assert.equal(loop.prot.stopRequested, true);
  assert.equal(alarm(loop, id).level, 3);
  assert.equal(alarm(loop, id).latched, true);
  const events = loop.alarmEvents(id);
  const latched = events.find((e) => e.kind === "alarmLatched" && e.level === 3);
  assert.ok(latched, `${id} latched event`);
  assert.equal(typeof latched.timeMs, "number");
  assert.ok(loop.events.some((e) => e.source === "contactors" && /opened by protection|held open/.test(e.message)));
}

test("drifting cell reading while charging: cell over-voltage opens at once after its debounce", () => {
  const loop = new BcuLoop();
  loop.closeAndSettle();
  loop.sim.pcs.setManualPower_W(-40_000); // charging ~50 A
  loop.runFor(5000);
  // Module 4, cell 7's measurement channel drifts up 20 mV per second.
  let offset = 0;
  const drift = loop.scheduler.every(1000, () => loop.sim.faults.offsetCellReading(3, 6, (offset += 20)));
  const spec = loop.protectionConfig.table[ALARM_INDEX.cellOverVoltage].level3!;
  const reached = loop.runUntil(() => (loop.m.cellVoltageMax?.value ?? 0) >= spec.threshold, 60_000);
  assert.ok(!Number.isNaN(reached));
  const opened = loop.runUntil(() => contactsOpen(loop), 5000);
  drift();
  // Seen at `reached`; open once the set debounce has passed, in the cycle it trips, plus the contacts' delay.
  assert.ok(opened - reached <= spec.setDebounce_ms + 2 * loop.cycle_ms, `opened ${opened - reached} ms after`);
  loop.runFor(1000);
  assertSafe(loop, "cellOverVoltage");
  const raised = loop.alarmEvents("cellOverVoltage").find((e) => e.level === 3)!;
  assert.ok(raised.value! >= 3650 && raised.threshold === 3650);
  assert.match(raised.message, /module 4, cell 7/);
  loop.request("close");
  loop.runFor(200);
  assert.match(loop.contactors.lastRefusal, /cellOverVoltage level 3/);
});

test("hot module: the temperature difference, then over-temperature, stop the PCS and open after the grace", () => {
  const loop = new BcuLoop({ sim: { physicsStep_ms: 1000 } });
  loop.closeAndSettle();
  loop.sim.pcs.setManualPower_W(50_000);
  loop.sim.faults.hotModule(8, 25_000);
  const diff = loop.protectionConfig.table[ALARM_INDEX.temperatureDifference].level3!;
  let seen = NaN;
  const stopped = loop.runUntil(() => {
    const m = loop.m;
    if (
      Number.isNaN(seen) &&
      m.temperatureMax &&
      m.temperatureMin &&
      m.temperatureMax.value - m.temperatureMin.value >= diff.threshold
    )
      seen = loop.scheduler.nowMs();
    return loop.prot.stopRequested;
  }, 400_000);
  assert.ok(!Number.isNaN(stopped), "the PCS is told to stop");
  assert.equal(alarm(loop, "temperatureDifference").level, 3);
  assert.equal(stopped - seen, diff.setDebounce_ms, "level 3 exactly at the end of its debounce");
  assert.ok(loop.sim.truth().current_A > 0 || loop.sim.pcs.current_A === 0);
  const opened = loop.runUntil(() => contactsOpen(loop), 10_000);
  assert.ok(opened - stopped <= loop.protectionConfig.gracePeriod_ms + loop.cycle_ms + 1000, `${opened - stopped}`);
  assert.ok(opened - stopped >= loop.protectionConfig.gracePeriod_ms, "the PCS got its grace period");
  loop.runFor(1000);
  assertSafe(loop, "temperatureDifference");
  assert.match(loop.alarmEvents("temperatureDifference").at(-1)!.message, /hottest module 9/);
});

test("silent BMU: level 3 after its timeout, contacts open at once at the second timeout", () => {
  const loop = new BcuLoop();
  loop.closeAndSettle();
  loop.sim.pcs.setManualPower_W(60_000);
  loop.runFor(3000);
  const silencedAt = loop.scheduler.nowMs();
  loop.sim.faults.silenceBmu(5);
  const spec = loop.protectionConfig.table[ALARM_INDEX.bmuCommunicationLoss].level3!;
  const opened = loop.runUntil(() => contactsOpen(loop), 20_000);
  const bound = loop.config.measurements.cellVoltageTimeout_ms + spec.openAtOnceBeyond! + 100 + 2 * loop.cycle_ms;
  assert.ok(opened - silencedAt <= bound, `open ${opened - silencedAt} ms after the BMU fell silent (bound ${bound})`);
  loop.runFor(1000);
  assertSafe(loop, "bmuCommunicationLoss");
  assert.match(loop.alarmEvents("bmuCommunicationLoss").find((e) => e.level === 3)!.message, /module 6, BMU node 6/);
  // Back: the cause is gone, the latch holds until the reset.
  loop.sim.faults.silenceBmu(5, false);
  loop.runFor(3000);
  assert.equal(alarm(loop, "bmuCommunicationLoss").level, 3);
  assert.equal(loop.resetFaults().accepted, true);
  loop.runFor(3000);
  loop.request("close");
  assert.ok(
    !Number.isNaN(loop.runUntil(() => loop.contactors.state === "closed", 5000)),
    "closes again after the reset",
  );
});

test("current sensor fault: level 3 after its timeout, open when the grace (and the second timeout) ends", () => {
  const loop = new BcuLoop();
  loop.closeAndSettle();
  loop.sim.pcs.setManualPower_W(60_000);
  loop.runFor(3000);
  const faultAt = loop.scheduler.nowMs();
  loop.sim.faults.currentSensor({ channelError: true });
  const spec = loop.protectionConfig.table[ALARM_INDEX.currentSensorFault].level3!;
  const opened = loop.runUntil(() => contactsOpen(loop), 20_000);
  const bound =
    Math.min(spec.threshold + loop.protectionConfig.gracePeriod_ms, spec.openAtOnceBeyond!) + 100 + 2 * loop.cycle_ms;
  assert.ok(opened - faultAt <= bound, `open ${opened - faultAt} ms after the fault (bound ${bound})`);
  loop.runFor(1000);
  assertSafe(loop, "currentSensorFault");
  const reset = loop.resetFaults();
  assert.equal(reset.accepted, false, "the sensor is still in error");
  assert.match(reset.reason, /currentSensorFault level 3/);
});

test("welded contactors: weld detected after the open, breaker shunt-tripped, reset refused", () => {
  const loop = new BcuLoop();
  loop.closeAndSettle();
  loop.sim.faults.weldContactor("mainPositive");
  loop.sim.faults.weldContactor("mainNegative");
  loop.runFor(1000);
  const openAt = loop.scheduler.nowMs();
  loop.request("open");
  const tripped = loop.runUntil(() => !loop.sim.truth().breakerClosed, 10_000);
  const bound = loop.contactorConfig.weldCheckDelay_ms + 3 * loop.cycle_ms;
  assert.ok(
    tripped - openAt <= bound,
    `breaker tripped ${tripped - openAt} ms after the open request (bound ${bound})`,
  );
  assert.ok(
    loop.sentCommands.some((c) => c.timeMs >= openAt && c.breakerShuntTrip),
    "a shunt-trip frame",
  );
  loop.runFor(1000);
  assert.equal(loop.contactors.state, "fault");
  assert.match(loop.contactors.faultReason, /main\+ and main− still reported closed/);
  assert.equal(alarm(loop, "contactorWelded").level, 3);
  assert.equal(loop.sim.truth().current_A, 0, "the breaker interrupts");
  assert.equal(loop.resetFaults().accepted, false);
});

test("dead BCU: the contactor unit opens by itself within 500 ms of the last command", () => {
  const loop = new BcuLoop();
  loop.closeAndSettle();
  loop.sim.pcs.setManualPower_W(60_000);
  loop.runFor(2000);
  loop.kill();
  const last = loop.sentCommands.at(-1)!.timeMs;
  const opened = loop.runUntil(() => contactsOpen(loop), 2000, 10);
  const bound = CONTACTOR_CMD_TIMEOUT_MS + loop.sim.options.physicsStep_ms;
  assert.ok(opened - last <= bound, `open ${opened - last} ms after the last command (bound ${bound})`);
  assert.equal(loop.sim.truth().current_A, 0);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig } from "../../../src/config/defaults.ts";
import { createSimulatedRack } from "../../../src/daemon/simulated-rack.ts";
import { SimScheduler } from "../../../src/time/sim-scheduler.ts";
import { restoreLatches } from "../../../src/bcu/protection/latched-persistence.ts";
import { createProtectionState } from "../../../src/bcu/protection/protection.ts";

const alarm = (rack: ReturnType<typeof createSimulatedRack>, id: string) =>
  rack.pipeline.latest()!.alarms.find((a) => a.id === id)!;

test("a latched level-3 fault survives a restart: still latched, close refused, cleared only by a reset", async () => {
  const config = defaultConfig();
  const first = createSimulatedRack({ config, scheduler: new SimScheduler() });
  first.scheduler.runFor(20_000);
  assert.equal(first.pipeline.latest()!.contactors!.state, "closed");
  first.simulator.faults.silenceBmu(4);
  first.scheduler.runFor(15_000);
  assert.equal(alarm(first, "bmuCommunicationLoss").level, 3);
  assert.equal(alarm(first, "bmuCommunicationLoss").latched, true);
  const latches = first.pipeline.persistedLatches();
  assert.ok(latches.latched.some((l) => l.id === "bmuCommunicationLoss" && l.level === 3));
  first.stop();

  // The gateway restarts; the BMU talks again. The fault stays latched and the rack stays open.
  const second = createSimulatedRack({ config, scheduler: new SimScheduler(), persisted: { latches } });
  second.scheduler.runFor(20_000);
  const snapshot = second.pipeline.latest()!;
  assert.equal(alarm(second, "bmuCommunicationLoss").level, 3);
  assert.equal(alarm(second, "bmuCommunicationLoss").latched, true);
  assert.equal(snapshot.contactors!.state === "closed", false, "no close while the restored latch holds");
  assert.equal(snapshot.limits!.chargeCurrentMax_A, 0);
  const close = second.pipeline.submit({ kind: "closeContactors", origin: "test" });
  second.scheduler.runFor(200);
  const refused = await close;
  assert.equal(refused.accepted, false);
  assert.match(refused.reason, /bmuCommunicationLoss/);

  const reset = second.pipeline.submit({ kind: "resetFaults", origin: "test" });
  second.scheduler.runFor(200);
  assert.equal((await reset).accepted, true, (await reset).reason);
  second.scheduler.runFor(20_000);
  assert.equal(alarm(second, "bmuCommunicationLoss").level, 0);
  assert.equal(second.pipeline.latest()!.contactors!.state, "closed", "the simulated PCS closes it again");
  second.stop();
});

test("unknown or malformed persisted latches are skipped", () => {
  const config = defaultConfig();
  const state = createProtectionState(config.protection, config.rack);
  const restored = restoreLatches(state, {
    version: 1,
    latched: [
      { id: "noSuchAlarm", level: 3 },
      { id: "fireAlarm", level: 7 as 3 },
      { id: "fireAlarm", level: 3 },
    ],
  });
  assert.deepEqual(restored, ["fireAlarm"]);
  assert.equal(
    state.latched.reduce((n, v) => n + v, 0),
    1,
  );
  assert.deepEqual(restoreLatches(state, { version: 2 } as never), []);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { SimScheduler } from "../../src/time/sim-scheduler.ts";
import { BcuPipeline } from "../../src/daemon/pipeline.ts";
import { silentLogger } from "../../src/daemon/log.ts";
import type { Snapshot } from "../../src/bcu/snapshot.ts";
import { findPoint } from "../../src/points/catalog.ts";
import { rackFrames, smallRackConfig } from "./pipeline-fixture.ts";

function run(seconds: number, silentAfterMs = Infinity) {
  const scheduler = new SimScheduler(1_700_000_000_000);
  const pipeline = new BcuPipeline({ config: smallRackConfig, scheduler, log: silentLogger, transport: null });
  pipeline.start();
  const snapshots: Snapshot[] = [];
  pipeline.onSnapshot("test", (s) => snapshots.push(s));
  const start = scheduler.nowMs();
  for (let tick = 0; tick < seconds * 10; tick++) {
    const t = start + tick * 100 + 5;
    scheduler.runUntil(t);
    if (t - start < silentAfterMs) for (const frame of rackFrames(t, tick)) pipeline.receive(frame);
  }
  return { pipeline, snapshots };
}

test("frames on simulated time become one snapshot per cycle with the rack's values", () => {
  const { pipeline, snapshots } = run(3);
  assert.equal(snapshots.length, 29);
  const last = snapshots.at(-1)!;
  assert.equal(last.state, "fault", "no contactor unit on this bus: it is reported stale");
  assert.deepEqual(last.measurements.staleNodes, ["contactorUnit"]);
  assert.equal(findPoint("pack.current")!.read(last), 20);
  assert.equal(findPoint("cell.voltageMax")!.read(last), 3.302);
  assert.equal(findPoint("cell.voltageMaxModule")!.read(last), 2);
  assert.equal(findPoint("cell.voltageMaxCell")!.read(last), 2);
  assert.equal(findPoint("temperature.max")!.read(last), 26);
  const status = pipeline.status();
  assert.equal(status.frameSources.bmu1.frames, 30 * 2 + 3 * 2);
  assert.deepEqual(status.frameSources.bmu1.errors, {});
});

test("when the frames stop, the snapshot goes stale within the timeout, not frozen", () => {
  const { snapshots } = run(3, 1500);
  const at = (ms: number) => snapshots.find((s) => s.timeMs - 1_700_000_000_000 >= ms)!;
  assert.equal(findPoint("pack.current")!.read(at(1500)), 20);
  assert.equal(findPoint("pack.current")!.read(at(1900)), null);
  assert.equal(findPoint("cell.voltageMax")!.read(at(2100)), null);
  assert.ok(at(2100).measurements.staleNodes.includes("bmu1"));
});

test("a failing snapshot listener is counted and the cycle goes on", () => {
  const scheduler = new SimScheduler();
  const pipeline = new BcuPipeline({ config: smallRackConfig, scheduler, log: silentLogger, transport: null });
  pipeline.start();
  pipeline.onSnapshot("broken", () => {
    throw new Error("boom");
  });
  scheduler.runFor(1000);
  assert.equal(pipeline.status().cycles, 10);
  assert.equal(pipeline.status().listenerErrors, 10);
});

test("bad frames are counted per node and reason, and change nothing", () => {
  const scheduler = new SimScheduler();
  const pipeline = new BcuPipeline({ config: smallRackConfig, scheduler, log: silentLogger, transport: null });
  pipeline.start();
  const t = scheduler.nowMs();
  pipeline.receive({ id: 0x201, data: new Uint8Array([0, 1, 2]), timestampMs: t });
  pipeline.receive({ id: 0x7ff, data: new Uint8Array(8), timestampMs: t });
  scheduler.runFor(100);
  const { frameSources } = pipeline.status();
  assert.equal(frameSources.bmu1.errors.wrongDlc, 1);
  assert.equal(frameSources.unknown.errors.unknownId, 1);
  assert.equal(pipeline.latest()!.measurements.validCellCount, 0);
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { RealScheduler } from "../../src/time/real-scheduler.ts";
import { SchedulerError } from "../../src/time/scheduler-error.ts";

// These tests run for a few hundred ms of wall time and check ordering and behaviour, never durations.
describe("RealScheduler", () => {
  it("runs one-shot tasks in due-time order and periodic tasks on their grid, then close() stops everything", async () => {
    const errors: unknown[] = [];
    const scheduler = new RealScheduler({ onError: (error) => errors.push(error) });
    const seen: string[] = [];
    const t0 = scheduler.nowMs();
    scheduler.at(t0 + 90, () => seen.push("c"));
    scheduler.at(t0 + 10, () => seen.push("a"));
    scheduler.at(t0 + 50, () => seen.push("b"));
    scheduler.at(t0 - 1000, () => seen.push("past"));
    const cancelled = scheduler.at(t0 + 20, () => seen.push("cancelled"));
    cancelled();

    const ticks: number[] = [];
    const nowAtTicks: number[] = [];
    scheduler.every(
      20,
      () => {
        ticks.push(ticks.length);
        nowAtTicks.push(scheduler.nowMs());
      },
      5,
    );
    assert.equal(scheduler.pendingCount, 5);

    await sleep(250);
    assert.deepEqual(seen, ["past", "a", "b", "c"]);
    assert.ok(ticks.length >= 3, `periodic task ran ${ticks.length} times in 250 ms`);
    for (let i = 1; i < nowAtTicks.length; i++) assert.ok(nowAtTicks[i] >= nowAtTicks[i - 1], "time never goes back");

    scheduler.close();
    assert.equal(scheduler.pendingCount, 0);
    const ticksAtClose = ticks.length;
    const cancelAfterClose = scheduler.at(scheduler.nowMs(), () => seen.push("after close"));
    cancelAfterClose();
    await sleep(60);
    assert.equal(ticks.length, ticksAtClose, "no periodic run after close()");
    assert.deepEqual(seen, ["past", "a", "b", "c"]);
    assert.deepEqual(errors, []);
    scheduler.close(); // idempotent
  });

  it("reports a throwing task to onError and keeps its period going", async () => {
    const errors: unknown[] = [];
    const scheduler = new RealScheduler({ onError: (error) => errors.push(error) });
    let runs = 0;
    scheduler.every(10, () => {
      runs++;
      throw new Error(`listener failed on run ${runs}`);
    });
    scheduler.at(scheduler.nowMs() + 5, () => {
      throw new Error("one-shot failed");
    });
    await sleep(150);
    scheduler.close();
    assert.ok(runs >= 3, `the failing periodic task kept running (${runs} runs)`);
    assert.equal(errors.length, runs + 1);
    assert.match(String(errors[0]), /one-shot failed/);
    assert.match(String(errors[1]), /listener failed on run 1/);
    assert.match(String(errors[2]), /listener failed on run 2/);
  });

  it("survives an onError handler that throws", async () => {
    const scheduler = new RealScheduler({
      onError: () => {
        throw new Error("handler broken");
      },
    });
    let runs = 0;
    scheduler.every(10, () => {
      runs++;
      throw new Error("task broken");
    });
    await sleep(80);
    scheduler.close();
    assert.ok(runs >= 2, `still running after the handler threw (${runs} runs)`);
  });

  it("cancels a periodic task from inside itself", async () => {
    const scheduler = new RealScheduler({ onError: (error) => assert.fail(String(error)) });
    let runs = 0;
    const cancel = scheduler.every(5, () => {
      runs++;
      if (runs === 2) cancel();
    });
    await sleep(80);
    assert.equal(runs, 2);
    assert.equal(scheduler.pendingCount, 0);
    scheduler.close();
  });

  it("rejects bad periods", () => {
    const scheduler = new RealScheduler({ onError: () => {} });
    assert.throws(() => scheduler.every(-5, () => {}), SchedulerError);
    assert.throws(() => scheduler.every(10, () => {}, -1), /expected phaseMs to be a finite number >= 0, got -1/);
    scheduler.close();
  });
});

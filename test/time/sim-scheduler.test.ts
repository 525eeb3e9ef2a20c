import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_SIM_EPOCH_MS, SimScheduler } from "../../src/time/sim-scheduler.ts";
import { SchedulerError } from "../../src/time/scheduler-error.ts";

describe("SimScheduler", () => {
  it("starts at the default epoch or a given one, and time moves only when run", () => {
    assert.equal(new SimScheduler().nowMs(), DEFAULT_SIM_EPOCH_MS);
    const sim = new SimScheduler(1000);
    assert.equal(sim.nowMs(), 1000);
    sim.runFor(250);
    assert.equal(sim.nowMs(), 1250);
    sim.runUntil(2000);
    assert.equal(sim.nowMs(), 2000);
    sim.runUntil(1500); // never backwards
    assert.equal(sim.nowMs(), 2000);
  });

  it("runs tasks by due time, ties in scheduling order, and sees its due time as now", () => {
    const sim = new SimScheduler(0);
    const seen: string[] = [];
    const log = (name: string) => () => seen.push(`${name}@${sim.nowMs()}`);
    sim.at(30, log("c"));
    sim.at(10, log("a"));
    sim.at(20, log("b1"));
    sim.at(20, log("b2"));
    sim.at(20, log("b3"));
    sim.runUntil(25);
    assert.deepEqual(seen, ["a@10", "b1@20", "b2@20", "b3@20"]);
    assert.equal(sim.nowMs(), 25);
    assert.equal(sim.pendingCount, 1);
    sim.runUntil(30);
    assert.deepEqual(seen.at(-1), "c@30");
    assert.equal(sim.pendingCount, 0);
  });

  it("runs a task scheduled in the past at the current time", () => {
    const sim = new SimScheduler(500);
    let ranAt = -1;
    sim.at(100, () => (ranAt = sim.nowMs()));
    assert.equal(ranAt, -1, "at() never runs synchronously");
    sim.runFor(0);
    assert.equal(ranAt, 500);
  });

  it("every() starts one period (or the phase) after now", () => {
    const sim = new SimScheduler(0);
    const a: number[] = [];
    const b: number[] = [];
    sim.every(100, () => a.push(sim.nowMs()));
    sim.every(100, () => b.push(sim.nowMs()), 0);
    sim.runUntil(300);
    assert.deepEqual(a, [100, 200, 300]);
    assert.deepEqual(b, [0, 100, 200, 300]);
  });

  it("does not drift over 1 M periods, even with a period that is not a binary fraction", () => {
    const sim = new SimScheduler(0);
    const periodMs = 1 / 3;
    let runs = 0;
    let mismatches = 0;
    let worstError_ms = 0;
    sim.every(periodMs, () => {
      // The grid is first + k * period, computed (one rounding), never accumulated.
      if (sim.nowMs() !== periodMs + runs * periodMs) mismatches++;
      runs++;
      worstError_ms = Math.max(worstError_ms, Math.abs(sim.nowMs() - (runs * 1) / 3));
    });
    sim.runUntil(periodMs + 999_999 * periodMs);
    assert.equal(runs, 1_000_000);
    assert.equal(mismatches, 0);
    assert.ok(worstError_ms < 1e-9, `worst deviation from the exact grid ${worstError_ms} ms`);
    // Accumulating `previous + period` would have drifted from the grid by now:
    let accumulated = 0;
    for (let i = 0; i < 1_000_000; i++) accumulated += periodMs;
    assert.notEqual(accumulated, 1_000_000 * periodMs);
  });

  it("keeps integer periods exact from a real epoch over 1 M periods", () => {
    const sim = new SimScheduler();
    let last = 0;
    let runs = 0;
    sim.every(100, () => {
      runs++;
      last = sim.nowMs();
    });
    sim.runFor(100 * 1_000_000);
    assert.equal(runs, 1_000_000);
    assert.equal(last, DEFAULT_SIM_EPOCH_MS + 100 * 1_000_000);
    assert.equal(sim.tasksRun, 1_000_000);
  });

  it("runs tasks scheduled from inside a task, including at the same time", () => {
    const sim = new SimScheduler(0);
    const seen: string[] = [];
    sim.at(10, () => {
      seen.push("outer");
      sim.at(10, () => seen.push("same-time"));
      sim.at(15, () => seen.push("later"));
      sim.every(5, () => seen.push(`periodic@${sim.nowMs()}`));
    });
    sim.at(10, () => seen.push("sibling"));
    sim.runUntil(20);
    assert.deepEqual(seen, ["outer", "sibling", "same-time", "later", "periodic@15", "periodic@20"]);
  });

  it("cancels pending, periodic and self-cancelling tasks; cancel is idempotent", () => {
    const sim = new SimScheduler(0);
    const seen: number[] = [];
    const cancelA = sim.at(10, () => seen.push(1));
    sim.at(20, () => seen.push(2));
    let ticks = 0;
    const cancelPeriodic = sim.every(1, () => {
      ticks++;
      if (ticks === 3) cancelPeriodic();
    });
    assert.equal(sim.pendingCount, 3);
    cancelA();
    cancelA();
    assert.equal(sim.pendingCount, 2);
    sim.runUntil(100);
    assert.deepEqual(seen, [2]);
    assert.equal(ticks, 3);
    assert.equal(sim.pendingCount, 0);
  });

  it("lets a task's error out of runUntil and stays consistent", () => {
    const sim = new SimScheduler(0);
    const seen: number[] = [];
    let n = 0;
    sim.every(10, () => {
      n++;
      seen.push(sim.nowMs());
      if (n === 2) throw new Error("boom at 20");
    });
    sim.at(25, () => seen.push(-25));
    assert.throws(() => sim.runUntil(50), /boom at 20/);
    assert.equal(sim.nowMs(), 20);
    assert.equal(sim.pendingCount, 2);
    sim.runUntil(50);
    assert.deepEqual(seen, [10, 20, -25, 30, 40, 50]);
  });

  it("refuses a nested run and bad arguments with a SchedulerError", () => {
    const sim = new SimScheduler(0);
    let nestedError: unknown;
    sim.at(1, () => {
      try {
        sim.runFor(10);
      } catch (error) {
        nestedError = error;
      }
    });
    sim.runFor(5);
    assert.ok(nestedError instanceof SchedulerError);
    assert.match(String(nestedError), /from inside a scheduled task/);
    assert.throws(() => sim.every(0, () => {}), SchedulerError);
    assert.throws(() => sim.every(Number.NaN, () => {}), /expected periodMs to be a finite number > 0, got NaN/);
    assert.throws(() => sim.at(Number.POSITIVE_INFINITY, () => {}), SchedulerError);
    assert.throws(() => sim.runFor(-1), SchedulerError);
  });

  it("runNext() runs one task at a time and reports an empty queue", () => {
    const sim = new SimScheduler(0);
    assert.equal(sim.runNext(), false);
    const seen: number[] = [];
    sim.at(7, () => seen.push(sim.nowMs()));
    sim.at(3, () => seen.push(sim.nowMs()));
    assert.equal(sim.nextTaskTimeMs, 3);
    assert.equal(sim.runNext(), true);
    assert.deepEqual(seen, [3]);
    assert.equal(sim.runNext(), true);
    assert.equal(sim.runNext(), false);
    assert.deepEqual(seen, [3, 7]);
    assert.equal(sim.nextTaskTimeMs, undefined);
  });

  it("matches a sorted reference under random scheduling and cancelling", () => {
    const trace = (seed: number): string[] => {
      let state = seed;
      const random = (): number => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state / 2147483648;
      };
      const sim = new SimScheduler(0);
      const seen: string[] = [];
      const expected: { timeMs: number; order: number; name: string }[] = [];
      const cancels: { cancel: () => void; name: string }[] = [];
      for (let i = 0; i < 2000; i++) {
        const timeMs = Math.floor(random() * 500);
        const name = `t${i}`;
        cancels.push({ cancel: sim.at(timeMs, () => seen.push(`${name}@${sim.nowMs()}`)), name });
        expected.push({ timeMs, order: i, name });
      }
      const cancelled = new Set<string>();
      for (const { cancel, name } of cancels) {
        if (random() < 0.3) {
          cancel();
          cancelled.add(name);
        }
      }
      sim.runUntil(1000);
      const reference = expected
        .filter((e) => !cancelled.has(e.name))
        .sort((a, b) => a.timeMs - b.timeMs || a.order - b.order)
        .map((e) => `${e.name}@${e.timeMs}`);
      assert.deepEqual(seen, reference);
      return seen;
    };
    assert.deepEqual(trace(42), trace(42), "same program, same run");
    assert.notDeepEqual(trace(42), trace(43));
  });
});

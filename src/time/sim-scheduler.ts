import type { Cancel, Scheduler } from "./scheduler.ts";
import { SchedulerError, assertValidPeriod, assertValidTime } from "./scheduler-error.ts";

/** Default start of simulated time: 2023-11-14T22:13:20Z, a round Unix epoch in ms. */
export const DEFAULT_SIM_EPOCH_MS = 1_700_000_000_000;

/**
 * One scheduled task. A periodic task is the same object for its whole life: it is re-armed in place, so a run
 * allocates nothing. Its due time is `firstMs + runs * periodMs`, computed from the start each time rather than
 * accumulated, so fractional periods do not drift either.
 */
class SimTask {
  heapIndex = -1;
  runs = 0;
  constructor(
    readonly task: () => void,
    public timeMs: number,
    public seq: number,
    readonly firstMs: number,
    /** 0 for a one-shot task. */
    readonly periodMs: number,
  ) {}
}

/**
 * Simulated time: tasks run in order of (due time, scheduling sequence), so the same program gives the same run
 * every time. Time only moves inside `runUntil`/`runFor`/`runNext`; during a task `nowMs()` is its due time.
 *
 * The queue is a binary min-heap; cancelling removes the task at once (a watchdog re-armed on every frame leaves
 * nothing behind). A task that throws propagates out of the run call; the queue is already consistent at that
 * point (a periodic task is re-armed before it runs), so the caller may simply run again.
 */
export class SimScheduler implements Scheduler {
  private now: number;
  private nextSeq = 0;
  private readonly heap: SimTask[] = [];
  private running = false;
  private tasksRunCount = 0;

  constructor(epochMs: number = DEFAULT_SIM_EPOCH_MS) {
    assertValidTime(epochMs);
    this.now = epochMs;
  }

  nowMs(): number {
    return this.now;
  }

  /** Tasks waiting to run (one per periodic task). */
  get pendingCount(): number {
    return this.heap.length;
  }

  /** Task runs since construction (for benchmarks and sanity checks). */
  get tasksRun(): number {
    return this.tasksRunCount;
  }

  /** Due time of the next task, or undefined when nothing is scheduled. */
  get nextTaskTimeMs(): number | undefined {
    return this.heap.length > 0 ? this.heap[0].timeMs : undefined;
  }

  every(periodMs: number, task: () => void, phaseMs?: number): Cancel {
    assertValidPeriod(periodMs, phaseMs);
    const firstMs = this.now + (phaseMs ?? periodMs);
    return this.schedule(new SimTask(task, firstMs, this.nextSeq++, firstMs, periodMs));
  }

  at(timeMs: number, task: () => void): Cancel {
    assertValidTime(timeMs);
    const dueMs = timeMs < this.now ? this.now : timeMs;
    return this.schedule(new SimTask(task, dueMs, this.nextSeq++, dueMs, 0));
  }

  /** Runs every task due at or before `timeMs`, in order, then sets the time to `timeMs` (if later than now). */
  runUntil(timeMs: number): void {
    assertValidTime(timeMs);
    this.enterRun("runUntil");
    try {
      const heap = this.heap;
      while (heap.length > 0 && heap[0].timeMs <= timeMs) this.runTop(heap[0]);
      if (timeMs > this.now) this.now = timeMs;
    } finally {
      this.running = false;
    }
  }

  /** Runs the next `durationMs` of simulated time. */
  runFor(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) {
      throw new SchedulerError(`runFor(): expected durationMs to be a finite number >= 0, got ${String(durationMs)}`);
    }
    this.runUntil(this.now + durationMs);
  }

  /** Runs the earliest task (advancing time to it). Returns false when nothing is scheduled. */
  runNext(): boolean {
    if (this.heap.length === 0) return false;
    this.enterRun("runNext");
    try {
      this.runTop(this.heap[0]);
    } finally {
      this.running = false;
    }
    return true;
  }

  private enterRun(method: string): void {
    if (this.running) {
      throw new SchedulerError(`${method}() was called from inside a scheduled task; schedule work with at() instead`);
    }
    this.running = true;
  }

  private runTop(top: SimTask): void {
    this.now = top.timeMs;
    if (top.periodMs > 0) {
      // Re-arm before running: if the task throws or cancels itself, the queue is already right.
      top.runs++;
      top.timeMs = top.firstMs + top.runs * top.periodMs;
      top.seq = this.nextSeq++;
      this.siftDown(0);
    } else {
      this.removeAt(0);
    }
    this.tasksRunCount++;
    top.task();
  }

  private schedule(entry: SimTask): Cancel {
    entry.heapIndex = this.heap.length;
    this.heap.push(entry);
    this.siftUp(entry.heapIndex);
    return () => {
      if (entry.heapIndex >= 0) this.removeAt(entry.heapIndex);
    };
  }

  private removeAt(index: number): void {
    const heap = this.heap;
    const removed = heap[index];
    const last = heap.pop() as SimTask;
    removed.heapIndex = -1;
    if (index < heap.length) {
      heap[index] = last;
      last.heapIndex = index;
      this.siftDown(index);
      this.siftUp(last.heapIndex);
    }
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const entry = heap[index];
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent.timeMs < entry.timeMs || (parent.timeMs === entry.timeMs && parent.seq < entry.seq)) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const entry = heap[index];
    while (true) {
      let child = 2 * index + 1;
      if (child >= length) break;
      let childEntry = heap[child];
      const right = child + 1;
      if (right < length) {
        const rightEntry = heap[right];
        if (
          rightEntry.timeMs < childEntry.timeMs ||
          (rightEntry.timeMs === childEntry.timeMs && rightEntry.seq < childEntry.seq)
        ) {
          child = right;
          childEntry = rightEntry;
        }
      }
      if (entry.timeMs < childEntry.timeMs || (entry.timeMs === childEntry.timeMs && entry.seq < childEntry.seq)) break;
      heap[index] = childEntry;
      childEntry.heapIndex = index;
      index = child;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }
}

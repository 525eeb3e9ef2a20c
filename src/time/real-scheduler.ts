import type { Cancel, Scheduler } from "./scheduler.ts";
import { assertValidPeriod, assertValidTime } from "./scheduler-error.ts";

/** Receives an error thrown by a scheduled task; the task keeps its period. */
export type TaskErrorHandler = (error: unknown) => void;

export interface RealSchedulerOptions {
  /** Called with whatever a task throws. Required: a daemon must say where task failures go. */
  readonly onError: TaskErrorHandler;
}

/** One armed task. The `fire` callback is bound once, so re-arming allocates only Node's timer. */
class RealTask {
  timer: NodeJS.Timeout | undefined;
  runs = 0;
  cancelled = false;
  readonly fire: () => void;
  constructor(
    readonly task: () => void,
    readonly firstMs: number,
    /** 0 for a one-shot task. */
    readonly periodMs: number,
    onFire: (entry: RealTask) => void,
  ) {
    this.fire = () => onFire(this);
  }
  get dueMs(): number {
    return this.firstMs + this.runs * this.periodMs;
  }
}

/**
 * Wall-clock time on Node timers. Periodic tasks are re-armed against absolute due times
 * (`first + n * period`), so the delay of one run never shifts the next. When the process stalled past one or more
 * due times (a blocked loop, a suspended machine), the missed runs are skipped, not replayed in a burst: the next
 * run is the next due time still in the future, on the same grid.
 *
 * A task that throws is reported to `onError` and keeps its period: a failing listener never stops the loop.
 * After `close()` nothing runs any more, and `every`/`at` schedule nothing (they return a no-op cancel).
 */
export class RealScheduler implements Scheduler {
  private readonly tasks = new Set<RealTask>();
  private readonly onError: TaskErrorHandler;
  private closed = false;
  private readonly fireTask = (entry: RealTask): void => this.onFire(entry);

  constructor(options: RealSchedulerOptions) {
    this.onError = options.onError;
  }

  nowMs(): number {
    return Date.now();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Tasks armed (one per periodic task). */
  get pendingCount(): number {
    return this.tasks.size;
  }

  every(periodMs: number, task: () => void, phaseMs?: number): Cancel {
    assertValidPeriod(periodMs, phaseMs);
    return this.schedule(new RealTask(task, Date.now() + (phaseMs ?? periodMs), periodMs, this.fireTask));
  }

  at(timeMs: number, task: () => void): Cancel {
    assertValidTime(timeMs);
    return this.schedule(new RealTask(task, timeMs, 0, this.fireTask));
  }

  /** Cancels every task. Idempotent. */
  close(): void {
    this.closed = true;
    for (const entry of this.tasks) this.cancel(entry);
  }

  private schedule(entry: RealTask): Cancel {
    if (this.closed) return noop;
    this.tasks.add(entry);
    this.arm(entry);
    return () => this.cancel(entry);
  }

  private arm(entry: RealTask): void {
    entry.timer = setTimeout(entry.fire, Math.max(0, entry.dueMs - Date.now()));
  }

  private cancel(entry: RealTask): void {
    entry.cancelled = true;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    this.tasks.delete(entry);
  }

  private onFire(entry: RealTask): void {
    entry.timer = undefined;
    if (entry.periodMs === 0) this.tasks.delete(entry);
    try {
      entry.task();
    } catch (error) {
      this.report(error);
    }
    if (entry.periodMs === 0 || entry.cancelled || this.closed) return;
    const nowMs = Date.now();
    entry.runs++;
    if (entry.dueMs <= nowMs) {
      // Behind schedule: skip to the first due time after now, keeping the phase.
      entry.runs = Math.floor((nowMs - entry.firstMs) / entry.periodMs) + 1;
    }
    this.arm(entry);
  }

  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // An error handler that throws must not take the timer loop down with it; nothing better can be done here.
    }
  }
}

const noop: Cancel = () => {};

/** Thrown by schedulers for a call that cannot be honoured: a bad period or time, or a nested run. */
export class SchedulerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SchedulerError";
  }
}

/** Checks `every()`'s arguments; the message says what was expected and what was given. */
export function assertValidPeriod(periodMs: number, phaseMs: number | undefined): void {
  if (!Number.isFinite(periodMs) || periodMs <= 0) {
    throw new SchedulerError(`every(): expected periodMs to be a finite number > 0, got ${String(periodMs)}`);
  }
  if (phaseMs !== undefined && (!Number.isFinite(phaseMs) || phaseMs < 0)) {
    throw new SchedulerError(`every(): expected phaseMs to be a finite number >= 0, got ${String(phaseMs)}`);
  }
}

export function assertValidTime(timeMs: number): void {
  if (!Number.isFinite(timeMs)) {
    throw new SchedulerError(`at(): expected timeMs to be a finite number, got ${String(timeMs)}`);
  }
}

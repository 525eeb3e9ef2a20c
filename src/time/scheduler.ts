/** Cancels a scheduled task. Idempotent. */
export type Cancel = () => void;

/**
 * Time and timers behind one interface, so the same devices, simulator and daemon loop run in real time
 * (wall clock, Node timers) or in simulated time as fast as the CPU allows (tests, `bcu sim`).
 */
export interface Scheduler {
  /** Current time in ms (Unix epoch for the real scheduler; simulated ms, starting at a chosen epoch, for the simulated one). */
  nowMs(): number;
  /** Runs `task` every `periodMs`, first at now + (`phaseMs` ?? `periodMs`). Periods do not drift. */
  every(periodMs: number, task: () => void, phaseMs?: number): Cancel;
  /** Runs `task` once at `timeMs` (at once, on the next turn, if it is in the past). */
  at(timeMs: number, task: () => void): Cancel;
}

import type { BcuEvent } from "../bcu/events.ts";
import { describeError } from "./errors.ts";

/** The `persistence` alarm as the snapshot and the northbound servers should show it. */
export interface PersistenceAlarm {
  readonly id: "persistence";
  /** 0 while the database is written; `store.failureAlarmLevel` while it is not. */
  readonly level: 0 | 1 | 2;
  readonly sinceMs: number | null;
  /** The latest failure in words, or "". */
  readonly reason: string;
}

export type PersistenceListener = (alarm: PersistenceAlarm) => void;

/**
 * Whether the database can be written, and the alarm transitions that go with it. A failure never throws to the
 * caller: the BCU keeps protecting the rack, and the failure is an alarm (raised once, cleared once).
 */
export class PersistenceHealth {
  private failingSinceMs: number | null = null;
  private lastFailureMs = -Infinity;
  private reason = "";
  private readonly listeners = new Set<PersistenceListener>();
  failures = 0;

  constructor(private readonly failureLevel: 1 | 2) {}

  get ok(): boolean {
    return this.failingSinceMs === null;
  }

  alarm(): PersistenceAlarm {
    return {
      id: "persistence",
      level: this.ok ? 0 : this.failureLevel,
      sinceMs: this.failingSinceMs,
      reason: this.reason,
    };
  }

  onChange(listener: PersistenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records a failed write; returns the alarm event when this failure raises the alarm. */
  failed(what: string, error: unknown, nowMs: number): BcuEvent | null {
    this.failures++;
    this.lastFailureMs = nowMs;
    this.reason = `${what}: ${describeError(error)}`;
    if (this.failingSinceMs !== null) return null;
    this.failingSinceMs = nowMs;
    this.notify();
    return {
      timeMs: nowMs,
      kind: "alarmRaised",
      source: "persistence",
      level: this.failureLevel,
      message: `cannot write the database (${this.reason}); protection continues, events are kept in memory until it works again`,
    };
  }

  /**
   * Clears the alarm once writes have gone on for `quiet_ms` without a failure, and returns the clearing event.
   * The quiet time keeps a nearly full disk (some writes fit, others do not) from flapping the alarm.
   */
  settle(nowMs: number, quiet_ms: number): BcuEvent | null {
    if (this.failingSinceMs === null || nowMs - this.lastFailureMs < quiet_ms) return null;
    const downFor_s = Math.round((nowMs - this.failingSinceMs) / 1000);
    this.failingSinceMs = null;
    this.reason = "";
    this.notify();
    return {
      timeMs: nowMs,
      kind: "alarmCleared",
      source: "persistence",
      level: 0,
      message: `the database is written again after ${downFor_s} s`,
    };
  }

  private notify(): void {
    const alarm = this.alarm();
    for (const listener of this.listeners) {
      try {
        listener(alarm);
      } catch {
        // A listener's failure is its own; the store's health does not depend on it.
      }
    }
  }
}

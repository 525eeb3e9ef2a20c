/**
 * Supervision of the heartbeat counter the PCS writes. Pure: time is passed in. The PCS is lost when its
 * counter has not changed for `timeout_ms` (counted from start-up until the first write), and found again at
 * the next change.
 */
export type HeartbeatTransition = "lost" | "restored" | null;

export class PcsHeartbeatSupervisor {
  private lastValue: number | null = null;
  private lastChangeMs: number;
  private isLost = false;

  constructor(
    private readonly timeout_ms: number,
    startMs: number,
  ) {
    this.lastChangeMs = startMs;
  }

  get lost(): boolean {
    return this.isLost;
  }

  /** A value the PCS wrote. Writing the same value again is not a sign of life. */
  observe(value: number, nowMs: number): HeartbeatTransition {
    if (value === this.lastValue) return null;
    this.lastValue = value;
    this.lastChangeMs = nowMs;
    if (!this.isLost) return null;
    this.isLost = false;
    return "restored";
  }

  /** Call periodically; says "lost" once when the timeout has run out. */
  check(nowMs: number): HeartbeatTransition {
    if (this.isLost || nowMs - this.lastChangeMs < this.timeout_ms) return null;
    this.isLost = true;
    return "lost";
  }
}

import type { StoreDatabase } from "./database.ts";

/** One component's persisted state as stored: a versioned JSON value with the rack and the time it belongs to. */
export interface PersistedComponent {
  readonly component: string;
  /** The component's own format version (e.g. `PersistedEstimation.version`). */
  readonly version: number;
  readonly rackFingerprint: string;
  /** Time of the state (BCU time, epoch ms). */
  readonly timeMs: number;
  readonly data: unknown;
}

/** Why a persisted component was not restored, in words for the event log. */
export type RestoreVerdict =
  | { readonly restored: true; readonly component: PersistedComponent; readonly age_s: number }
  | { readonly restored: false; readonly component: string; readonly reason: string };

/** Reads and writes the `state` table. Every write replaces the components given, all in one transaction. */
export class StateTable {
  private readonly upsert;
  private readonly selectAll;

  constructor(private readonly db: StoreDatabase) {
    this.upsert = db.prepare(
      `INSERT INTO state (component, version, rack_fingerprint, time_ms, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (component) DO UPDATE SET version = excluded.version, rack_fingerprint = excluded.rack_fingerprint,
         time_ms = excluded.time_ms, data = excluded.data`,
    );
    this.selectAll = db.prepare("SELECT component, version, rack_fingerprint, time_ms, data FROM state");
  }

  /** Writes `rows` (data already serialised to JSON) atomically. */
  write(
    rows: readonly { component: string; version: number; rackFingerprint: string; timeMs: number; json: string }[],
  ): void {
    this.db.transaction(() => {
      for (const row of rows) this.upsert.run(row.component, row.version, row.rackFingerprint, row.timeMs, row.json);
    })();
  }

  readAll(): PersistedComponent[] {
    const rows = this.selectAll.all() as {
      component: string;
      version: number;
      rack_fingerprint: string;
      time_ms: number;
      data: string;
    }[];
    return rows.map((row) => ({
      component: row.component,
      version: row.version,
      rackFingerprint: row.rack_fingerprint,
      timeMs: row.time_ms,
      data: JSON.parse(row.data) as unknown,
    }));
  }
}

/**
 * Decides which persisted components may be used at start: only those of the same rack configuration and no
 * older than `maxAge_ms` (nor from the future: a clock that went backwards makes the age unknowable).
 */
export function judgePersisted(
  components: readonly PersistedComponent[],
  rackFingerprint: string,
  nowMs: number,
  maxAge_ms: number,
): RestoreVerdict[] {
  return components.map((component) => {
    const age_ms = nowMs - component.timeMs;
    if (component.rackFingerprint !== rackFingerprint) {
      return { restored: false, component: component.component, reason: "written for another rack configuration" };
    }
    if (age_ms < 0) {
      return {
        restored: false,
        component: component.component,
        reason: `its time is ${Math.round(-age_ms / 1000)} s in the future (clock set back?)`,
      };
    }
    if (age_ms > maxAge_ms) {
      return {
        restored: false,
        component: component.component,
        reason: `${Math.round(age_ms / 1000)} s old, more than store.stateMaxAge_s (${Math.round(maxAge_ms / 1000)} s)`,
      };
    }
    return { restored: true, component, age_s: age_ms / 1000 };
  });
}

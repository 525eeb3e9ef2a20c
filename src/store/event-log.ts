import type { BcuEvent, BcuEventKind } from "../bcu/events.ts";
import type { StoreDatabase } from "./database.ts";

/** An event as the log returns it: with its sequence number (ids only grow; a gap is an event deleted by retention). */
export interface LoggedEvent extends BcuEvent {
  readonly id: number;
}

export interface EventQuery {
  /** Only events at or after this time (epoch ms). */
  readonly sinceMs?: number;
  readonly untilMs?: number;
  /** Only events of at least this level. */
  readonly minLevel?: 0 | 1 | 2 | 3;
  /** At most this many, the newest ones (returned oldest first). */
  readonly limit?: number;
}

interface EventRow {
  id: number;
  time_ms: number;
  kind: string;
  source: string;
  level: number;
  message: string;
  value: number | null;
  threshold: number | null;
  unit: string | null;
  origin: string | null;
}

/** The append-only event log (`events` table). */
export class EventLog {
  private readonly insert;

  constructor(private readonly db: StoreDatabase) {
    this.insert = db.prepare(
      `INSERT INTO events (time_ms, kind, source, level, message, value, threshold, unit, origin)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * Appends `events` in one transaction and returns their ids. When it returns, they are on the disk
   * (synchronous = FULL): that is what "acknowledged" means.
   */
  append(events: readonly BcuEvent[]): number[] {
    if (events.length === 0) return [];
    return this.db.transaction(() =>
      events.map((e) => {
        const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);
        const info = this.insert.run(
          Math.round(e.timeMs),
          e.kind,
          e.source,
          e.level,
          e.message,
          finite(e.value),
          finite(e.threshold),
          e.unit ?? null,
          e.origin ?? null,
        );
        return Number(info.lastInsertRowid);
      }),
    )();
  }

  /** Deletes events older than `beforeMs` and the oldest beyond `maxRows`. Returns how many went. */
  applyRetention(beforeMs: number, maxRows: number): number {
    return this.db.transaction(() => {
      let deleted = this.db.prepare("DELETE FROM events WHERE time_ms < ?").run(beforeMs).changes;
      deleted += this.db
        .prepare("DELETE FROM events WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ?)")
        .run(maxRows).changes;
      return deleted;
    })();
  }
}

/** Reads the event log (the daemon's or the CLI's read-only connection). */
export function queryEvents(db: StoreDatabase, query: EventQuery = {}): LoggedEvent[] {
  const where: string[] = [];
  const params: number[] = [];
  if (query.sinceMs !== undefined) {
    where.push("time_ms >= ?");
    params.push(query.sinceMs);
  }
  if (query.untilMs !== undefined) {
    where.push("time_ms <= ?");
    params.push(query.untilMs);
  }
  if (query.minLevel !== undefined) {
    where.push("level >= ?");
    params.push(query.minLevel);
  }
  const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
  const limit = query.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(query.limit))}` : "";
  const rows = db
    .prepare(`SELECT * FROM (SELECT * FROM events ${filter} ORDER BY id DESC ${limit}) ORDER BY id`)
    .all(...params) as EventRow[];
  return rows.map(rowToEvent);
}

function rowToEvent(row: EventRow): LoggedEvent {
  return {
    id: row.id,
    timeMs: row.time_ms,
    kind: row.kind as BcuEventKind,
    source: row.source,
    level: row.level as 0 | 1 | 2 | 3,
    message: row.message,
    ...(row.value !== null ? { value: row.value } : {}),
    ...(row.threshold !== null ? { threshold: row.threshold } : {}),
    ...(row.unit !== null ? { unit: row.unit } : {}),
    ...(row.origin !== null ? { origin: row.origin } : {}),
  };
}

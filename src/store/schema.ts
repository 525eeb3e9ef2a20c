import type Database from "better-sqlite3";

/**
 * The database schema as numbered migrations. `PRAGMA user_version` holds the version a file is at; opening it
 * runs the missing steps in order, each in its own transaction (a crash mid-migration leaves the previous
 * version). Never edit a released step: add one.
 *
 * Times are Unix epoch milliseconds (`time_ms`). Trend values are packed arrays (see trend-codec.ts) whose
 * meaning a `trend_layout` row gives: one row per sample, not one row per value.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: "state, events, trends",
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

      -- One row per component ("estimation", "protection", "counters"): the latest persisted state as JSON.
      CREATE TABLE state (
        component TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        rack_fingerprint TEXT NOT NULL,
        time_ms INTEGER NOT NULL,
        data TEXT NOT NULL
      ) STRICT;

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time_ms INTEGER NOT NULL,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
        message TEXT NOT NULL,
        value REAL,
        threshold REAL,
        unit TEXT,
        origin TEXT
      ) STRICT;
      CREATE INDEX events_time ON events (time_ms);
      -- Append-only: an event once written is never changed (retention deletes whole rows, oldest first).
      CREATE TRIGGER events_append_only BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

      -- What the packed arrays of a trend row mean: kind 'pack' lists point ids, kind 'cells' the topology.
      CREATE TABLE trend_layout (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        items TEXT NOT NULL,
        UNIQUE (kind, items)
      ) STRICT;

      CREATE TABLE pack_trend (
        time_ms INTEGER PRIMARY KEY,
        layout_id INTEGER NOT NULL REFERENCES trend_layout (id),
        vals BLOB NOT NULL
      ) STRICT;

      -- One row per minute: count, min, mean and max of each point over the minute starting at time_ms.
      CREATE TABLE pack_trend_minute (
        time_ms INTEGER PRIMARY KEY,
        layout_id INTEGER NOT NULL REFERENCES trend_layout (id),
        samples INTEGER NOT NULL,
        min BLOB NOT NULL,
        mean BLOB NOT NULL,
        max BLOB NOT NULL
      ) STRICT;

      CREATE TABLE cell_trend (
        time_ms INTEGER PRIMARY KEY,
        layout_id INTEGER NOT NULL REFERENCES trend_layout (id),
        voltages BLOB NOT NULL,
        temperatures BLOB NOT NULL
      ) STRICT;
    `,
  },
];

export const SCHEMA_VERSION = migrations[migrations.length - 1].version;

/** The schema version of an open database (0: empty). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/** Runs the migrations a database lacks, each in its own transaction. Returns the versions applied. */
export function migrate(db: Database.Database): number[] {
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= schemaVersion(db)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}

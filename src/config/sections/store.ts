import { strictObject } from "../json-schema.ts";
import type { JsonSchema } from "../json-schema.ts";
import { defineSection } from "../section.ts";
import type { SectionIssue } from "../section.ts";

export interface StoreRetentionConfig {
  /** Pack values at `packTrendInterval_s` are kept this long, then only their per-minute aggregates. */
  readonly packTrendFine_days: number;
  /** Per-minute aggregates (min, mean, max) of the pack values. */
  readonly packTrendMinute_days: number;
  readonly cellTrend_days: number;
  readonly event_days: number;
  /** The event log never holds more rows than this: the oldest go first. */
  readonly eventMaxRows: number;
}

export interface StoreConfig {
  /** SQLite file; a relative path is from `daemon.dataDir` (see `storeFilePath`). */
  readonly path: string;
  readonly stateWriteInterval_s: number;
  readonly stateMaxAge_s: number;
  readonly packTrendInterval_s: number;
  /** Catalog point ids recorded in the pack trend; empty = every analog (float) point measured per snapshot (nameplate constants are not trended). */
  readonly packTrendPoints: readonly string[];
  readonly cellTrendInterval_s: number;
  readonly retention: StoreRetentionConfig;
  readonly maintenanceInterval_s: number;
  readonly failureAlarmLevel: 1 | 2;
  readonly retryInterval_s: number;
}

const seconds = (description: string, minimum: number, maximum: number): JsonSchema => ({
  type: "integer",
  minimum,
  maximum,
  unit: "s",
  description,
});
const days = (description: string, maximum: number): JsonSchema => ({
  type: "number",
  exclusiveMinimum: 0,
  maximum,
  unit: "d",
  description,
});

export const storeSection = defineSection<"store", StoreConfig>({
  key: "store",
  schema: strictObject(
    "SQLite persistence: SOC/SOH state, the event log and trends. A failing disk raises an alarm and never stops protection.",
    {
      path: {
        type: "string",
        minLength: 1,
        description:
          "SQLite database file; a relative path is from daemon.dataDir. WAL mode: the -wal and -shm files sit beside it.",
      },
      stateWriteInterval_s: seconds(
        "The persisted state (SOC, capacity, resistance, counters, latched faults) is written when it changed, at most this often, and at shutdown.",
        1,
        3600,
      ),
      stateMaxAge_s: seconds(
        "A persisted state older than this is not restored at start (the SOC is then read from the OCV).",
        60,
        366 * 86400,
      ),
      packTrendInterval_s: seconds("Sampling interval of the pack trend.", 1, 60),
      packTrendPoints: {
        type: "array",
        items: { type: "string", minLength: 1 },
        description:
          "Point ids recorded in the pack trend (`bcu map points`); empty: every analog (float) point measured per snapshot (nameplate constants are not trended; states and alarm levels are in the event log).",
      },
      cellTrendInterval_s: seconds(
        "Sampling interval of the cell trend (every cell voltage and temperature, one row per sample).",
        1,
        3600,
      ),
      retention: strictObject("How long trends and events are kept; older rows are deleted by the maintenance.", {
        packTrendFine_days: days("Pack trend at its full rate.", 3660),
        packTrendMinute_days: days("Pack trend down-sampled to one minute (min, mean, max).", 3660),
        cellTrend_days: days("Cell trend.", 3660),
        event_days: days("Event log, by age.", 3660),
        eventMaxRows: {
          type: "integer",
          minimum: 100,
          maximum: 100_000_000,
          description: "Event log, by size: the oldest events beyond this count are deleted.",
        },
      }),
      maintenanceInterval_s: seconds("How often retention runs (deletes expired rows).", 60, 86400),
      failureAlarmLevel: {
        type: "integer",
        enum: [1, 2],
        description:
          "Level of the `persistence` alarm while the database cannot be written (full disk, read-only directory): 1 warns, 2 also derates.",
      },
      retryInterval_s: seconds("While persistence fails, how often the database is tried again.", 1, 3600),
    },
  ),
  defaults: {
    path: "bcu.sqlite",
    stateWriteInterval_s: 10,
    stateMaxAge_s: 7 * 86400,
    packTrendInterval_s: 1,
    packTrendPoints: [],
    cellTrendInterval_s: 60,
    retention: {
      packTrendFine_days: 7,
      packTrendMinute_days: 366,
      cellTrend_days: 180,
      event_days: 3 * 366,
      eventMaxRows: 1_000_000,
    },
    maintenanceInterval_s: 3600,
    failureAlarmLevel: 1,
    retryInterval_s: 30,
  },
  check: (value): readonly SectionIssue[] =>
    value.retention.packTrendMinute_days < value.retention.packTrendFine_days
      ? [
          {
            path: "retention.packTrendMinute_days",
            reason: "the per-minute pack trend must be kept at least as long as the full-rate one",
          },
        ]
      : [],
});

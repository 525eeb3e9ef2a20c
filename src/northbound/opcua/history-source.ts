import { parseCellPointId, queryCellTrend } from "../../store/cell-trend.ts";
import type { StoreDatabase } from "../../store/database.ts";
import { queryPackTrend, type TrendSample } from "../../store/pack-trend.ts";
import { TrendLayouts } from "../../store/trend-layout.ts";
import { trendedPackPoints } from "../../store/trended-points.ts";

/**
 * What OPC UA historical access reads: the recorded samples of one trended point. Read-only; the samples stay in
 * SQLite and each call reads only what it returns (the server keeps no copy of the history).
 */
export interface HistorySource {
  /** True when `pointId` is recorded: a catalog id of the pack trend, `cell.M.C.voltage`, `sensor.M.S.temperature`. */
  isTrended(pointId: string): boolean;
  /**
   * The samples with `sinceMs <= timeMs <= untilMs`, oldest first (newest first with `newestFirst`), at most
   * `maxValues` of them (0: all). Per-minute aggregates (`min`/`max` set) stand where the full-rate samples have
   * expired. Throws HistoryUnavailableError while the database is not open.
   */
  readPoint(pointId: string, sinceMs: number, untilMs: number, maxValues: number, newestFirst?: boolean): TrendSample[];
}

/** The database is not open (the store is closed, or could not open it): history cannot be read now. */
export class HistoryUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HistoryUnavailableError";
  }
}

/** The first window of a limited read spans this long per value asked (the fastest trend samples once a second). */
const WINDOW_PER_VALUE_MS = 1000;

/**
 * History read from the store's database (`store.database`, or any holder of one), through the store's own trend
 * queries. `packTrendPoints` is the store's configuration (`store.packTrendPoints`), already checked by the store. A limited read walks the range in windows that double in length, so reading the next 1,000 values of a
 * week decodes about 1,000 rows, not the week.
 */
export function storeHistorySource(
  holder: { readonly database: StoreDatabase | null },
  packTrendPoints: readonly string[],
): HistorySource {
  // The store's own rule for what it records (nameplate constants are not trended).
  const packPoints = new Set(trendedPackPoints(packTrendPoints).map((p) => p.id));
  let layouts: { db: StoreDatabase; layouts: TrendLayouts } | null = null;
  const layoutsOf = (db: StoreDatabase): TrendLayouts => {
    if (layouts?.db !== db) layouts = { db, layouts: new TrendLayouts(db) };
    return layouts.layouts;
  };

  return {
    isTrended: (pointId) => packPoints.has(pointId) || parseCellPointId(pointId) !== null,

    readPoint(pointId, sinceMs, untilMs, maxValues, newestFirst = false) {
      const db = holder.database;
      if (db === null) throw new HistoryUnavailableError("the trend database is not open");
      const cell = parseCellPointId(pointId);
      const tables = cell ? ["cell_trend"] : ["pack_trend", "pack_trend_minute"];
      const extent = timeExtent(db, tables);
      if (extent === null) return [];
      let lo = Math.max(Math.ceil(sinceMs), extent.first);
      let hi = Math.min(Math.floor(untilMs), extent.last);
      const read = (a: number, b: number): TrendSample[] => {
        const samples = cell
          ? queryCellTrend(db, layoutsOf(db), cell, a, b)
          : queryPackTrend(db, layoutsOf(db), pointId, a, b, "auto");
        // The pack query starts its per-minute rows at the minute holding `a`: keep the window's own rows only.
        return samples.filter((s) => s.timeMs >= a && s.timeMs <= b);
      };
      if (maxValues <= 0) {
        const all = lo <= hi ? read(lo, hi) : [];
        return newestFirst ? all.reverse() : all;
      }
      const out: TrendSample[] = [];
      let window = Math.max(1, maxValues) * WINDOW_PER_VALUE_MS;
      while (out.length < maxValues && lo <= hi) {
        if (newestFirst) {
          const a = Math.max(lo, hi - window + 1);
          out.push(...read(a, hi).reverse());
          hi = a - 1;
        } else {
          const b = Math.min(hi, lo + window - 1);
          out.push(...read(lo, b));
          lo = b + 1;
        }
        window *= 2;
      }
      return out.slice(0, maxValues);
    },
  };
}

/** The oldest and newest row time over `tables` (their primary keys), or null when all are empty. */
function timeExtent(db: StoreDatabase, tables: readonly string[]): { first: number; last: number } | null {
  let first = Infinity;
  let last = -Infinity;
  for (const table of tables) {
    // Two subqueries: SQLite answers a lone min() or max() from the primary key, not both in one scan.
    const row = db
      .prepare(`SELECT (SELECT min(time_ms) FROM ${table}) AS first, (SELECT max(time_ms) FROM ${table}) AS last`)
      .get() as {
      first: number | null;
      last: number | null;
    };
    if (row.first !== null && row.last !== null) {
      first = Math.min(first, row.first);
      last = Math.max(last, row.last);
    }
  }
  return Number.isFinite(first) ? { first, last } : null;
}

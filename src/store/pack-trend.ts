import type { StoreDatabase } from "./database.ts";
import { decodeFloat32, encodeFloat32, float32At } from "./trend-codec.ts";
import type { TrendLayouts } from "./trend-layout.ts";

export const MINUTE_MS = 60_000;

/**
 * The pack trend: one row per sample with every configured point as a packed float32 array, and its down-sampled
 * form, one row per minute with min, mean and max. A minute is aggregated from the stored samples once a sample
 * of a later minute arrives, and at start for minutes a crash left unaggregated: the same code either way.
 */
export class PackTrendWriter {
  private readonly insert;
  private readonly insertMinute;
  private nextMinuteMs: number;

  constructor(
    private readonly db: StoreDatabase,
    private readonly layoutId: number,
  ) {
    this.insert = db.prepare("INSERT OR REPLACE INTO pack_trend (time_ms, layout_id, vals) VALUES (?, ?, ?)");
    this.insertMinute = db.prepare(
      "INSERT OR REPLACE INTO pack_trend_minute (time_ms, layout_id, samples, min, mean, max) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const last = db.prepare("SELECT max(time_ms) AS t FROM pack_trend_minute").get() as { t: number | null };
    const first = db.prepare("SELECT min(time_ms) AS t FROM pack_trend").get() as { t: number | null };
    this.nextMinuteMs =
      last.t !== null ? last.t + MINUTE_MS : first.t !== null ? minuteStart(first.t) : Number.NEGATIVE_INFINITY;
  }

  /** Stores one sample (and aggregates the minutes it completes). */
  write(timeMs: number, values: readonly (number | null)[]): void {
    const t = Math.round(timeMs);
    this.db.transaction(() => {
      this.aggregateBefore(minuteStart(t));
      this.insert.run(t, this.layoutId, encodeFloat32(values));
    })();
  }

  /** Aggregates every stored minute that ends at or before `endMs`. */
  aggregateBefore(endMs: number): void {
    if (this.nextMinuteMs >= endMs) return;
    const from = Number.isFinite(this.nextMinuteMs) ? this.nextMinuteMs : 0;
    const rows = this.db
      .prepare("SELECT time_ms, layout_id, vals FROM pack_trend WHERE time_ms >= ? AND time_ms < ? ORDER BY time_ms")
      .all(from, endMs) as { time_ms: number; layout_id: number; vals: Uint8Array }[];
    let group: typeof rows = [];
    const flush = (): void => {
      if (group.length > 0) this.writeMinute(group);
      group = [];
    };
    for (const row of rows) {
      if (group.length > 0 && minuteStart(row.time_ms) !== minuteStart(group[0].time_ms)) flush();
      group.push(row);
    }
    flush();
    this.nextMinuteMs = endMs;
  }

  private writeMinute(rows: readonly { time_ms: number; layout_id: number; vals: Uint8Array }[]): void {
    // Samples of another layout (the point list changed within the minute) are left out of the aggregate.
    const layoutId = rows[rows.length - 1].layout_id;
    const same = rows.filter((row) => row.layout_id === layoutId).map((row) => decodeFloat32(row.vals));
    const width = Math.max(...same.map((v) => v.length));
    const min: (number | null)[] = [];
    const mean: (number | null)[] = [];
    const max: (number | null)[] = [];
    for (let i = 0; i < width; i++) {
      let lo = Infinity;
      let hi = -Infinity;
      let sum = 0;
      let n = 0;
      for (const values of same) {
        const v = values[i];
        if (v === null || v === undefined) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        sum += v;
        n++;
      }
      min.push(n > 0 ? lo : null);
      mean.push(n > 0 ? sum / n : null);
      max.push(n > 0 ? hi : null);
    }
    this.insertMinute.run(
      minuteStart(rows[0].time_ms),
      layoutId,
      same.length,
      encodeFloat32(min),
      encodeFloat32(mean),
      encodeFloat32(max),
    );
  }
}

export function minuteStart(timeMs: number): number {
  return Math.floor(timeMs / MINUTE_MS) * MINUTE_MS;
}

export interface TrendSample {
  readonly timeMs: number;
  /** The sample, or the minute's mean. Null: the value was unknown. */
  readonly value: number | null;
  /** For per-minute rows: the extremes over the minute. */
  readonly min?: number | null;
  readonly max?: number | null;
}

export type TrendResolution = "auto" | "fine" | "minute";

/**
 * Reads one point of the pack trend between `sinceMs` and `untilMs`. `auto`: per-minute rows before the oldest
 * full-rate sample still kept, full-rate samples from there on.
 */
export function queryPackTrend(
  db: StoreDatabase,
  layouts: TrendLayouts,
  pointId: string,
  sinceMs: number,
  untilMs: number,
  resolution: TrendResolution = "auto",
): TrendSample[] {
  const indexIn = (layoutId: number): number => layouts.itemsOf<string[] | null>(layoutId)?.indexOf(pointId) ?? -1;
  const firstFine = (db.prepare("SELECT min(time_ms) AS t FROM pack_trend").get() as { t: number | null }).t;
  const fineFrom = resolution === "minute" ? Infinity : resolution === "fine" ? sinceMs : (firstFine ?? Infinity);
  const out: TrendSample[] = [];
  // Only minutes that ended before the first full-rate sample: the minute it falls in is shown from the samples.
  const minuteUntil = Math.min(untilMs, fineFrom - MINUTE_MS);
  if (minuteUntil >= sinceMs) {
    const rows = db
      .prepare(
        "SELECT time_ms, layout_id, min, mean, max FROM pack_trend_minute WHERE time_ms >= ? AND time_ms <= ? ORDER BY time_ms",
      )
      .iterate(minuteStart(sinceMs), minuteUntil) as Iterable<{
      time_ms: number;
      layout_id: number;
      min: Uint8Array;
      mean: Uint8Array;
      max: Uint8Array;
    }>;
    for (const row of rows) {
      const i = indexIn(row.layout_id);
      if (i < 0) continue;
      out.push({
        timeMs: row.time_ms,
        value: float32At(row.mean, i),
        min: float32At(row.min, i),
        max: float32At(row.max, i),
      });
    }
  }
  const fineSince = Math.max(sinceMs, fineFrom);
  if (fineSince <= untilMs) {
    const rows = db
      .prepare("SELECT time_ms, layout_id, vals FROM pack_trend WHERE time_ms >= ? AND time_ms <= ? ORDER BY time_ms")
      .iterate(fineSince, untilMs) as Iterable<{ time_ms: number; layout_id: number; vals: Uint8Array }>;
    for (const row of rows) {
      const i = indexIn(row.layout_id);
      if (i >= 0) out.push({ timeMs: row.time_ms, value: float32At(row.vals, i) });
    }
  }
  return out;
}

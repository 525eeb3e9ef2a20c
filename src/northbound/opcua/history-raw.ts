import type { TrendSample } from "../../store/pack-trend.ts";
import type { HistorySource } from "./history-source.ts";

/**
 * ReadRaw (OPC 10000-11 §6.4.3.2) over a HistorySource, page by page. Time domain: the start time is included and
 * the end time is not (§3.1.8: contiguous requests return every value once); end before start reads backward,
 * newest first; with one time only, that time is the origin and numValuesPerNode the extent. Bounding values are
 * the sample at or before the origin and at or after the end (in the reading direction), or a BoundNotFound tuple;
 * they count in numValuesPerNode.
 *
 * Continuation points carry the whole cursor (node, next time, direction, what is left), so the server keeps no
 * state between pages: timestamps are unique in the trend tables (their primary key), which §6.3 allows to resume
 * from.
 */
export interface RawRead {
  /** Next time to read, included: the start time, then just past the last value returned. */
  readonly fromMs: number;
  /** The end time (excluded), or null when the extent is a number of values. */
  readonly toMs: number | null;
  readonly backward: boolean;
  /** Values per response the client asked for; 0: no limit (the server's cap still applies). */
  readonly pageSize: number;
  /** Values still owed when the extent is a number of values; null for a time range. */
  readonly remaining: number | null;
  /** The start bound is still to be returned (first page only). */
  readonly startBound: boolean;
  /** The end bound is to be returned once the data are done. */
  readonly endBound: boolean;
  /** Only the end bound is left. */
  readonly dataDone: boolean;
}

/** One value of a page: a stored sample, or a bound that was looked for and not found. */
export type HistoryItem =
  | { readonly kind: "sample"; readonly sample: TrendSample }
  | { readonly kind: "boundNotFound"; readonly timeMs: number };

export interface RawPage {
  readonly items: readonly HistoryItem[];
  /** The read to resume with, or null when this page ends it. */
  readonly next: RawRead | null;
}

/** How far beyond the domain a bounding value is looked for (OPC UA leaves it to the server). */
export const BOUND_SEARCH_MS = 86_400_000;

/** What the request details say, times in ms (null: DateTime.MinValue, not specified). */
export interface RawRequest {
  readonly startMs: number | null;
  readonly endMs: number | null;
  readonly numValuesPerNode: number;
  readonly returnBounds: boolean;
}

/** The read a request describes, or null when it names fewer than two of start, end and numValuesPerNode. */
export function planRawRead(request: RawRequest): RawRead | null {
  const { startMs, endMs, numValuesPerNode: n, returnBounds } = request;
  const common = { pageSize: n, startBound: returnBounds, dataDone: false };
  if (startMs !== null && endMs !== null) {
    // Identical times ask for the one value at that instant, time flowing forward.
    const toMs = endMs === startMs ? endMs + 1 : endMs;
    return { ...common, fromMs: startMs, toMs, backward: endMs < startMs, remaining: null, endBound: returnBounds };
  }
  if (n <= 0) return null;
  const origin = startMs ?? endMs;
  if (origin === null) return null;
  return { ...common, fromMs: origin, toMs: null, backward: startMs === null, remaining: n, endBound: false };
}

/** Reads one page of `read`: at most `cap` values (the server's limit per response), and at most what was asked. */
export function readRawPage(source: HistorySource, pointId: string, read: RawRead, cap: number): RawPage {
  const room = Math.min(read.pageSize > 0 ? read.pageSize : Infinity, read.remaining ?? Infinity, cap);
  const items: HistoryItem[] = [];
  const { fromMs, toMs, backward } = read;

  if (read.startBound && !read.dataDone && source.readPoint(pointId, fromMs, fromMs, 1).length === 0) {
    // No value at the origin itself: the nearest one before it (in the reading direction) bounds the domain.
    const found = backward
      ? source.readPoint(pointId, fromMs + 1, fromMs + BOUND_SEARCH_MS, 1)
      : source.readPoint(pointId, fromMs - BOUND_SEARCH_MS, fromMs - 1, 1, true);
    items.push(found.length > 0 ? { kind: "sample", sample: found[0] } : { kind: "boundNotFound", timeMs: fromMs });
  }

  let cursor = fromMs;
  let more = false;
  if (!read.dataDone) {
    const dataRoom = Math.max(0, room - items.length);
    const [sinceMs, untilMs] = backward
      ? [toMs === null ? -Infinity : toMs + 1, fromMs]
      : [fromMs, toMs === null ? Infinity : toMs - 1];
    // One more than fits tells whether another page follows.
    const samples = sinceMs <= untilMs ? source.readPoint(pointId, sinceMs, untilMs, dataRoom + 1, backward) : [];
    more = samples.length > dataRoom;
    for (const sample of samples.slice(0, dataRoom)) {
      items.push({ kind: "sample", sample });
      cursor = backward ? sample.timeMs - 1 : sample.timeMs + 1;
    }
  }
  const remaining = read.remaining === null ? null : read.remaining - items.length;
  const base = { ...read, startBound: false, remaining };
  if (more) return { items, next: remaining === null || remaining > 0 ? { ...base, fromMs: cursor } : null };

  if (read.endBound && toMs !== null) {
    if (items.length >= room) return { items, next: { ...base, dataDone: true } };
    const found = backward
      ? source.readPoint(pointId, toMs - BOUND_SEARCH_MS, toMs, 1, true)
      : source.readPoint(pointId, toMs, toMs + BOUND_SEARCH_MS, 1);
    items.push(found.length > 0 ? { kind: "sample", sample: found[0] } : { kind: "boundNotFound", timeMs: toMs });
  }
  return { items, next: null };
}

const CONTINUATION_TAG = "bcu-history-1";

/** The continuation point of `read` on `nodeId`: opaque to the client, checked when it comes back. */
export function encodeContinuation(nodeId: string, read: RawRead): Buffer {
  return Buffer.from(JSON.stringify({ tag: CONTINUATION_TAG, nodeId, read }), "utf8");
}

/** The read a continuation point resumes, or null when it is not one of ours for `nodeId`. */
export function decodeContinuation(nodeId: string, point: Buffer): RawRead | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(point.toString("utf8"));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { tag, nodeId: forNode, read } = parsed as { tag?: unknown; nodeId?: unknown; read?: unknown };
  if (tag !== CONTINUATION_TAG || forNode !== nodeId || !isRawRead(read)) return null;
  return read;
}

function isRawRead(value: unknown): value is RawRead {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  const count = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v >= 0;
  return (
    typeof r.fromMs === "number" &&
    Number.isFinite(r.fromMs) &&
    (r.toMs === null || (typeof r.toMs === "number" && Number.isFinite(r.toMs))) &&
    typeof r.backward === "boolean" &&
    count(r.pageSize) &&
    (r.remaining === null || count(r.remaining)) &&
    typeof r.startBound === "boolean" &&
    typeof r.endBound === "boolean" &&
    typeof r.dataDone === "boolean"
  );
}

import type { Snapshot } from "../bcu/snapshot.ts";
import type { PointDefinition } from "../points/point.ts";

/**
 * The replay timeline a field engineer opens in a spreadsheet: CSV, a `time` column in Unix seconds, then one
 * column per published point id. An unknown value (stale, invalid, not estimated) is an empty cell, never 0.
 */
export function timelineHeader(points: readonly PointDefinition[]): string {
  return ["time", ...points.map((p) => p.id)].join(",");
}

export function timelineRow(snapshot: Snapshot, points: readonly PointDefinition[]): string {
  const cells = [(snapshot.timeMs / 1000).toFixed(3)];
  for (const point of points) cells.push(formatValue(point.read(snapshot)));
  return cells.join(",");
}

function formatValue(value: number | boolean | null): string {
  if (value === null) return "";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (!Number.isFinite(value)) return "";
  // Six significant decimals are below every sensor's resolution and keep the file small.
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
}

import { pointCatalog } from "../points/catalog.ts";
import type { PointDefinition } from "../points/point.ts";
import { StoreError } from "./errors.ts";

/**
 * A nameplate point (rated capacity, rated energy) reads the configuration, not the snapshot: a constant, not a
 * measurement. The catalog marks it by its `read` taking the nameplate as second parameter (src/points/point.ts);
 * the store reads points without one, so a trend of it would hold only unknowns.
 */
export function readsNameplate(point: PointDefinition): boolean {
  return point.read.length >= 2;
}

/**
 * The points the pack trend records for `store.packTrendPoints`, in row order: those named, or when the list is
 * empty every analog (float) point measured per snapshot. States and alarms are in the event log; nameplate
 * points are left out either way (`bcu map points` and the OPC UA tree read them live). This is the one rule:
 * the store's writer and OPC UA history both use it. Throws a StoreError naming ids the catalog lacks.
 */
export function trendedPackPoints(
  packTrendPoints: readonly string[],
  catalog: readonly PointDefinition[] = pointCatalog,
): readonly PointDefinition[] {
  if (packTrendPoints.length === 0) return catalog.filter((p) => p.type === "float" && !readsNameplate(p));
  const byId = new Map(catalog.map((p) => [p.id, p]));
  const unknown = packTrendPoints.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    throw new StoreError(
      `store.packTrendPoints names unknown points: ${unknown.join(", ")} (see 'bcu map points' for the catalog)`,
    );
  }
  return packTrendPoints.map((id) => byId.get(id) as PointDefinition).filter((p) => !readsNameplate(p));
}

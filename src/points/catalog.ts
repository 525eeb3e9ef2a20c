import { measurementPoints } from "./measurement-points.ts";
import type { PointDefinition } from "./point.ts";

/** The one catalog of published points, in a stable order. */
export const pointCatalog: readonly PointDefinition[] = [...measurementPoints];

const byId = new Map(pointCatalog.map((p) => [p.id, p]));
if (byId.size !== pointCatalog.length) throw new Error("point catalog has duplicate ids");

export function findPoint(id: string): PointDefinition | undefined {
  return byId.get(id);
}

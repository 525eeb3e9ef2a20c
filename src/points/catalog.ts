import { alarmPoints } from "./alarm-points.ts";
import { batteryStatePoints } from "./battery-state-points.ts";
import { commandPoints } from "./command-points.ts";
import { contactorPoints } from "./contactor-points.ts";
import { estimationPoints } from "./estimation-points.ts";
import { limitPoints } from "./limit-points.ts";
import { measurementPoints } from "./measurement-points.ts";
import type { PointDefinition } from "./point.ts";
import { rackPoints } from "./rack-points.ts";
import { safetyIoPoints } from "./safety-io-points.ts";

/** The one catalog of published points, in a stable order (the docs and `bcu map points` list it so). */
export const pointCatalog: readonly PointDefinition[] = [
  ...measurementPoints,
  ...estimationPoints,
  ...limitPoints,
  ...alarmPoints,
  ...contactorPoints,
  ...safetyIoPoints,
  ...batteryStatePoints,
  ...rackPoints,
  ...commandPoints,
];

const byId = new Map(pointCatalog.map((p) => [p.id, p]));
if (byId.size !== pointCatalog.length) throw new Error("point catalog has duplicate ids");

export function findPoint(id: string): PointDefinition | undefined {
  return byId.get(id);
}

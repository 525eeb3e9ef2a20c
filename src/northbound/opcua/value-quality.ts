import type { Snapshot } from "../../bcu/snapshot.ts";
import type { Nameplate, PointDefinition } from "../../points/point.ts";

/**
 * How much a published value can be trusted, in OPC UA terms. A stale or invalid measurement is never a frozen
 * Good value: it is Bad with a reason (no communication, sensor failure), or Uncertain when the BCU holds an
 * estimate it says not to trust.
 */
export type Quality =
  | "good"
  /** Value held: the estimation says its inputs are not usable (UncertainLastUsableValue). */
  | "uncertainHeld"
  /** The source stopped talking, or the BCU has no value (BadNoCommunication). */
  | "badNoCommunication"
  /** The source talks but marks the value invalid (BadSensorFailure). */
  | "badSensorFailure";

export interface PublishedValue {
  readonly value: number | boolean | string | null;
  readonly quality: Quality;
}

/** Points that hold the last estimate while `estimation.valid` is false. */
const ESTIMATED_POINTS = new Set([
  "pack.soc",
  "pack.soh",
  "cell.socMin",
  "cell.socMax",
  "pack.capacity",
  "pack.remainingEnergy",
  "pack.fullEnergy",
]);

export function pointValue(point: PointDefinition, snapshot: Snapshot, nameplate?: Nameplate): PublishedValue {
  const value = point.read(snapshot, nameplate);
  if (value === null || (typeof value === "number" && Number.isNaN(value))) {
    return { value: null, quality: "badNoCommunication" };
  }
  if (ESTIMATED_POINTS.has(point.id) && snapshot.estimation !== null && !snapshot.estimation.valid) {
    return { value, quality: "uncertainHeld" };
  }
  return { value, quality: "good" };
}

export function derivedValue(value: number | boolean | string | null): PublishedValue {
  return value === null ? { value: null, quality: "badNoCommunication" } : { value, quality: "good" };
}

/** Cell voltage in V (rack-wide cell index). A silent BMU's cells are BadNoCommunication, an invalid one BadSensorFailure. */
export function cellVoltage(snapshot: Snapshot, cellIndex: number): PublishedValue {
  const m = snapshot.measurements;
  if (m.cellVoltageValid[cellIndex] === 1) return { value: m.cellVoltage_mV[cellIndex] / 1000, quality: "good" };
  const bmu = m.bmus[Math.floor(cellIndex / snapshot.topology.cellsPerBmu)];
  return { value: null, quality: bmu !== undefined && bmu.cellsFresh ? "badSensorFailure" : "badNoCommunication" };
}

/** Temperature sensor in °C (rack-wide sensor index). */
export function sensorTemperature(snapshot: Snapshot, sensorIndex: number): PublishedValue {
  const m = snapshot.measurements;
  if (m.temperatureValid[sensorIndex] === 1) return { value: m.temperature_degC[sensorIndex], quality: "good" };
  const bmu = m.bmus[Math.floor(sensorIndex / snapshot.topology.temperatureSensorsPerBmu)];
  return { value: null, quality: bmu !== undefined && !bmu.stale ? "badSensorFailure" : "badNoCommunication" };
}

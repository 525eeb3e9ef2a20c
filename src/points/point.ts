import type { Snapshot } from "../bcu/snapshot.ts";

export type PointType = "float" | "integer" | "boolean" | "enum";

/**
 * One published value. Every value that leaves the daemon is a point: the Modbus register maps, the OPC UA
 * address space, the replay timeline, `bcu map points` and docs/points.md all derive from the catalog.
 * `read` returns null when the value is unknown (stale, invalid, not yet estimated): a consumer shows that as
 * bad quality or the map's "not available" marker, never as a number.
 */
export interface PointDefinition {
  /** Stable id, dotted: `pack.voltage`, `limits.chargeCurrentMax`, `alarm.cellOverVoltage.level`. */
  readonly id: string;
  readonly type: PointType;
  /** SI-style unit symbol (`V`, `A`, `kW`, `%`, `degC`), or "" for counts, flags and enums. */
  readonly unit: string;
  /** Physical range the value can take; register maps check that their type and scale can hold it. */
  readonly min: number;
  readonly max: number;
  readonly description: string;
  /** For enums: value → name. */
  readonly enumValues?: Readonly<Record<number, string>>;
  readonly read: (snapshot: Snapshot) => number | boolean | null;
}

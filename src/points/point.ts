import type { BcuCommandKind } from "../bcu/commands.ts";
import type { Snapshot } from "../bcu/snapshot.ts";

export type PointType = "float" | "integer" | "boolean" | "enum" | "bitfield";

/**
 * What the rack is rated for, from the configuration (not measured): the nameplate points read it. Consumers
 * that have no configuration at hand pass nothing, and those points read null.
 */
export interface Nameplate {
  readonly capacity_Ah: number;
  readonly energy_kWh: number;
}

/** The rack's rated capacity and energy from its configuration (cells in series × nominal voltage × Ah). */
export function nameplateOf(rack: {
  readonly bmuCount: number;
  readonly cellsPerBmu: number;
  readonly cell: { readonly capacity_Ah: number; readonly nominalVoltage_V: number };
}): Nameplate {
  const cells = rack.bmuCount * rack.cellsPerBmu;
  return {
    capacity_Ah: rack.cell.capacity_Ah,
    energy_kWh: (cells * rack.cell.nominalVoltage_V * rack.cell.capacity_Ah) / 1000,
  };
}

/**
 * What a write to a writable point does. `command` turns the written value (already checked against the
 * point's range) into the BCU command to queue, or null when the value is only kept for read-back (a state the
 * PCS reports) or means "no action" (0 written to a command coil).
 */
export interface PointWrite {
  readonly command: (value: number) => BcuCommandKind | null;
}

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
  /** For bitfields: the name of bit i (bit 0 first); a bit past the list is always 0. */
  readonly bits?: readonly string[];
  /**
   * `read` never returns null (a wrapping counter): registers may use the type's whole range, the
   * not-available marker included (0xFFFF is a heartbeat value like any other).
   */
  readonly alwaysKnown?: boolean;
  /** Present on writable points (commands and values the PCS reports); absent = read-only. */
  readonly write?: PointWrite;
  readonly read: (snapshot: Snapshot, nameplate?: Nameplate) => number | boolean | null;
}

export function isWritable(point: PointDefinition): boolean {
  return point.write !== undefined;
}

import type { ModbusTable } from "./protocol.ts";

/** How a value is laid out in the table: `bool` is one bit of a bit table; the others are registers. */
export type RegisterType = "bool" | "u16" | "i16" | "u32" | "i32" | "f32" | "bitfield" | "string";
export type WordOrder = "big" | "little";
export type Access = "r" | "rw" | "w";

/** One entry of a register map as written in the JSON file (register-maps/register-map.schema.json). */
export interface RegisterMapEntry {
  readonly name?: string;
  readonly point?: string;
  readonly value?: number | string | null;
  readonly table: ModbusTable;
  readonly address: number;
  readonly type: RegisterType;
  readonly length?: number;
  readonly bit?: number;
  readonly wordOrder?: WordOrder;
  readonly scale?: number;
  readonly offset?: number;
  readonly access?: Access;
  readonly sf?: string;
  readonly unit?: string;
  readonly description?: string;
}

/** A register map document: register-maps/NAME.json. */
export interface RegisterMap {
  readonly $schema?: string;
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly unitIds: readonly number[];
  readonly wordOrder?: WordOrder;
  readonly entries: readonly RegisterMapEntry[];
}

/** Addresses an entry takes in its table (bits for bit tables, registers for register tables). */
export function entrySize(entry: Pick<RegisterMapEntry, "type" | "length">): number {
  switch (entry.type) {
    case "bool":
    case "u16":
    case "i16":
      return 1;
    case "u32":
    case "i32":
    case "f32":
      return 2;
    case "bitfield":
      return entry.length ?? 1;
    case "string":
      return entry.length ?? 1;
  }
}

/** The name that identifies an entry in messages, diffs and `bcu map set`: its name, else its point id. */
export function entryKey(entry: RegisterMapEntry): string {
  return entry.name ?? entry.point ?? `${entry.table}@${entry.address}`;
}

export function entryAccess(entry: RegisterMapEntry): Access {
  return entry.access ?? "r";
}

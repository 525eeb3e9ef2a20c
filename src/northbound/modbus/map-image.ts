import type { Snapshot } from "../../bcu/snapshot.ts";
import { findPoint } from "../../points/catalog.ts";
import type { Nameplate, PointDefinition } from "../../points/point.ts";
import { entryAccess, entrySize, type RegisterMap, type RegisterMapEntry } from "./map-types.ts";
import { MODBUS_TABLES, isBitTable, type ModbusTable } from "./protocol.ts";
import { encodeEntry } from "./value-codec.ts";

const ADDRESSES = 0x10000;

interface CompiledEntry {
  readonly entry: RegisterMapEntry;
  readonly point: PointDefinition | null;
  readonly size: number;
  readonly writable: boolean;
}

interface TableImage {
  readonly entries: CompiledEntry[];
  /** Entry index covering each address, -1 where nothing is mapped. */
  readonly entryAt: Int32Array;
  /** mappedBefore[a] = mapped addresses below a: a range [a, a+n) is fully mapped iff the difference is n. */
  readonly mappedBefore: Uint32Array;
  /** Current values: a register per address, or 0/1 per bit. */
  readonly words: Uint16Array;
}

/**
 * A validated register map compiled for serving: per table, which entry covers each address and the encoded
 * image of the latest snapshot. The image is rebuilt at most once per snapshot (or after a write), so every
 * read answers from one consistent snapshot and costs a copy.
 */
export class MapImage {
  readonly map: RegisterMap;
  private readonly tables: Record<ModbusTable, TableImage>;
  private imageOf: Snapshot | null | undefined = undefined;
  private stale = true;

  constructor(
    map: RegisterMap,
    private readonly nameplate?: Nameplate,
  ) {
    this.map = map;
    this.tables = Object.fromEntries(MODBUS_TABLES.map((table) => [table, emptyTable()])) as Record<
      ModbusTable,
      TableImage
    >;
    for (const entry of map.entries) {
      const table = this.tables[entry.table];
      const point = entry.point === undefined ? null : (findPoint(entry.point) ?? null);
      const size = entrySize(entry);
      const index = table.entries.push({ entry, point, size, writable: entryAccess(entry) !== "r" }) - 1;
      table.entryAt.fill(index, entry.address, entry.address + size);
    }
    for (const table of Object.values(this.tables)) {
      for (let a = 0; a < ADDRESSES; a++)
        table.mappedBefore[a + 1] = table.mappedBefore[a] + (table.entryAt[a] >= 0 ? 1 : 0);
    }
  }

  /** True when every address of [address, address + count) is mapped in `table`. */
  isMapped(table: ModbusTable, address: number, count: number): boolean {
    const image = this.tables[table];
    return address + count <= ADDRESSES && image.mappedBefore[address + count] - image.mappedBefore[address] === count;
  }

  /** The entry covering `address` and where it starts, or null. */
  entryAt(table: ModbusTable, address: number): CompiledEntry | null {
    const index = this.tables[table].entryAt[address];
    return index >= 0 ? this.tables[table].entries[index] : null;
  }

  /** Marks the image stale: values written by a client changed. */
  invalidate(): void {
    this.stale = true;
  }

  /** Rebuilds the image when `snapshot` is not the one it shows. `written`: last value written per point id. */
  refresh(snapshot: Snapshot | null, written: ReadonlyMap<string, number>): void {
    if (!this.stale && this.imageOf === snapshot) return;
    this.imageOf = snapshot;
    this.stale = false;
    const order = this.map.wordOrder ?? "big";
    for (const table of MODBUS_TABLES) {
      const image = this.tables[table];
      for (const compiled of image.entries) {
        const value = this.valueOf(compiled, snapshot, written);
        const { entry } = compiled;
        if (isBitTable(table)) image.words[entry.address] = bitOf(compiled, value);
        else encodeEntry(entry, value, image.words, entry.address, order);
      }
    }
  }

  /** Copies `count` words (or bits, one per element) from `address`; the range must be mapped. */
  words(table: ModbusTable, address: number, count: number): Uint16Array {
    return this.tables[table].words.subarray(address, address + count);
  }

  private valueOf(
    compiled: CompiledEntry,
    snapshot: Snapshot | null,
    written: ReadonlyMap<string, number>,
  ): number | boolean | string | null {
    const { entry, point } = compiled;
    if (!point) return entry.value ?? null;
    const kept = compiled.writable ? written.get(point.id) : undefined;
    if (kept !== undefined) return kept;
    if (!snapshot) return null;
    try {
      return point.read(snapshot, this.nameplate);
    } catch {
      // A point that cannot be computed from this snapshot is unknown, not a crash of the server.
      return null;
    }
  }
}

/**
 * One bit. Unknown: a bit of a bitfield reads 1, like the word's all-ones marker (an alarm bit fails safe);
 * an unknown boolean reads 0.
 */
function bitOf(compiled: CompiledEntry, value: number | boolean | string | null): number {
  if (value === null || typeof value === "string") return compiled.entry.bit === undefined ? 0 : 1;
  const numeric = typeof value === "boolean" ? (value ? 1 : 0) : value;
  const bit = compiled.entry.bit;
  return bit === undefined ? (numeric ? 1 : 0) : Math.floor(numeric / 2 ** bit) % 2;
}

function emptyTable(): TableImage {
  return {
    entries: [],
    entryAt: new Int32Array(ADDRESSES).fill(-1),
    mappedBefore: new Uint32Array(ADDRESSES + 1),
    words: new Uint16Array(ADDRESSES),
  };
}

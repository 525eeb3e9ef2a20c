import type { RegisterMapEntry, RegisterType, WordOrder } from "./map-types.ts";
import { entrySize } from "./map-types.ts";

/**
 * Register encoding of point values. Physical value = raw x scale + offset. An unknown value (null) is written
 * as the type's "not available" marker, the same as SunSpec's: u16 0xFFFF, i16 0x8000, u32 0xFFFFFFFF,
 * i32 0x80000000, bitfield all ones, f32 NaN, string all zeros. The markers are never valid raw values: the
 * map validation keeps every point's range clear of them.
 */
export const NOT_AVAILABLE = {
  u16: 0xffff,
  i16: -0x8000,
  u32: 0xffffffff,
  i32: -0x80000000,
} as const;

/**
 * Raw values a type can carry besides its not-available marker; `withMarker`: including the marker's value (for
 * constants and points that are never unknown, such as wrapping counters).
 */
export function rawRange(type: RegisterType, length = 1, withMarker = false): { min: number; max: number } {
  if (withMarker) {
    if (type === "u16") return { min: 0, max: 0xffff };
    if (type === "i16") return { min: -0x8000, max: 0x7fff };
    if (type === "u32") return { min: 0, max: 0xffffffff };
    if (type === "i32") return { min: -0x80000000, max: 0x7fffffff };
  }
  switch (type) {
    case "bool":
      return { min: 0, max: 1 };
    case "u16":
      return { min: 0, max: 0xfffe };
    case "i16":
      return { min: -0x7fff, max: 0x7fff };
    case "u32":
      return { min: 0, max: 0xfffffffe };
    case "i32":
      return { min: -0x7fffffff, max: 0x7fffffff };
    case "bitfield":
      return { min: 0, max: 2 ** (16 * length) - 1 };
    case "f32":
      return { min: -3.4e38, max: 3.4e38 };
    case "string":
      return { min: 0, max: 0 };
  }
}

export function toRaw(entry: RegisterMapEntry, value: number): number {
  return (value - (entry.offset ?? 0)) / (entry.scale ?? 1);
}

export function fromRaw(entry: RegisterMapEntry, raw: number): number {
  return raw * (entry.scale ?? 1) + (entry.offset ?? 0);
}

function putU32(words: Uint16Array, at: number, u32: number, order: WordOrder): void {
  const high = (u32 >>> 16) & 0xffff;
  const low = u32 & 0xffff;
  words[at] = order === "big" ? high : low;
  words[at + 1] = order === "big" ? low : high;
}

function getU32(words: ArrayLike<number>, at: number, order: WordOrder): number {
  const first = words[at];
  const second = words[at + 1];
  return order === "big" ? ((first << 16) | second) >>> 0 : ((second << 16) | first) >>> 0;
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

/**
 * Writes `value` (a point value, a constant, or null) into `words` at `at` as the entry's type says.
 * Values beyond the type's range are clamped (never wrapped: a wrapped current would change sign).
 */
export function encodeEntry(
  entry: RegisterMapEntry,
  value: number | boolean | string | null,
  words: Uint16Array,
  at: number,
  defaultOrder: WordOrder = "big",
): void {
  const order = entry.wordOrder ?? defaultOrder;
  const size = entrySize(entry);
  if (entry.type === "string") {
    const text = typeof value === "string" ? Buffer.from(value, "latin1") : Buffer.alloc(0);
    for (let i = 0; i < size; i++) words[at + i] = ((text[2 * i] ?? 0) << 8) | (text[2 * i + 1] ?? 0);
    return;
  }
  if (typeof value === "string") throw new TypeError(`entry ${entry.name ?? entry.point}: text in a numeric entry`);
  const numeric = value === null ? null : typeof value === "boolean" ? (value ? 1 : 0) : value;
  if (entry.type === "f32") {
    f32[0] = numeric === null || !Number.isFinite(numeric) ? NaN : toRaw(entry, numeric);
    putU32(words, at, f32Bits[0], order);
    return;
  }
  if (entry.type === "bitfield") {
    for (let i = 0; i < size; i++) {
      // Bit 0 is in the last (least significant) register, like a u32 in big word order.
      const wordIndex = order === "big" ? size - 1 - i : i;
      words[at + wordIndex] = numeric === null ? 0xffff : Math.floor(numeric / 2 ** (16 * i)) & 0xffff;
    }
    return;
  }
  const type = entry.type === "bool" ? "u16" : entry.type;
  if (numeric === null || !Number.isFinite(numeric)) {
    if (type === "u16" || type === "i16") words[at] = NOT_AVAILABLE[type] & 0xffff;
    else putU32(words, at, NOT_AVAILABLE[type] >>> 0, order);
    return;
  }
  const { min, max } = rawRange(type, 1, true);
  const raw = Math.min(max, Math.max(min, Math.round(toRaw(entry, numeric))));
  if (type === "u16" || type === "i16") words[at] = raw & 0xffff;
  else putU32(words, at, raw >>> 0, order);
}

/**
 * Reads an entry's words back to a physical value (null for the not-available marker). For strings, the text
 * without trailing zeros.
 */
export function decodeEntry(
  entry: RegisterMapEntry,
  words: ArrayLike<number>,
  at = 0,
  defaultOrder: WordOrder = "big",
  withMarker = true,
): number | string | null {
  const order = entry.wordOrder ?? defaultOrder;
  const size = entrySize(entry);
  switch (entry.type) {
    case "string": {
      const bytes = Buffer.alloc(2 * size);
      for (let i = 0; i < size; i++) bytes.writeUInt16BE(words[at + i] & 0xffff, 2 * i);
      return bytes.toString("latin1").replace(/\0+$/, "");
    }
    case "bool":
      return words[at] ? 1 : 0;
    case "u16":
      return withMarker && words[at] === NOT_AVAILABLE.u16 ? null : fromRaw(entry, words[at]);
    case "i16": {
      const raw = (words[at] << 16) >> 16;
      return withMarker && raw === NOT_AVAILABLE.i16 ? null : fromRaw(entry, raw);
    }
    case "u32": {
      const raw = getU32(words, at, order);
      return withMarker && raw === NOT_AVAILABLE.u32 ? null : fromRaw(entry, raw);
    }
    case "i32": {
      const raw = getU32(words, at, order) | 0;
      return withMarker && raw === NOT_AVAILABLE.i32 ? null : fromRaw(entry, raw);
    }
    case "f32": {
      f32Bits[0] = getU32(words, at, order);
      return Number.isNaN(f32[0]) ? null : fromRaw(entry, f32[0]);
    }
    case "bitfield": {
      let value = 0;
      let allOnes = true;
      for (let i = 0; i < size; i++) {
        const word = words[at + (order === "big" ? size - 1 - i : i)];
        if (word !== 0xffff) allOnes = false;
        value += word * 2 ** (16 * i);
      }
      return allOnes ? null : value;
    }
  }
}

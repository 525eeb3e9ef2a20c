import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import type { ValidateFunction } from "ajv";
import { reasonFor } from "../../config/reasons.ts";
import { findPoint } from "../../points/catalog.ts";
import { isWritable, type PointDefinition } from "../../points/point.ts";
import { entryAccess, entryKey, entrySize, type RegisterMap, type RegisterMapEntry } from "./map-types.ts";
import { isBitTable } from "./protocol.ts";
import { rawRange, toRaw } from "./value-codec.ts";

/** One problem of a map: which entry (index and key; null for the map itself) and why. */
export interface MapIssue {
  readonly index: number | null;
  readonly entry: string | null;
  readonly reason: string;
}

export function formatMapIssue(issue: MapIssue): string {
  return issue.index === null ? issue.reason : `entries[${issue.index}] ${issue.entry}: ${issue.reason}`;
}

/** Thrown when a map does not validate; `issues` has every problem found. */
export class RegisterMapError extends Error {
  constructor(
    readonly mapName: string,
    readonly issues: readonly MapIssue[],
  ) {
    super(`register map ${mapName} is invalid:\n${issues.map((issue) => `  ${formatMapIssue(issue)}`).join("\n")}`);
    this.name = "RegisterMapError";
  }
}

export const REGISTER_MAP_SCHEMA_URL = new URL("../../../register-maps/register-map.schema.json", import.meta.url);

let compiled: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(REGISTER_MAP_SCHEMA_URL, "utf8")) as object;
    compiled = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).compile(schema);
  }
  return compiled;
}

/** Unit conversions an `sf` check understands: register unit → point unit factor. */
const UNIT_FACTORS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  W: { kW: 0.001 },
  Wh: { kWh: 0.001 },
  mV: { V: 0.001 },
  C: { degC: 1 },
  "%WHRtg": { "%": 1 },
};

function unitFactor(registerUnit: string | undefined, pointUnit: string): number | null {
  if (registerUnit === undefined || registerUnit === pointUnit) return 1;
  return UNIT_FACTORS[registerUnit]?.[pointUnit] ?? null;
}

function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Every problem of `document` as a register map: the JSON schema first (shape, types, names), then what a
 * schema cannot say: overlapping addresses, unknown points, a type too small for the point's range at its
 * scale, a write to a read-only point, duplicate entries, scale factors that disagree with the scale.
 */
export function validateRegisterMap(document: unknown): MapIssue[] {
  const validate = schemaValidator();
  if (!validate(document)) {
    return (validate.errors ?? []).map((error) => {
      const match = /^\/entries\/(\d+)(.*)$/.exec(error.instancePath);
      const entries = (document as { entries?: RegisterMapEntry[] }).entries;
      if (!match) return { index: null, entry: null, reason: `${error.instancePath || "map"}: ${reasonFor(error)}` };
      const index = Number(match[1]);
      const where = match[2] ? `${match[2].slice(1).replaceAll("/", ".")}: ` : "";
      return { index, entry: entryKey(entries![index]), reason: `${where}${reasonFor(error)}` };
    });
  }
  const map = document as RegisterMap;
  const issues: MapIssue[] = [];
  const keys = new Map<string, number>();
  const constants = new Map<string, RegisterMapEntry>();
  for (const entry of map.entries)
    if (entry.name !== undefined && entry.value !== undefined) constants.set(entry.name, entry);

  map.entries.forEach((entry, index) => {
    const key = entryKey(entry);
    const problem = (reason: string) => issues.push({ index, entry: key, reason });
    const previous = keys.get(key);
    if (previous !== undefined)
      problem(`duplicate entry: entries[${previous}] has the same name; give one a distinct "name"`);
    else keys.set(key, index);
    checkEntry(entry, constants, problem);
  });
  issues.push(...overlaps(map.entries));
  // In entry order (a stable sort keeps each entry's reasons in the order they were found).
  return issues.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
}

function checkEntry(
  entry: RegisterMapEntry,
  constants: ReadonlyMap<string, RegisterMapEntry>,
  problem: (reason: string) => void,
): void {
  const bitTable = isBitTable(entry.table);
  if (bitTable !== (entry.type === "bool")) {
    problem(bitTable ? `a ${entry.table} holds type bool only` : `type bool belongs in a coil or discreteInput`);
    return;
  }
  const size = entrySize(entry);
  if (entry.address + size > 0x10000) problem(`runs past address 65535 (${size} addresses from ${entry.address})`);
  if (entry.length !== undefined && entry.type !== "string" && entry.type !== "bitfield") {
    problem(`length applies to string and bitfield entries only`);
  }
  if (entry.type === "bitfield" && size > 2) problem(`a bitfield is 1 or 2 registers (length ${size})`);
  const access = entryAccess(entry);
  if (access !== "r" && (entry.table === "discreteInput" || entry.table === "inputRegister")) {
    problem(`access "${access}": ${entry.table}s are read-only in Modbus; use a coil or holdingRegister`);
  }
  if ((entry.point === undefined) === (entry.value === undefined)) {
    problem(`give either "point" or "value" (a constant)`);
    return;
  }
  if (entry.point === undefined) return checkConstant(entry, problem);
  const point = findPoint(entry.point);
  if (!point) return problem(`unknown point "${entry.point}" (see bcu map points)`);
  if (access !== "r" && !isWritable(point)) problem(`access "${access}" but point ${point.id} is read-only`);
  if (entry.bit !== undefined) return checkBit(entry, point, problem);
  if (entry.type === "string") return problem(`type string is for constants; point ${point.id} is a number`);
  if (entry.type === "bool" && point.type !== "boolean") {
    return problem(`type bool needs a boolean point or a "bit" of a bitfield; ${point.id} is ${point.type}`);
  }
  if (entry.type === "f32") return;
  checkRange(entry, point, problem);
  if (entry.sf !== undefined) checkScaleFactor(entry, point, constants, problem);
}

function checkConstant(entry: RegisterMapEntry, problem: (reason: string) => void): void {
  if (entryAccess(entry) !== "r") problem(`a constant cannot be written (access "${entryAccess(entry)}")`);
  if (entry.name === undefined) problem(`a constant needs a "name"`);
  const value = entry.value;
  if (value === null || value === undefined) return;
  if (entry.type === "string") {
    if (typeof value !== "string") return problem(`type string needs a text value`);
    if (value.length > 2 * entrySize(entry)) {
      problem(`"${value}" is ${value.length} characters; ${entrySize(entry)} registers hold ${2 * entrySize(entry)}`);
    }
    return;
  }
  if (typeof value !== "number") return problem(`type ${entry.type} needs a numeric value`);
  if (entry.type === "f32") return;
  const { min, max } = rawRange(entry.type, entrySize(entry), true);
  const raw = toRaw(entry, value);
  if (!Number.isInteger(Math.round(raw * 1e9) / 1e9) || raw < min || raw > max) {
    problem(`value ${value} does not fit ${entry.type} at scale ${entry.scale ?? 1} (raw ${min}..${max})`);
  }
}

function checkBit(entry: RegisterMapEntry, point: PointDefinition, problem: (reason: string) => void): void {
  if (entry.type !== "bool") return problem(`"bit" applies to bool entries only`);
  if (point.type !== "bitfield") return problem(`"bit" needs a bitfield point; ${point.id} is ${point.type}`);
  const bits = point.bits?.length ?? 0;
  if (entry.bit! >= bits) problem(`bit ${entry.bit} is not defined: ${point.id} has bits 0..${bits - 1}`);
}

function checkRange(entry: RegisterMapEntry, point: PointDefinition, problem: (reason: string) => void): void {
  const size = entrySize(entry);
  if (entry.type === "bitfield") {
    if (point.type !== "bitfield") return problem(`type bitfield needs a bitfield point; ${point.id} is ${point.type}`);
    const bits = point.bits?.length ?? 0;
    if (bits > 16 * size) problem(`${point.id} has ${bits} bits; ${size} register(s) hold ${16 * size}`);
    return;
  }
  const { min, max } = rawRange(entry.type, size, point.alwaysKnown === true);
  const low = Math.round(toRaw(entry, point.min));
  const high = Math.round(toRaw(entry, point.max));
  const [rawLow, rawHigh] = low <= high ? [low, high] : [high, low];
  if (rawLow < min || rawHigh > max) {
    problem(
      `type ${entry.type} too small: ${point.id} spans ${point.min}..${point.max} ${point.unit}`.trimEnd() +
        `, raw ${rawLow}..${rawHigh} at scale ${entry.scale ?? 1}, offset ${entry.offset ?? 0}; ${entry.type} holds ${min}..${max}`,
    );
  }
}

function checkScaleFactor(
  entry: RegisterMapEntry,
  point: PointDefinition,
  constants: ReadonlyMap<string, RegisterMapEntry>,
  problem: (reason: string) => void,
): void {
  const sf = constants.get(entry.sf!);
  if (!sf || typeof sf.value !== "number" || sf.type !== "i16") {
    return problem(`scale factor "${entry.sf}" is not a constant i16 entry of this map`);
  }
  const factor = unitFactor(entry.unit, point.unit);
  if (factor === null) return problem(`cannot convert register unit ${entry.unit} to the point's unit ${point.unit}`);
  const expected = 10 ** sf.value * factor;
  if (!nearlyEqual(expected, entry.scale ?? 1)) {
    problem(
      `scale ${entry.scale ?? 1} disagrees with ${entry.sf} = ${sf.value} (10^${sf.value} ${entry.unit ?? point.unit} = ${expected} ${point.unit})`,
    );
  }
}

function overlaps(entries: readonly RegisterMapEntry[]): MapIssue[] {
  const issues: MapIssue[] = [];
  const order = entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.table.localeCompare(b.entry.table) || a.entry.address - b.entry.address);
  let last: { entry: RegisterMapEntry; index: number; end: number } | null = null;
  for (const item of order) {
    const end = item.entry.address + entrySize(item.entry);
    if (last && last.entry.table === item.entry.table && item.entry.address < last.end) {
      issues.push({
        index: item.index,
        entry: entryKey(item.entry),
        reason: `${item.entry.table} ${item.entry.address} overlaps entries[${last.index}] ${entryKey(last.entry)} (${last.entry.address}..${last.end - 1})`,
      });
    }
    if (!last || last.entry.table !== item.entry.table || end > last.end) last = { ...item, end };
  }
  return issues.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
}

/** Validates and returns the map; throws `RegisterMapError` with every issue. */
export function parseRegisterMap(document: unknown, source: string): RegisterMap {
  const issues = validateRegisterMap(document);
  if (issues.length > 0) throw new RegisterMapError(source, issues);
  return document as RegisterMap;
}

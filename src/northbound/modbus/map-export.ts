import { findPoint } from "../../points/catalog.ts";
import { entryAccess, entryKey, entrySize, type RegisterMap, type RegisterMapEntry } from "./map-types.ts";

/** One row of the table a PCS vendor is handed. */
export interface ExportRow {
  readonly table: string;
  readonly address: number;
  readonly registers: number;
  readonly name: string;
  readonly point: string;
  readonly type: string;
  readonly scale: number;
  readonly offset: number;
  readonly unit: string;
  readonly access: string;
  readonly description: string;
}

const TABLE_ORDER = ["holdingRegister", "inputRegister", "coil", "discreteInput"];

export function exportRows(map: RegisterMap): ExportRow[] {
  return [...map.entries]
    .sort((a, b) => TABLE_ORDER.indexOf(a.table) - TABLE_ORDER.indexOf(b.table) || a.address - b.address)
    .map((entry) => {
      const point = entry.point === undefined ? undefined : findPoint(entry.point);
      const constant =
        entry.value === undefined
          ? ""
          : `constant ${entry.value === null ? "not available" : JSON.stringify(entry.value)}`;
      return {
        table: entry.table,
        address: entry.address,
        registers: entrySize(entry),
        name: entryKey(entry),
        point: entry.point ?? "",
        type: entry.type + (entry.bit === undefined ? "" : ` bit ${entry.bit}`),
        scale: entry.scale ?? 1,
        offset: entry.offset ?? 0,
        unit: entry.unit ?? point?.unit ?? "",
        access: entryAccess(entry),
        description: entry.description ?? point?.description ?? constant,
      };
    });
}

const COLUMNS: readonly (keyof ExportRow)[] = [
  "table",
  "address",
  "registers",
  "name",
  "point",
  "type",
  "scale",
  "offset",
  "unit",
  "access",
  "description",
];

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function exportCsv(map: RegisterMap): string {
  const lines = [COLUMNS.join(",")];
  for (const row of exportRows(map)) lines.push(COLUMNS.map((column) => csvCell(row[column])).join(","));
  return `${lines.join("\n")}\n`;
}

function mdCell(value: string | number): string {
  return String(value).replaceAll("|", "\\|").replaceAll("\n", " ");
}

export function exportMarkdown(map: RegisterMap): string {
  const lines = [
    `# Register map ${map.name} ${map.version}`,
    "",
    map.description ?? "",
    "",
    `Unit ids: ${map.unitIds.join(", ")}. Addresses are 0-based protocol addresses. 32-bit values: ${map.wordOrder ?? "big"} word order (${(map.wordOrder ?? "big") === "big" ? "high word first" : "low word first"}). Value = register x scale + offset. Not available: u16 0xFFFF, i16 0x8000, u32 0xFFFFFFFF, i32 0x80000000, bitfield all ones, f32 NaN.`,
    "",
    `| ${COLUMNS.join(" | ")} |`,
    `|${COLUMNS.map(() => "---").join("|")}|`,
  ];
  for (const row of exportRows(map)) lines.push(`| ${COLUMNS.map((column) => mdCell(row[column])).join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}

/** Entries added, removed and changed from `a` to `b`, by entry key. */
export interface MapDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: { readonly entry: string; readonly fields: Record<string, [unknown, unknown]> }[];
}

export function diffMaps(a: RegisterMap, b: RegisterMap): MapDiff {
  const before = new Map(a.entries.map((entry) => [entryKey(entry), entry]));
  const afterMap = new Map(b.entries.map((entry) => [entryKey(entry), entry]));
  const changed: MapDiff["changed"] = [];
  for (const [key, old] of before) {
    const next = afterMap.get(key);
    if (!next) continue;
    const fields: Record<string, [unknown, unknown]> = {};
    for (const field of new Set([...Object.keys(old), ...Object.keys(next)]) as Set<keyof RegisterMapEntry>) {
      if (JSON.stringify(old[field]) !== JSON.stringify(next[field])) fields[field] = [old[field], next[field]];
    }
    if (Object.keys(fields).length > 0) changed.push({ entry: key, fields });
  }
  return {
    added: [...afterMap.keys()].filter((key) => !before.has(key)),
    removed: [...before.keys()].filter((key) => !afterMap.has(key)),
    changed,
  };
}

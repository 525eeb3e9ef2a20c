import { pointCatalog } from "./catalog.ts";
import { isWritable } from "./point.ts";

export interface CatalogRow {
  readonly id: string;
  readonly type: string;
  readonly unit: string;
  readonly range: string;
  readonly writable: string;
  readonly description: string;
}

/** The catalog as `bcu map points` and docs/points.md show it. */
export function catalogRows(): CatalogRow[] {
  return pointCatalog.map((point) => ({
    id: point.id,
    type: point.type,
    unit: point.unit,
    range: `${point.min}..${point.max}`,
    writable: isWritable(point) ? "yes" : "no",
    description:
      point.description +
      (point.enumValues && !point.description.includes(":")
        ? ` Values: ${Object.entries(point.enumValues)
            .map(([value, name]) => `${value} ${name}`)
            .join(", ")}.`
        : "") +
      (point.bits ? ` Bits: ${point.bits.map((name, i) => `${i} ${name}`).join(", ")}.` : ""),
  }));
}

/** docs/points.md, generated: `bcu map points --markdown > docs/points.md`; a test keeps it up to date. */
export function renderPointsMarkdown(): string {
  const cell = (text: string): string => text.replaceAll("|", "\\|");
  const lines = [
    "# Published points",
    "",
    "<!-- Generated from src/points/catalog.ts by `bcu map points --markdown`; do not edit by hand. -->",
    "",
    "Every value the BCU publishes (Modbus register maps, OPC UA, `bcu status`, the replay timeline) is one of these",
    "points. A point that is not known (stale, invalid, not yet estimated, protection not running) is null: the",
    "register maps show their not-available marker (u16 0xFFFF, i16 0x8000, u32 0xFFFFFFFF, i32 0x80000000,",
    "bitfield all ones, f32 NaN). Current and power are positive for discharge. Writable points turn a write into",
    "a BCU command (applied at the next cycle, refused with a reason when unsafe).",
    "",
    "| id | type | unit | range | writable | description |",
    "|---|---|---|---|---|---|",
    ...catalogRows().map(
      (row) =>
        `| \`${row.id}\` | ${row.type} | ${row.unit} | ${row.range} | ${row.writable} | ${cell(row.description)} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

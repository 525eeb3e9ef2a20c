import { strictObject } from "../../src/config/json-schema.ts";
import type { JsonSchema } from "../../src/config/json-schema.ts";
import type { ConfigSection } from "../../src/config/section.ts";

/**
 * A section with every shape a schema may take (nested mappings, lists of scalars, lists of mappings, mappings
 * keyed by the user, enums, nullable values, derived defaults, strings YAML would misread), so the template and
 * the reference are tested against more than the sections registered today.
 */
const number = (description: string, unit?: string): JsonSchema => ({ type: "number", description, unit });

const step = strictObject("One step.", { after_ms: number("Delay.", "ms"), to_pct: number("Target.", "%") });

const level = strictObject("One level of an alarm.", {
  enabled: { type: "boolean", description: "Whether the level is active." },
  threshold: number("Trips beyond it.", "mV"),
  openAtOnceBeyond: {
    anyOf: [{ type: "null" }, { type: "number", minimum: 0, maximum: 5000 }],
    unit: "mV",
    description: "A second threshold (null: none).",
  },
  steps: { type: "array", items: step, description: "Ramp | steps." },
});

const row = strictObject("One row.", {
  temperature_degC: number("Row temperature.", "°C"),
  charge_C: { type: "number", minimum: 0, maximum: 5, unit: "C", description: "Charge rate." },
});

const nestedRow = strictObject("A row with nested values.", {
  id: { type: "string", description: "Row id." },
  tags: { type: "array", items: { type: "string" }, description: "Tags." },
  limits: strictObject("Limits of the row.", { low: number("Low."), high: number("High.") }),
});

export interface ShapesRaw {
  [key: string]: unknown;
}

export const shapesSection: ConfigSection<"shapes", ShapesRaw, ShapesRaw> = {
  key: "shapes",
  schema: strictObject(
    "Every shape a section may have.",
    {
      name: { type: "string", minLength: 1, description: "A plain string." },
      tricky: {
        type: "array",
        items: { type: "string" },
        description: "Strings YAML would misread if written bare.",
      },
      multiLine: { type: "string", description: "A string with a line break." },
      mode: { type: "string", enum: ["fast", "slow", "off"], description: "An enum." },
      limit_V: {
        anyOf: [{ type: "null" }, { type: "number", exclusiveMinimum: 0 }],
        unit: "V",
        description: "Nullable, set.",
      },
      nothing: { anyOf: [{ type: "null" }, { type: "number" }], description: "Nullable, null by default." },
      ports: {
        type: "array",
        items: { type: "integer", minimum: 1, maximum: 65535 },
        minItems: 1,
        description: "A list of scalars.",
      },
      longList: { type: "array", items: { type: "number" }, description: "A list too long for one line." },
      emptyList: { type: "array", items: row, description: "An empty list of mappings." },
      derate: { type: "array", items: row, minItems: 2, description: "A table of flat rows." },
      nestedRows: { type: "array", items: nestedRow, description: "Rows that are not flat." },
      matrix: {
        type: "array",
        items: { type: "array", items: { type: "number" } },
        description: "A list of lists.",
      },
      table: {
        type: "object",
        description: "Alarms keyed by an id of the user's choosing.",
        additionalProperties: strictObject("One alarm.", { level1: level, level2: level }),
      },
      emptyTable: {
        type: "object",
        description: "A keyed table with no entry by default.",
        additionalProperties: level,
      },
      thresholdsById: {
        type: "object",
        description: "Numbers keyed by id.",
        additionalProperties: number("Threshold of that id.", "mV"),
      },
      anything: { type: "object", description: "Free-form: any keys, any values." },
      paths: strictObject(
        "A group whose keys all derive from others.",
        {
          socket: { type: "string", defaultDescription: "<name>.sock", description: "Derived string." },
          extra: {
            type: "array",
            items: { type: "string" },
            defaultDescription: "[<name>]",
            description: "Derived list.",
          },
        },
        ["socket", "extra"],
      ),
      optionalGroup: strictObject("A group absent from the defaults.", { a: number("A."), b: number("B.") }),
    },
    ["paths", "optionalGroup"],
  ),
  defaults: {
    name: "rack-1",
    tricky: ["yes", "null", "#not a comment", "a: b", "- dash", "", " padded ", "0x1F", "@at", "`tick`"],
    multiLine: "first line\nsecond line: with colon",
    mode: "slow",
    limit_V: 850.5,
    nothing: null,
    ports: [502, 4840],
    longList: Array.from({ length: 40 }, (_, i) => i * 1.25),
    emptyList: [],
    derate: [
      { temperature_degC: -20, charge_C: 0 },
      { temperature_degC: 15, charge_C: 1 },
      { temperature_degC: 60, charge_C: 0 },
    ],
    nestedRows: [
      { id: "r1", tags: ["x", "y"], limits: { low: 1, high: 2 } },
      { id: "r2", tags: [], limits: { low: -1, high: 1e6 } },
    ],
    matrix: [
      [1, 2],
      [3, 4.5],
    ],
    table: {
      cellOverVoltage: {
        level1: { enabled: true, threshold: 3600, openAtOnceBeyond: null, steps: [] },
        level2: { enabled: false, threshold: 3650, openAtOnceBeyond: 3700, steps: [{ after_ms: 100, to_pct: 50 }] },
      },
      "odd key: with colon": {
        level1: { enabled: true, threshold: 1, openAtOnceBeyond: null, steps: [] },
        level2: { enabled: true, threshold: 2, openAtOnceBeyond: null, steps: [] },
      },
    },
    emptyTable: {},
    thresholdsById: { a: 1, "b c": 2 },
    anything: { nested: { deep: [1, { x: "y" }] }, flag: true },
    paths: {},
  },
  resolve: (raw) => {
    const paths = raw.paths as { socket?: string; extra?: string[] };
    return {
      ...raw,
      paths: { socket: paths.socket ?? `${String(raw.name)}.sock`, extra: paths.extra ?? [String(raw.name)] },
      optionalGroup: raw.optionalGroup ?? { a: 1, b: 2 },
    };
  },
};

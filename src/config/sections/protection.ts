import { ALARM_IDS } from "../../bcu/protection/alarm-ids.ts";
import {
  checkProtectionConfig,
  OPEN_MODES,
  resolveProtectionConfig,
  type ProtectionConfig,
  type ProtectionConfigDocument,
} from "../../bcu/protection/protection-config.ts";
import { defaultProtectionDocument } from "../../bcu/protection/protection-defaults.ts";
import type { JsonSchema } from "../json-schema.ts";
import { durationMsSchema, strictObject } from "../json-schema.ts";
import type { ConfigSection } from "../section.ts";

function levelProperties(unit: string, about: string): Record<string, JsonSchema> {
  return {
    enabled: { type: "boolean", description: `Evaluate this level (${about}).` },
    threshold: { type: "number", unit, description: "The level trips when the value reaches this." },
    release: {
      type: "number",
      unit,
      description: "Hysteresis: the level clears only once the value is back at or past this.",
    },
    setDebounce_ms: durationMsSchema(
      "The condition must hold this long (measurement time) before the level trips.",
      0,
      600000,
    ),
    clearDebounce_ms: durationMsSchema("The value must stay released this long before the level clears.", 0, 600000),
    latching: {
      type: "boolean",
      description: "Once tripped, the level stays until its cause is gone and a reset command is accepted.",
    },
  };
}

function windowEdge(description: string): JsonSchema {
  return { type: "number", minimum: 2000, maximum: 5000, unit: "mV", description };
}

function rowSchema(definition: (typeof ALARM_IDS)[number]): JsonSchema {
  const unit = definition.tableUnit;
  const level1 = strictObject("Level 1: report.", levelProperties(unit, "warn"));
  const level2 = strictObject("Level 2: derate the limits and report.", {
    ...levelProperties(unit, "derate"),
    derateFactor: {
      type: "number",
      minimum: 0,
      maximum: 1,
      description: "Multiplier of the charge and discharge limits while level 2 is active.",
    },
  });
  const level3 = strictObject("Level 3: limits to 0, PCS stop, contactors open.", {
    ...levelProperties(unit, "stop and disconnect"),
    open: {
      type: "string",
      enum: OPEN_MODES,
      description:
        "When the contactors open: afterGrace (after gracePeriod_ms), immediate, or immediate only while charging / discharging.",
    },
    openAtOnceBeyond: {
      description: "A second threshold past which the contactors open at once (null: none).",
      anyOf: [{ type: "null" }, { type: "number" }],
      unit,
    },
  });
  return strictObject(
    `${definition.title} (${definition.direction === "high" ? "trips high" : "trips low"}, ${unit}): ${definition.description}`,
    { level1, level2, level3 },
  );
}

/**
 * `protection`: the one table of thresholds, hysteresis, debounce, latching and actions (docs/alarms.md). In a
 * file the table is a mapping by alarm id, so one row or one level can be changed alone.
 */
export const protectionSection: ConfigSection<"protection", ProtectionConfig, ProtectionConfigDocument> = {
  key: "protection",
  schema: strictObject(
    "Protection: three levels per alarm (1 warn, 2 derate, 3 stop and disconnect). See docs/alarms.md.",
    {
      gracePeriod_ms: durationMsSchema(
        "Time the PCS gets to ramp down after a level-3 fault before the contactors open (open mode afterGrace).",
        0,
        60000,
      ),
      restCurrent_A: {
        type: "number",
        minimum: 0,
        maximum: 100,
        unit: "A",
        description:
          "Below this current magnitude the rack rests; above it, it charges or discharges (charge/discharge limits).",
      },
      cellVoltageDifferenceWindow_mV: strictObject(
        "cellVoltageDifference is judged only while the mean cell voltage is within low..high (the LFP plateau). Outside, at the steep ends of the curve, a healthy capacity spread reads as hundreds of mV: the alarm holds its state, and cellUnderVoltage / cellOverVoltage protect each cell.",
        {
          low: windowEdge("Lower end of the window on the mean cell voltage (included)."),
          high: windowEdge("Upper end of the window on the mean cell voltage (included); above low."),
          cellResistance_mOhm: {
            type: "number",
            minimum: 0,
            maximum: 20,
            unit: "mΩ",
            description:
              "Per-cell DC resistance that brings the measured mean back to rest (mean + I·R, I > 0 discharging) before the window is applied, so a charge current cannot lift the steep bottom into the window.",
          },
        },
      ),
      table: strictObject(
        "One row per alarm id.",
        Object.fromEntries(ALARM_IDS.map((definition) => [definition.id, rowSchema(definition)])),
      ),
    },
  ),
  defaults: defaultProtectionDocument(),
  resolve: resolveProtectionConfig,
  check: checkProtectionConfig,
};

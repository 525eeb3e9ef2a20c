import {
  checkBalancingConfig,
  defaultBalancingConfig,
  type BalancingConfig,
} from "../../bcu/balancing/balancing-config.ts";
import { MAX_CELLS_PER_BMU } from "./rack.ts";
import { durationMsSchema, strictObject } from "../json-schema.ts";
import { defineSection } from "../section.ts";

export const balancingSection = defineSection<"balancing", BalancingConfig>({
  key: "balancing",
  schema: strictObject("Passive balancing: the BMUs bleed the cells the BCU names.", {
    enabled: { type: "boolean", description: "Balance at all." },
    threshold_mV: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 500,
      unit: "mV",
      description: "A cell starts bleeding when it is more than this above the lowest valid cell of the rack.",
    },
    release_mV: {
      type: "number",
      minimum: 0,
      maximum: 500,
      unit: "mV",
      description: "A bleeding cell stops once it is at most this above the lowest (below threshold_mV).",
    },
    minCellVoltage_mV: {
      type: "number",
      minimum: 2000,
      maximum: 4500,
      unit: "mV",
      description:
        "Only cells at or above this bleed (LFP: near full, where a voltage difference is a charge difference).",
    },
    allowWhile: {
      type: "string",
      enum: ["rest", "restOrCharging"],
      description: "Balance at rest only, or also while charging; never while discharging.",
    },
    restCurrent_A: {
      type: "number",
      minimum: 0,
      maximum: 100,
      unit: "A",
      description: "At or below this current magnitude the rack rests.",
    },
    maxModuleTemperature_degC: {
      type: "number",
      minimum: 0,
      maximum: 100,
      unit: "°C",
      description: "A module hotter than this (its hottest valid sensor) does not bleed.",
    },
    maxCellsPerBmu: {
      type: "integer",
      minimum: 1,
      maximum: MAX_CELLS_PER_BMU,
      description:
        "At most this many cells of one BMU bleed at once (the highest first): the resistors heat the board.",
    },
    commandTimeout_s: {
      type: "integer",
      minimum: 2,
      maximum: 255,
      unit: "s",
      description: "Sent in each command (every 1 s): the BMU stops bleeding when no fresh command arrives within it.",
    },
    overTemperatureHoldOff_ms: durationMsSchema(
      "A BMU that reports balancing over-temperature is left alone this long.",
      0,
      86400000,
    ),
  }),
  defaults: defaultBalancingConfig(),
  check: checkBalancingConfig,
});

import { BMU_NODE_MAX, BMU_NODE_MIN } from "../../can/codecs/messages.ts";
import { strictObject } from "../json-schema.ts";
import { defineSection } from "../section.ts";
import type { SectionIssue } from "../section.ts";

/** Limits of the BMU CAN protocol (DESIGN.md, "CAN: reference protocols"). */
/** The balancing command's mask is a u32: bit i = cell i+1. */
export const MAX_CELLS_PER_BMU = 32;
/** BMU_Temperatures multiplexes 6 sensors per frame over groups 0..5. */
export const MAX_TEMPERATURE_SENSORS_PER_BMU = 36;

export interface CellConfig {
  readonly chemistry: "LFP";
  readonly capacity_Ah: number;
  readonly nominalVoltage_V: number;
  readonly maxVoltage_V: number;
  readonly minVoltage_V: number;
}

export interface RackConfig {
  readonly bmuCount: number;
  readonly firstBmuNode: number;
  readonly cellsPerBmu: number;
  readonly temperatureSensorsPerBmu: number;
  readonly cell: CellConfig;
}

const cellSchema = strictObject("The cells: one string of identical cells in series (1P).", {
  chemistry: {
    type: "string",
    enum: ["LFP"],
    description: "Cell chemistry; selects the OCV table used to calibrate the SOC. LFP = lithium iron phosphate.",
  },
  capacity_Ah: {
    type: "number",
    exclusiveMinimum: 0,
    maximum: 2000,
    unit: "Ah",
    description: "Rated capacity of one cell (the rack's capacity, as the cells are in series).",
  },
  nominalVoltage_V: {
    type: "number",
    exclusiveMinimum: 0,
    maximum: 5,
    unit: "V",
    description: "Nominal cell voltage; the rack's rated energy is cells x this x capacity.",
  },
  maxVoltage_V: {
    type: "number",
    exclusiveMinimum: 0,
    maximum: 5,
    unit: "V",
    description: "Highest voltage a cell may be charged to (the datasheet's charge cut-off).",
  },
  minVoltage_V: {
    type: "number",
    exclusiveMinimum: 0,
    maximum: 5,
    unit: "V",
    description: "Lowest voltage a cell may be discharged to (the datasheet's discharge cut-off).",
  },
});

export const rackSection = defineSection<"rack", RackConfig>({
  key: "rack",
  schema: strictObject("The rack: its BMUs (one per battery module) and its cells.", {
    bmuCount: {
      type: "integer",
      minimum: 1,
      maximum: BMU_NODE_MAX,
      description: "Number of BMUs (battery modules) in the rack, each on its own CAN node address.",
    },
    firstBmuNode: {
      type: "integer",
      minimum: BMU_NODE_MIN,
      maximum: BMU_NODE_MAX,
      description: "CAN node address of the first module's BMU; the others follow: firstBmuNode + 0 .. bmuCount - 1.",
    },
    cellsPerBmu: {
      type: "integer",
      minimum: 1,
      maximum: MAX_CELLS_PER_BMU,
      description: "Cells in series per module, measured by its BMU.",
    },
    temperatureSensorsPerBmu: {
      type: "integer",
      minimum: 1,
      maximum: MAX_TEMPERATURE_SENSORS_PER_BMU,
      description: "Cell temperature sensors per module.",
    },
    cell: cellSchema,
  }),
  defaults: {
    // 15 x 16 = 240 cells in series (1P240S): about 768 V nominal and 215 kWh with 280 Ah LFP cells.
    bmuCount: 15,
    firstBmuNode: 1,
    cellsPerBmu: 16,
    temperatureSensorsPerBmu: 8,
    cell: { chemistry: "LFP", capacity_Ah: 280, nominalVoltage_V: 3.2, maxVoltage_V: 3.65, minVoltage_V: 2.5 },
  },
  check: checkRack,
});

function checkRack(rack: RackConfig): SectionIssue[] {
  const issues: SectionIssue[] = [];
  const lastNode = rack.firstBmuNode + rack.bmuCount - 1;
  if (lastNode > BMU_NODE_MAX) {
    issues.push({
      path: "bmuCount",
      reason:
        `${rack.bmuCount} BMUs from node ${rack.firstBmuNode} would need node addresses up to ${lastNode}, ` +
        `but BMU node addresses end at ${BMU_NODE_MAX}: use at most ${BMU_NODE_MAX - rack.firstBmuNode + 1} BMUs ` +
        `or a lower firstBmuNode`,
    });
  }
  const { minVoltage_V, nominalVoltage_V, maxVoltage_V } = rack.cell;
  if (!(minVoltage_V < nominalVoltage_V)) {
    issues.push({
      path: "cell.minVoltage_V",
      reason: `must be below cell.nominalVoltage_V (${nominalVoltage_V} V), got ${minVoltage_V} V`,
    });
  }
  if (!(nominalVoltage_V < maxVoltage_V)) {
    issues.push({
      path: "cell.maxVoltage_V",
      reason: `must be above cell.nominalVoltage_V (${nominalVoltage_V} V), got ${maxVoltage_V} V`,
    });
  }
  return issues;
}

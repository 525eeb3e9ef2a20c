import { defaultInsulationConfig, type InsulationConfig } from "../../bcu/insulation/insulation-config.ts";
import { durationMsSchema, strictObject } from "../json-schema.ts";
import { defineSection } from "../section.ts";

const nullableOhmPerV = (description: string) => ({
  description,
  anyOf: [{ type: "null" as const }, { type: "number" as const, exclusiveMinimum: 0, maximum: 100000 }],
  unit: "Ω/V",
});

export const insulationSection = defineSection<"insulation", InsulationConfig>({
  key: "insulation",
  schema: strictObject(
    "The insulation monitor (Bender iso165C on the rack's CAN bus). Its alarm levels are the protection table's insulationResistance row, in Ω/V of the nominal voltage.",
    {
      enabled: {
        type: "boolean",
        description:
          "This BCU drives an insulation monitor (0x022/0x023/0x037); false: no driver and no insulation alarms.",
      },
      nominalVoltage_V: {
        description:
          "Basis of the Ω/V levels; null: the rack's nominal voltage (cells in series x the cell's nominal voltage, 768 V by default).",
        anyOf: [{ type: "null" }, { type: "number", exclusiveMinimum: 0, maximum: 2000 }],
        unit: "V",
      },
      measuresWhileClosed: {
        type: "boolean",
        description:
          "One measuring device per IT system: true when this monitor measures with the contactors closed; false when the PCS's own monitor watches the connected system (this one is then decoupled while closed).",
      },
      deviceWarning_ohmPerV: nullableOhmPerV(
        "Threshold of the device's own warning bit; null: the protection table's insulationResistance level 1.",
      ),
      deviceError_ohmPerV: nullableOhmPerV(
        "Threshold of the device's own insulation-fault bit; null: the protection table's insulationResistance level 3.",
      ),
      unlockPassword: {
        type: "integer",
        minimum: 0,
        maximum: 65535,
        description: "Password of the unlock command (0xCA) the start-up sends.",
      },
      requestTimeout_ms: durationMsSchema("A request with no response within this is sent again.", 50, 10000),
      requestRetries: {
        type: "integer",
        minimum: 0,
        maximum: 10,
        description: "Repetitions of an unanswered request before the monitor counts as faulty.",
      },
      silenceTimeout_ms: durationMsSchema(
        "No IMD_Info (sent every 1 s) for this long: the monitor is faulty, its last value is not used.",
        2000,
        60000,
      ),
      selfTestTimeout_ms: durationMsSchema("The device's self-test must be reported done within this.", 1000, 300000),
      restartDelay_ms: durationMsSchema("After a monitor fault, the start-up is tried again after this.", 1000, 600000),
    },
  ),
  defaults: defaultInsulationConfig(),
});

import { defaultContactorConfig, type ContactorConfig } from "../../bcu/contactors/contactor-config.ts";
import { durationMsSchema, strictObject } from "../json-schema.ts";
import { defineSection } from "../section.ts";

export const contactorsSection = defineSection<"contactors", ContactorConfig>({
  key: "contactors",
  schema: strictObject("The contactor sequence (precharge, main+, main−) and its supervision.", {
    prechargeTarget_pct: {
      type: "number",
      minimum: 50,
      maximum: 100,
      unit: "%",
      description: "Main+ closes once the DC link (IVT U2) reaches this share of the pack voltage (IVT U1).",
    },
    prechargeTimeout_ms: durationMsSchema(
      "The precharge fails when the link has not reached the target within this.",
      100,
      60000,
    ),
    weldCheckDelay_ms: durationMsSchema(
      "After an open command, wait this long before judging feedback, current and link voltage for a weld.",
      100,
      60000,
    ),
    weldCurrent_A: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1000,
      unit: "A",
      description: "A current above this after the weld-check delay means a main contactor still conducts.",
    },
    weldLinkVoltage_pct: {
      description:
        "The DC link still at or above this share of the pack voltage after the weld-check delay is a weld; null switches the check off (a PCS that keeps its link charged).",
      anyOf: [{ type: "null" }, { type: "number", minimum: 50, maximum: 100 }],
      unit: "%",
    },
    closeAtStartup: {
      type: "boolean",
      description: "Close the contactors once at start-up, as if a close command had arrived.",
    },
    shuntTripOnWeld: {
      type: "boolean",
      description: "Trip the DC breaker (shunt trip) while a weld is detected; the breaker then needs closing by hand.",
    },
    ratedBreakingCurrent_A: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 100000,
      unit: "A",
      description:
        "The main contactors' rated breaking current: above it the BCU trips the DC breaker instead of opening them (they would weld), and opens them once the current is below it or the breaker is open.",
    },
    openOnDoorOpen: {
      type: "boolean",
      description: "Open the contactors when the cabinet door opens.",
    },
    refuseCloseWhileDoorOpen: {
      type: "boolean",
      description: "Refuse a close request while the cabinet door is open.",
    },
  }),
  defaults: defaultContactorConfig(),
});

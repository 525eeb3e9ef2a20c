import { durationMsSchema, strictObject } from "../json-schema.ts";
import { defineSection } from "../section.ts";

export interface CycleConfig {
  readonly period_ms: number;
}

export const cycleSection = defineSection<"cycle", CycleConfig>({
  key: "cycle",
  schema: strictObject("The control cycle: estimation, protection and control run once per period.", {
    period_ms: durationMsSchema(
      "Period of the control cycle; also the period of the contactor command (the unit opens after 500 ms without one).",
      10,
      250,
    ),
  }),
  defaults: { period_ms: 100 },
});

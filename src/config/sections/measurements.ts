import { durationMsSchema, strictObject } from "../json-schema.ts";
import { defineSection } from "../section.ts";

export interface MeasurementsConfig {
  readonly cellVoltageTimeout_ms: number;
  readonly temperatureTimeout_ms: number;
  readonly bmuStatusTimeout_ms: number;
  readonly currentSensorTimeout_ms: number;
  readonly contactorFeedbackTimeout_ms: number;
}

// Each timeout must be longer than its frame's period (DESIGN.md), or a healthy sender would look lost.
export const measurementsSection = defineSection<"measurements", MeasurementsConfig>({
  key: "measurements",
  schema: strictObject(
    "How long a received value stays usable; an older one is stale: a communication loss, never a frozen value.",
    {
      cellVoltageTimeout_ms: durationMsSchema(
        "Age after which a cell voltage is stale (BMU_CellVoltages are sent every 100 ms).",
        101,
        60000,
      ),
      temperatureTimeout_ms: durationMsSchema(
        "Age after which a cell temperature is stale (BMU_Temperatures are sent every 1 s).",
        1001,
        60000,
      ),
      bmuStatusTimeout_ms: durationMsSchema(
        "Age after which a BMU's status is stale and the BMU counts as lost (BMU_Status is sent every 1 s).",
        1001,
        60000,
      ),
      currentSensorTimeout_ms: durationMsSchema(
        "Age after which the IVT-S current and voltages are stale (sent every 10..100 ms).",
        101,
        60000,
      ),
      contactorFeedbackTimeout_ms: durationMsSchema(
        "Age after which the contactor unit's feedback is stale (HVU_ContactorFb is sent every 100 ms).",
        101,
        60000,
      ),
    },
  ),
  defaults: {
    cellVoltageTimeout_ms: 500,
    temperatureTimeout_ms: 3000,
    bmuStatusTimeout_ms: 3000,
    currentSensorTimeout_ms: 300,
    contactorFeedbackTimeout_ms: 500,
  },
});

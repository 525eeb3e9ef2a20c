import { defaultEstimationConfig, type EstimationConfig } from "../../bcu/estimation/config.ts";
import { durationMsSchema, strictObject, type JsonSchema } from "../json-schema.ts";
import { defineSection, type SectionIssue } from "../section.ts";

function num(description: string, unit: string, minimum: number, maximum: number, exclusive = false): JsonSchema {
  return exclusive
    ? { type: "number", exclusiveMinimum: minimum, maximum, unit, description }
    : { type: "number", minimum, maximum, unit, description };
}

function rating(description: string): JsonSchema {
  return strictObject(description, {
    continuous: num("Continuous current.", "C", 0, 5),
    s60: num("Current for 60 s.", "C", 0, 5),
    s10: num("Current for 10 s.", "C", 0, 10),
  });
}

const derateRow = strictObject("One row of the datasheet's temperature table.", {
  temperature_degC: num("Cell temperature of this row.", "°C", -50, 100),
  charge_C: num("Highest charge current at this temperature (0 = no charge).", "C", 0, 5),
  discharge_C: num("Highest discharge current at this temperature.", "C", 0, 10),
});

export const estimationSection = defineSection<"estimation", EstimationConfig>({
  key: "estimation",
  schema: strictObject("SOC, SOH and SOP estimation (docs/estimation.md). Defaults suit 280 Ah LFP cells.", {
    coulombicEfficiency: num("Charge stored / charge put in; applied to charge current only.", "", 0.9, 1),
    restCurrent_A: num("Below this current magnitude the rack rests.", "A", 0, 100, true),
    restTime_ms: durationMsSchema("Rest this long before a cell voltage counts as its OCV.", 60000, 86400000),
    ocvUncertainty_mV: num(
      "σ of a rested cell voltage against the OCV table (table, relaxation, noise).",
      "mV",
      0,
      100,
      true,
    ),
    ocvUncertaintyPerKelvinBelow25_mV: num("Added to that σ per kelvin below 25 °C.", "mV", 0, 10),
    hysteresisThroughput_pct: num(
      "SOC throughput that moves the cells from one OCV branch to the other.",
      "%",
      0,
      100,
      true,
    ),
    currentGainUncertainty: num("σ of the current sensor's gain, for the SOC uncertainty (0.01 = 1 %).", "", 0, 0.2),
    currentOffsetUncertainty_A: num("σ of the current sensor's offset before it is learned.", "A", 0, 10, true),
    currentOffsetLimit_A: num("Largest offset the BCU learns and subtracts.", "A", 0, 20),
    persistedMaxAge_ms: durationMsSchema(
      "A stored state older than this is not used at start-up; the OCV is.",
      0,
      365 * 86400000,
    ),
    persistedSocUncertainty_pct: num("SOC σ assumed for a fresh stored state.", "%", 0, 50),
    chargeCellVoltageLimit_mV: num(
      "Cell voltage SOP never lets the charge pass; the top calibration happens near it.",
      "mV",
      3000,
      4500,
    ),
    dischargeCellVoltageLimit_mV: num(
      "Cell voltage SOP never lets the discharge pass; the bottom calibration happens near it.",
      "mV",
      2000,
      3500,
    ),
    endCalibrationMargin_mV: num(
      "A cell this close to a voltage limit, with the current tapered, is at that end.",
      "mV",
      0,
      500,
    ),
    endCalibrationCurrent_A: num("Current magnitude at or below which the taper has finished.", "A", 0, 1000, true),
    endCalibrationRearm_pct: num(
      "SOC a cell must leave an end by before that end calibrates again (and stops the charge or discharge until then).",
      "%",
      0,
      50,
    ),
    packSocRateFactor: num(
      "The published SOC moves at most this many times faster than the current explains ...",
      "",
      1,
      100,
    ),
    packSocRestRate_pct_per_min: num("... plus this, so a correction at rest still arrives.", "%/min", 0, 100),
    capacityMinSwing_pct: num("Least SOC swing between two trusted SOC points for a capacity sample.", "%", 10, 100),
    capacityPriorUncertainty_pct: num(
      "σ of the capacity before any evidence, of the rated capacity.",
      "%",
      0,
      50,
      true,
    ),
    capacityDriftPerSample_pct: num(
      "How much the capacity may drift between two samples (filter process noise).",
      "%",
      0,
      10,
    ),
    cellR0_mOhm: num(
      "Cell ohmic resistance at 25 °C when new (refined from current steps; the resistance SOH reference).",
      "mΩ",
      0,
      100,
      true,
    ),
    cellR1_mOhm: num("Cell equivalent circuit: resistance of the fast RC pair at 25 °C.", "mΩ", 0, 100),
    cellTau1_s: num("Time constant of the fast RC pair.", "s", 0, 10000, true),
    cellR2_mOhm: num("Resistance of the slow RC pair at 25 °C.", "mΩ", 0, 100),
    cellTau2_s: num("Time constant of the slow RC pair.", "s", 0, 100000, true),
    resistanceActivation_K: num("Arrhenius factor of the resistances (Ea/R).", "K", 0, 20000),
    resistanceStep_A: num("Current change that counts as a step for a resistance sample ...", "A", 0, 2000, true),
    resistanceWindow_ms: durationMsSchema("... within this time.", 100, 60000),
    resistanceFilterGain: num("Gain of the per-cell resistance filter per sample.", "", 0, 1, true),
    resistanceSocMin_pct: num(
      "A cell takes resistance samples only above this SOC (resistance rises toward the ends; SOH wants mid SOC).",
      "%",
      0,
      100,
    ),
    resistanceSocMax_pct: num("... and only below this SOC.", "%", 0, 100),
    continuousHorizon_s: num("Horizon of the continuous SOP.", "s", 60, 86400),
    chargeRating_C: rating("Rated charge currents from the datasheet."),
    dischargeRating_C: rating("Rated discharge currents from the datasheet."),
    temperatureDerate: {
      type: "array",
      minItems: 2,
      items: derateRow,
      description: "The datasheet's temperature table, rows by rising temperature; interpolated, 0 outside it.",
    },
    chargeSocDerateStart_pct: num("Charge current falls linearly above this SOC of the fullest cell ...", "%", 50, 100),
    dischargeSocDerateStart_pct: num("... discharge current below this SOC of the emptiest cell ...", "%", 0, 50),
    socDerateFloor_C: num("... to this floor (the voltage limits stop the cells at the ends).", "C", 0, 1),
    energyDischargeRate_C: num("Discharge rate assumed for the remaining-energy figure's resistive loss.", "C", 0, 5),
  }),
  defaults: defaultEstimationConfig,
  check: checkEstimation,
});

function checkEstimation(config: EstimationConfig): SectionIssue[] {
  const issues: SectionIssue[] = [];
  if (!(config.dischargeCellVoltageLimit_mV < config.chargeCellVoltageLimit_mV)) {
    issues.push({
      path: "dischargeCellVoltageLimit_mV",
      reason: `must be below chargeCellVoltageLimit_mV (${config.chargeCellVoltageLimit_mV} mV), got ${config.dischargeCellVoltageLimit_mV} mV`,
    });
  }
  if (!(config.resistanceSocMin_pct < config.resistanceSocMax_pct)) {
    issues.push({
      path: "resistanceSocMax_pct",
      reason: `must be above resistanceSocMin_pct (${config.resistanceSocMin_pct} %), got ${config.resistanceSocMax_pct} %`,
    });
  }
  const rows = config.temperatureDerate;
  for (let k = 1; k < rows.length; k++) {
    if (!(rows[k].temperature_degC > rows[k - 1].temperature_degC)) {
      issues.push({
        path: `temperatureDerate.${k}.temperature_degC`,
        reason: `rows must rise in temperature: ${rows[k].temperature_degC} °C follows ${rows[k - 1].temperature_degC} °C`,
      });
    }
  }
  return issues;
}

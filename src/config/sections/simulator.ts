import { defaultSimulatorOptions, simulatorOptionsSchema } from "../../sim/options.ts";
import type { SimulatorOptions } from "../../sim/options.ts";
import type { JsonSchema } from "../json-schema.ts";
import type { ConfigSection } from "../section.ts";
import { defineSection } from "../section.ts";

/** The simulated rack: `enabled` is ours, every other key is an option of the simulator (`src/sim/options.ts`). */
export type SimulatorConfig = SimulatorOptions & { readonly enabled: boolean };

const enabledSchema: JsonSchema = {
  type: "boolean",
  description:
    "Run the simulated rack (BMUs, current sensor, contactor unit, a PCS) on the in-process CAN bus. " +
    "Only with `can.transport: virtual`.",
};

/**
 * Descriptions and units for the simulator's options that its schema leaves without one (the docs and
 * `bcu config init` need one per key). The simulator's own description wins where it has one; a test checks that
 * every path here still exists.
 */
export const simulatorKeyDocs: Readonly<Record<string, { readonly description: string; readonly unit?: string }>> = {
  ambient_degC: { description: "Ambient air temperature around the modules.", unit: "°C" },
  initialSoc: { description: "Mean state of charge of the cells at start, 0..1." },
  "spread.capacity": { description: "Cell-to-cell spread of capacity, one standard deviation, relative (0.01 = 1 %)." },
  "spread.resistance": {
    description: "Cell-to-cell spread of the resistances R0, R1, R2, one standard deviation, relative (0.05 = 5 %).",
  },
  "spread.initialSoc": { description: "Cell-to-cell spread of the initial SOC, one standard deviation, absolute." },
  "spread.selfDischarge": {
    description: "Cell-to-cell spread of the self-discharge rate, one standard deviation, relative to the mean.",
  },
  capacityFactor: { description: "True capacity / nominal capacity, e.g. 0.92 for an aged rack." },
  "currentSensor.gainError": { description: "Relative gain error of the IVT-S (0.005 = reads 0.5 % high)." },
  "currentSensor.offset_A": { description: "Offset of the IVT-S current reading.", unit: "A" },
  "currentSensor.noise_A": { description: "Standard deviation of the white noise on each current sample.", unit: "A" },
  "currentSensor.cycle_ms": {
    description: "Cycle of the IVT-S I, U1 and U2 results (the IVT-S can do 10..100 ms).",
    unit: "ms",
  },
  cellVoltageNoise_mV: {
    description: "Standard deviation of the BMU cell voltage measurement noise (values are sent in 1 mV steps).",
    unit: "mV",
  },
  temperatureResolution_degC: {
    description: "Quantisation of the BMU temperatures (the protocol carries whole °C).",
    unit: "°C",
  },
  physicsStep_ms: { description: "Step of the cell, thermal and DC-link physics.", unit: "ms" },
  "profile.name": { description: "Built-in PCS power profile." },
  "profile.scale": { description: "Multiplies the profile's power (0 = the PCS stays idle)." },
  "pcs.rampRate_A_per_s": {
    description: "How fast the PCS ramps its current up (and down when no limit forces it).",
    unit: "A/s",
  },
  "pcs.chargeStopCellVoltage_V": {
    description: "The PCS's own charge stop while the BCU publishes no limits, per cell in series.",
    unit: "V",
  },
  "pcs.dischargeStopCellVoltage_V": {
    description: "The PCS's own discharge stop while the BCU publishes no limits, per cell in series.",
    unit: "V",
  },
  "dcLink.capacitance_F": { description: "Capacitance of the DC link on the PCS side of the contactors.", unit: "F" },
  "dcLink.prechargeResistance_ohm": { description: "Resistance of the precharge circuit.", unit: "ohm" },
  "thermal.moduleHeatCapacity_J_per_K": {
    description: "Heat capacity of one module (cells and housing).",
    unit: "J/K",
  },
  "thermal.moduleThermalResistance_K_per_W": {
    description: "Thermal resistance from one module to the ambient air.",
    unit: "K/W",
  },
};

/** `schema` with `simulatorKeyDocs` filled in where it has no description or unit of its own. */
function documented(schema: JsonSchema, prefix: string): JsonSchema {
  if (schema.properties === undefined) return schema;
  const properties = Object.fromEntries(
    Object.entries(schema.properties).map(([name, child]) => {
      const path = prefix === "" ? name : `${prefix}.${name}`;
      const docs = simulatorKeyDocs[path];
      const filled: JsonSchema = {
        ...child,
        ...(child.description === undefined && docs !== undefined ? { description: docs.description } : {}),
        ...(child.unit === undefined && docs?.unit !== undefined ? { unit: docs.unit } : {}),
      };
      return [name, documented(filled, path)];
    }),
  );
  return { ...schema, properties };
}

/** The one place the simulator's options are wired into the configuration. */
export function simulatorSection(): ConfigSection<"simulator", SimulatorConfig> {
  const options = documented(simulatorOptionsSchema as unknown as JsonSchema, "");
  return defineSection<"simulator", SimulatorConfig>({
    key: "simulator",
    schema: {
      type: "object",
      description: "The rack simulator that drives the virtual CAN bus (the embedded default runs it).",
      properties: { enabled: enabledSchema, ...options.properties },
      required: ["enabled", ...(options.required ?? [])],
      additionalProperties: false,
    },
    defaults: { enabled: true, ...structuredClone(defaultSimulatorOptions) },
  });
}

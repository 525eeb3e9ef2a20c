/**
 * Options of the rack simulator. The configuration places this object under `simulator` in the config file;
 * `simulatorOptionsSchema` validates it with ajv (all properties optional there, defaults filled from
 * `defaultSimulatorOptions` by `resolveSimulatorOptions`).
 */

/** Names of the built-in PCS power profiles (see `power-profile.ts`). */
export const POWER_PROFILE_NAMES = ["ci-day", "idle"] as const;
export type PowerProfileName = (typeof POWER_PROFILE_NAMES)[number];

export interface SimulatorOptions {
  /** Seed of every random draw (cell spread, sensor noise): same seed, same frames. */
  readonly seed: number;
  readonly ambient_degC: number;
  /** Mean initial state of charge of the cells, 0..1. */
  readonly initialSoc: number;
  /** Cell-to-cell spread, one standard deviation each. */
  readonly spread: {
    /** Relative (0.01 = 1 % of capacity). */
    readonly capacity: number;
    /** Relative (0.05 = 5 % of R0, R1, R2). */
    readonly resistance: number;
    /** Absolute SOC (0.01 = 1 %). */
    readonly initialSoc: number;
    /** Relative to the mean self-discharge rate (0.5 = 50 %). */
    readonly selfDischarge: number;
  };
  /** True capacity / nominal capacity, e.g. 0.92 for an aged rack. */
  readonly capacityFactor: number;
  /** IVT-S current sensor errors and cycle. */
  readonly currentSensor: {
    /** Relative gain error (0.005 = reads 0.5 % high). */
    readonly gainError: number;
    readonly offset_A: number;
    /** Standard deviation of the white noise on each current sample. */
    readonly noise_A: number;
    /** Cycle of the I, U1 and U2 results (the IVT-S can do 10..100 ms; 100 ms keeps the CPU load low). */
    readonly cycle_ms: number;
  };
  /** Standard deviation of the BMU cell voltage measurement noise (values are sent in 1 mV steps). */
  readonly cellVoltageNoise_mV: number;
  /** Quantisation of the BMU temperatures (the protocol carries whole °C). */
  readonly temperatureResolution_degC: number;
  /** Step of the cell, thermal and DC-link physics. */
  readonly physicsStep_ms: number;
  /** PCS power profile; `scale` multiplies its power. */
  readonly profile: { readonly name: PowerProfileName; readonly scale: number };
  readonly pcs: {
    /** How fast the PCS ramps its current up (and down when no limit forces it), A/s. */
    readonly rampRate_A_per_s: number;
    /** Own DC window used while the BCU publishes no limits, per cell in series. */
    readonly chargeStopCellVoltage_V: number;
    readonly dischargeStopCellVoltage_V: number;
  };
  /** DC link on the PCS side of the contactors and the precharge circuit. */
  readonly dcLink: { readonly capacitance_F: number; readonly prechargeResistance_ohm: number };
  /** Lumped thermal model of one module (16 cells and housing). */
  readonly thermal: { readonly moduleHeatCapacity_J_per_K: number; readonly moduleThermalResistance_K_per_W: number };
}

export const defaultSimulatorOptions: SimulatorOptions = {
  seed: 1,
  ambient_degC: 25,
  initialSoc: 0.5,
  spread: { capacity: 0.01, resistance: 0.05, initialSoc: 0.01, selfDischarge: 0.5 },
  capacityFactor: 1,
  currentSensor: { gainError: 0.002, offset_A: 0.05, noise_A: 0.05, cycle_ms: 100 },
  cellVoltageNoise_mV: 1,
  temperatureResolution_degC: 1,
  physicsStep_ms: 100,
  profile: { name: "ci-day", scale: 1 },
  pcs: { rampRate_A_per_s: 50, chargeStopCellVoltage_V: 3.55, dischargeStopCellVoltage_V: 2.9 },
  dcLink: { capacitance_F: 0.005, prechargeResistance_ohm: 30 },
  // 16 × ~5.4 kg cells at ~1 kJ/(kg·K) plus housing; forced-air cooling. Gives +11 K at 0.5 C in steady state.
  thermal: { moduleHeatCapacity_J_per_K: 100_000, moduleThermalResistance_K_per_W: 0.04 },
};

/** Deep partial: what a config file may give; the rest comes from the defaults. */
export type SimulatorOptionsInput = {
  readonly [K in keyof SimulatorOptions]?: SimulatorOptions[K] extends object
    ? Partial<SimulatorOptions[K]>
    : SimulatorOptions[K];
};

/** Fills what `input` leaves out from `defaultSimulatorOptions` (one level deep, which is all there is). */
export function resolveSimulatorOptions(input: SimulatorOptionsInput = {}): SimulatorOptions {
  const d = defaultSimulatorOptions;
  return {
    seed: input.seed ?? d.seed,
    ambient_degC: input.ambient_degC ?? d.ambient_degC,
    initialSoc: input.initialSoc ?? d.initialSoc,
    spread: { ...d.spread, ...input.spread },
    capacityFactor: input.capacityFactor ?? d.capacityFactor,
    currentSensor: { ...d.currentSensor, ...input.currentSensor },
    cellVoltageNoise_mV: input.cellVoltageNoise_mV ?? d.cellVoltageNoise_mV,
    temperatureResolution_degC: input.temperatureResolution_degC ?? d.temperatureResolution_degC,
    physicsStep_ms: input.physicsStep_ms ?? d.physicsStep_ms,
    profile: { ...d.profile, ...input.profile },
    pcs: { ...d.pcs, ...input.pcs },
    dcLink: { ...d.dcLink, ...input.dcLink },
    thermal: { ...d.thermal, ...input.thermal },
  };
}

const nonNegative = { type: "number", minimum: 0 } as const;
const positive = { type: "number", exclusiveMinimum: 0 } as const;

function objectOf(properties: Record<string, object>, description: string): object {
  return { type: "object", description, additionalProperties: false, properties };
}

/** JSON schema (draft-07, ajv) of `SimulatorOptionsInput`: every property optional, no unknown ones. */
export const simulatorOptionsSchema = {
  type: "object",
  description: "Rack simulator (bcu sim and the simulated rack of the daemon).",
  additionalProperties: false,
  properties: {
    seed: { type: "integer", minimum: 0, maximum: 4294967295, description: "Seed of all random draws." },
    ambient_degC: { type: "number", minimum: -40, maximum: 60 },
    initialSoc: { type: "number", minimum: 0, maximum: 1 },
    spread: objectOf(
      { capacity: nonNegative, resistance: nonNegative, initialSoc: nonNegative, selfDischarge: nonNegative },
      "Cell-to-cell spread, one standard deviation (relative, except initialSoc which is absolute).",
    ),
    capacityFactor: { type: "number", exclusiveMinimum: 0, maximum: 1.2 },
    currentSensor: objectOf(
      {
        gainError: { type: "number", minimum: -0.5, maximum: 0.5 },
        offset_A: { type: "number" },
        noise_A: nonNegative,
        cycle_ms: { type: "integer", minimum: 10, maximum: 1000 },
      },
      "IVT-S errors and cycle of I, U1, U2.",
    ),
    cellVoltageNoise_mV: nonNegative,
    temperatureResolution_degC: positive,
    physicsStep_ms: { type: "integer", minimum: 1, maximum: 1000 },
    profile: objectOf(
      { name: { type: "string", enum: [...POWER_PROFILE_NAMES] }, scale: nonNegative },
      "PCS power profile.",
    ),
    pcs: objectOf(
      { rampRate_A_per_s: positive, chargeStopCellVoltage_V: positive, dischargeStopCellVoltage_V: positive },
      "PCS ramp and own DC voltage window.",
    ),
    dcLink: objectOf({ capacitance_F: positive, prechargeResistance_ohm: positive }, "DC link and precharge."),
    thermal: objectOf(
      { moduleHeatCapacity_J_per_K: positive, moduleThermalResistance_K_per_W: positive },
      "Lumped module thermal model.",
    ),
  },
} as const;

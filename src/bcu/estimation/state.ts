import type { RackMeasurements } from "../rack-measurements.ts";
import { cellCount, type RackTopology } from "../rack-topology.ts";
import { createCapacityEstimator, type CapacityEstimator } from "./capacity-estimator.ts";
import { createCurrentIntegrator, type CurrentIntegrator } from "./coulomb-counter.ts";
import type { EstimationConfig } from "./config.ts";
import { lfpHalfHysteresis_mV, lfpSocFromOcv } from "./lfp-ocv.ts";
import { ocvVoltageSigma_mV, readOcv } from "./ocv-calibration.ts";
import { createResistanceEstimator, type ResistanceEstimator } from "./resistance-estimator.ts";
import { createRestDetector, type RestDetector } from "./rest-detector.ts";
import { createOcvSlopes, type OcvSlopes } from "./sop.ts";
import type { CellRatings, PersistedEstimation } from "./types.ts";

/** Everything estimation remembers between cycles. Mutable, owned by the cycle. SOC values are fractions. */
export interface EstimationState {
  readonly topology: RackTopology;
  readonly cell: CellRatings;
  readonly cells: number;
  readonly soc: Float64Array;
  readonly socSigma: Float64Array;
  /** Start-up had no SOC (no fresh persisted state, no usable measurements): the first usable cycle reads OCV. */
  needsOcvStart: boolean;
  hysteresis: number;
  readonly integrator: CurrentIntegrator;
  readonly rest: RestDetector;
  /** The OCV of this rest period has been read (once per rest: its errors are not independent). */
  restCalibrated: boolean;
  currentOffset_A: number;
  currentOffsetSigma_A: number;
  /** Net charge removed since start (+ = discharge, efficiency applied, offset corrected), Ah. */
  removedCounter_Ah: number;
  chargeThroughput_Ah: number;
  dischargeThroughput_Ah: number;
  readonly capacity: CapacityEstimator;
  readonly resistance: ResistanceEstimator;
  /** Polarisation of the two RC pairs per cell, mV (+ under discharge). */
  readonly v1_mV: Float64Array;
  readonly v2_mV: Float64Array;
  /** End calibrations: armed once the cell left the end; full/empty until then. */
  topArmed: boolean;
  bottomArmed: boolean;
  /** Removed-charge counter and time at the last top / bottom calibration (offset learning), NaN = none. */
  lastTopCounter_Ah: number;
  lastTopTimeMs: number;
  lastBottomCounter_Ah: number;
  lastBottomTimeMs: number;
  /** Published pack SOC (fraction), NaN before the first estimate. */
  publishedSoc: number;
  publishedTimeMs: number;
  /** Energy figures, refreshed once per second (NaN time = never). */
  remainingEnergy_kWh: number;
  fullEnergy_kWh: number;
  energyTimeMs: number;
  /** Capacities as last published; replaced (never mutated) when they change. */
  capacityOutput: Float64Array;
  /** Cell SOCs as last published (%), and the measurement time they were taken. */
  cellSocOutput: Float64Array;
  cellSocTimeMs: number;
  /** The temperature sensor nearest each cell: the one of its module at the same relative position. */
  readonly cellSensor: Int32Array;
  /** Scratch, per cell, refilled each cycle (no allocation in the hot path). */
  readonly cellTemperature_degC: Float64Array;
  readonly resistanceFactor: Float64Array;
  /** Per sensor: the temperature its resistance factor was last computed for (NaN: never), and the factor. */
  readonly sensorTemperature_degC: Float64Array;
  readonly sensorResistanceFactor: Float64Array;
  readonly ocv_mV: Float64Array;
  readonly socAtOcv: Float64Array;
  readonly chargeSlopes: OcvSlopes;
  readonly dischargeSlopes: OcvSlopes;
  /** Which tenth of the cells `socAtOcv` and the slopes refresh next; -1 = all (first SOP). */
  ocvRefreshPhase: number;
  readonly r0_mOhm: Float64Array;
  readonly r1_mOhm: Float64Array;
  readonly r2_mOhm: Float64Array;
}

/** What a cell is assumed to know with no evidence at all (σ of a uniform 0..1). */
const UNKNOWN_SOC_SIGMA = 0.29;

export function createEstimationState(
  topology: RackTopology,
  cell: CellRatings,
  config: EstimationConfig,
  init: { measurements: RackMeasurements | null; persisted: PersistedEstimation | null; nowMs: number },
): EstimationState {
  const cells = cellCount(topology);
  const persisted = usablePersisted(init.persisted, cells, config, init.nowMs);
  const capacity = createCapacityEstimator(
    cells,
    persisted ? Float64Array.from(persisted.cellCapacity_Ah) : new Float64Array(cells).fill(cell.capacity_Ah),
    (config.capacityPriorUncertainty_pct / 100) * cell.capacity_Ah,
  );
  if (persisted) {
    capacity.variance_Ah2.set(persisted.cellCapacityVariance_Ah2);
    capacity.samples.set(persisted.cellCapacitySamples);
  }
  const state: EstimationState = {
    topology,
    cell,
    cells,
    soc: new Float64Array(cells).fill(0.5),
    socSigma: new Float64Array(cells).fill(UNKNOWN_SOC_SIGMA),
    needsOcvStart: true,
    hysteresis: persisted?.hysteresis ?? 0,
    integrator: createCurrentIntegrator(),
    rest: createRestDetector(),
    restCalibrated: false,
    currentOffset_A: persisted?.currentOffset_A ?? 0,
    currentOffsetSigma_A: persisted?.currentOffsetSigma_A ?? config.currentOffsetUncertainty_A,
    removedCounter_Ah: 0,
    chargeThroughput_Ah: persisted?.chargeThroughput_Ah ?? 0,
    dischargeThroughput_Ah: persisted?.dischargeThroughput_Ah ?? 0,
    capacity,
    resistance: createResistanceEstimator(
      cells,
      persisted ? Float64Array.from(persisted.cellResistance25_mOhm) : new Float64Array(cells).fill(config.cellR0_mOhm),
    ),
    v1_mV: new Float64Array(cells),
    v2_mV: new Float64Array(cells),
    topArmed: true,
    bottomArmed: true,
    lastTopCounter_Ah: NaN,
    lastTopTimeMs: NaN,
    lastBottomCounter_Ah: NaN,
    lastBottomTimeMs: NaN,
    publishedSoc: NaN,
    publishedTimeMs: init.nowMs,
    remainingEnergy_kWh: 0,
    fullEnergy_kWh: 0,
    energyTimeMs: NaN,
    capacityOutput: new Float64Array(0),
    cellSocOutput: new Float64Array(0),
    cellSocTimeMs: NaN,
    cellSensor: Int32Array.from({ length: cells }, (_, i) => {
      const { cellsPerBmu, temperatureSensorsPerBmu } = topology;
      const bmu = Math.floor(i / cellsPerBmu);
      return bmu * temperatureSensorsPerBmu + Math.floor(((i % cellsPerBmu) * temperatureSensorsPerBmu) / cellsPerBmu);
    }),
    cellTemperature_degC: new Float64Array(cells).fill(25),
    resistanceFactor: new Float64Array(cells).fill(1),
    sensorTemperature_degC: new Float64Array(topology.bmuCount * topology.temperatureSensorsPerBmu).fill(NaN),
    sensorResistanceFactor: new Float64Array(topology.bmuCount * topology.temperatureSensorsPerBmu).fill(1),
    ocv_mV: new Float64Array(cells),
    socAtOcv: new Float64Array(cells),
    chargeSlopes: createOcvSlopes(cells),
    dischargeSlopes: createOcvSlopes(cells),
    ocvRefreshPhase: -1,
    r0_mOhm: new Float64Array(cells),
    r1_mOhm: new Float64Array(cells),
    r2_mOhm: new Float64Array(cells),
  };
  if (persisted) {
    state.soc.set(persisted.cellSoc);
    state.socSigma.set(persisted.cellSocSigma.map((s) => Math.max(s, config.persistedSocUncertainty_pct / 100)));
    state.needsOcvStart = false;
    state.publishedSoc = persisted.packSoc;
  } else if (init.measurements && startFromOcv(state, init.measurements, config)) {
    state.needsOcvStart = false;
  }
  return state;
}

function usablePersisted(
  persisted: PersistedEstimation | null,
  cells: number,
  config: EstimationConfig,
  nowMs: number,
): PersistedEstimation | null {
  if (persisted === null || persisted.version !== 1) return null;
  if (persisted.cellSoc.length !== cells || persisted.cellCapacity_Ah.length !== cells) return null;
  const age = nowMs - persisted.timeMs;
  return age >= 0 && age <= config.persistedMaxAge_ms ? persisted : null;
}

/**
 * SOC from each cell's voltage read as OCV (the branch unknown: h = 0, so the hysteresis widens σ). Needs every
 * cell valid; returns false otherwise.
 */
export function startFromOcv(state: EstimationState, m: RackMeasurements, config: EstimationConfig): boolean {
  if (m.validCellCount !== state.cells) return false;
  const t = m.temperatureAverage_degC ?? 25;
  for (let i = 0; i < state.cells; i++) {
    const v = m.cellVoltage_mV[i];
    const guess = lfpSocFromOcv(v, t, 0);
    const reading = readOcv(v, t, 0, ocvVoltageSigma_mV(t, 0, lfpHalfHysteresis_mV(guess), config));
    state.soc[i] = reading.soc;
    state.socSigma[i] = Math.min(UNKNOWN_SOC_SIGMA, reading.sigma);
  }
  return true;
}

/**
 * The stored state of a BCU that believes its cells are at `cellSoc` (fractions) and publishes `packSoc`, with
 * rated capacities and no learning yet: what tools and tests restore to start the BCU from a known SOC (the
 * truth, or the truth off by some points) instead of from the OCV.
 */
export function persistedEstimationAt(
  topology: RackTopology,
  cell: CellRatings,
  config: EstimationConfig,
  cellSoc: readonly number[],
  packSoc: number,
  nowMs: number,
): PersistedEstimation {
  const state = createEstimationState(topology, cell, config, { measurements: null, persisted: null, nowMs });
  state.soc.set(cellSoc.map((s) => Math.max(0, Math.min(1, s))));
  state.needsOcvStart = false;
  state.publishedSoc = Math.max(0, Math.min(1, packSoc));
  return persistEstimation(state);
}

export function persistEstimation(state: EstimationState): PersistedEstimation {
  return {
    version: 1,
    timeMs: state.integrator.lastTimeMs > -Infinity ? state.integrator.lastTimeMs : state.publishedTimeMs,
    cellSoc: Array.from(state.soc),
    cellSocSigma: Array.from(state.socSigma),
    cellCapacity_Ah: Array.from(state.capacity.capacity_Ah),
    cellCapacityVariance_Ah2: Array.from(state.capacity.variance_Ah2),
    cellCapacitySamples: Array.from(state.capacity.samples),
    cellResistance25_mOhm: Array.from(state.resistance.resistance25_mOhm),
    hysteresis: state.hysteresis,
    currentOffset_A: state.currentOffset_A,
    currentOffsetSigma_A: state.currentOffsetSigma_A,
    chargeThroughput_Ah: state.chargeThroughput_Ah,
    dischargeThroughput_Ah: state.dischargeThroughput_Ah,
    packSoc: Number.isNaN(state.publishedSoc) ? 0.5 : state.publishedSoc,
  };
}

import type { BcuEvent } from "../events.ts";
import type { RackMeasurements } from "../rack-measurements.ts";
import type { RackTopology } from "../rack-topology.ts";
import type { BalancingConfig } from "./balancing-config.ts";

/** Owned by the cycle; updated in place by `stepBalancing`. */
export interface BalancingState {
  readonly topology: RackTopology;
  /** 1 = the cell bleeds (rack-wide cell index). */
  readonly bleeding: Uint8Array;
  /** Per BMU: left alone until this time after it reported balancing over-temperature. */
  readonly holdOffUntilMs: Float64Array;
  /** Why balancing is off rack-wide ("" = it may run), to report changes once. */
  blockedReason: string;
  active: boolean;
}

export interface BalancingOutput {
  /** Per BMU (index = BMU index): bit i = cell i+1 bleeds. A fresh array each step. */
  readonly masks: Uint32Array;
  readonly activeCells: number;
  readonly events: readonly BcuEvent[];
}

export function createBalancingState(topology: RackTopology): BalancingState {
  return {
    topology,
    bleeding: new Uint8Array(topology.bmuCount * topology.cellsPerBmu),
    holdOffUntilMs: new Float64Array(topology.bmuCount).fill(-Infinity),
    blockedReason: "",
    active: false,
  };
}

/**
 * Chooses the cells to bleed at `nowMs`: those more than `threshold_mV` above the lowest valid cell of the rack
 * (until they are within `release_mV`), at or above `minCellVoltage_mV`, at rest or while charging as configured,
 * in modules not hotter than the limit and not held off after a balancing over-temperature, at most
 * `maxCellsPerBmu` per BMU (the highest first). Balancing stops everywhere when any cell voltage is not valid:
 * the lowest cell could be the one we cannot see.
 */
export function stepBalancing(
  state: BalancingState,
  m: RackMeasurements,
  ctx: { readonly current_A: number | null },
  config: BalancingConfig,
  nowMs: number,
): BalancingOutput {
  const { topology } = state;
  const events: BcuEvent[] = [];
  const masks = new Uint32Array(topology.bmuCount);
  const event = (message: string, level: 0 | 1 = 0) =>
    events.push({ timeMs: nowMs, kind: "system", source: "balancing", level, message });

  // BMUs that report balancing over-temperature are held off whatever else happens.
  for (let b = 0; b < topology.bmuCount; b++) {
    const status = m.bmus[b]?.status;
    if (status?.balancingOverTemperature && nowMs >= state.holdOffUntilMs[b]) {
      state.holdOffUntilMs[b] = nowMs + config.overTemperatureHoldOff_ms;
      event(
        `module ${b + 1} (BMU node ${topology.firstBmuNode + b}) reports balancing over-temperature: left alone for ${config.overTemperatureHoldOff_ms / 1000} s`,
        1,
      );
    }
  }

  const blocked = blockedReason(m, ctx.current_A, config, topology);
  if (blocked !== state.blockedReason) {
    if (blocked !== "" && state.active) event(`balancing stopped: ${blocked}`);
    state.blockedReason = blocked;
  }
  if (blocked !== "") {
    state.bleeding.fill(0);
    state.active = false;
    return { masks, activeCells: 0, events };
  }

  const lowest_mV = m.cellVoltageMin!.value;
  const per = topology.cellsPerBmu;
  const candidates: number[] = [];
  let activeCells = 0;
  for (let b = 0; b < topology.bmuCount; b++) {
    const first = b * per;
    if (!bmuMayBleed(state, m, b, config, nowMs)) {
      state.bleeding.fill(0, first, first + per);
      continue;
    }
    candidates.length = 0;
    for (let c = first; c < first + per; c++) {
      const v = m.cellVoltage_mV[c];
      const above = v - lowest_mV;
      const wanted =
        v >= config.minCellVoltage_mV && above > (state.bleeding[c] === 1 ? config.release_mV : config.threshold_mV);
      if (wanted) candidates.push(c);
    }
    // Highest first; ties by cell index so the choice is stable from step to step.
    candidates.sort((x, y) => m.cellVoltage_mV[y] - m.cellVoltage_mV[x] || x - y);
    state.bleeding.fill(0, first, first + per);
    const chosen = Math.min(candidates.length, config.maxCellsPerBmu);
    let mask = 0;
    for (let i = 0; i < chosen; i++) {
      const c = candidates[i];
      state.bleeding[c] = 1;
      mask |= 1 << (c - first);
    }
    masks[b] = mask >>> 0;
    activeCells += chosen;
  }
  const active = activeCells > 0;
  if (active !== state.active) {
    event(
      active
        ? `balancing started: ${activeCells} cells above the lowest (${lowest_mV} mV) by more than ${config.threshold_mV} mV`
        : `balancing done: every cell at or above ${config.minCellVoltage_mV} mV is within ${config.release_mV} mV of the lowest (${lowest_mV} mV)`,
    );
    state.active = active;
  }
  return { masks, activeCells, events };
}

/** Why no cell may bleed anywhere now, or "". */
function blockedReason(
  m: RackMeasurements,
  current_A: number | null,
  config: BalancingConfig,
  topology: RackTopology,
): string {
  if (!config.enabled) return "disabled in the configuration";
  if (current_A === null) return "rack current unknown";
  const resting = Math.abs(current_A) <= config.restCurrent_A;
  const charging = current_A < -config.restCurrent_A;
  if (!resting && !(charging && config.allowWhile === "restOrCharging")) {
    return config.allowWhile === "rest" ? "the rack is not resting" : "the rack is discharging";
  }
  if (m.validCellCount < topology.bmuCount * topology.cellsPerBmu || m.cellVoltageMin === null) {
    return "not every cell voltage is valid: the lowest cell is unknown";
  }
  return "";
}

function bmuMayBleed(
  state: BalancingState,
  m: RackMeasurements,
  b: number,
  config: BalancingConfig,
  nowMs: number,
): boolean {
  const bmu = m.bmus[b];
  if (bmu === undefined || bmu.stale || bmu.status === null) return false;
  if (nowMs < state.holdOffUntilMs[b]) return false;
  const sensors = state.topology.temperatureSensorsPerBmu;
  let hottest = -Infinity;
  for (let s = b * sensors; s < (b + 1) * sensors; s++) {
    if (m.temperatureValid[s] === 1 && m.temperature_degC[s] > hottest) hottest = m.temperature_degC[s];
  }
  // No valid temperature: we cannot tell whether the module is too hot.
  return hottest !== -Infinity && hottest <= config.maxModuleTemperature_degC;
}

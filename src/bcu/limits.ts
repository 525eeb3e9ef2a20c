import type { Sop } from "./estimation/types.ts";

/**
 * The limits published to the PCS: the SOP, derated by protection, ramped. A limit rises at most at the up
 * rate and falls at most at the down rate (fast: the SOP falls only as fast as the cells approach a limit), so
 * the PCS never sees a step, except the one to 0 on a fault or when the measurements are not usable: that one
 * is immediate, because a limit computed from a stale or invalid value is a guess.
 */
export interface LimitsConfig {
  readonly rampUp_A_per_s: number;
  readonly rampDown_A_per_s: number;
  readonly rampUp_W_per_s: number;
  readonly rampDown_W_per_s: number;
}

/** Up at 0.1 C/s, down at 1 C/s; power at the same rates × the nominal pack voltage. */
export function defaultLimitsConfig(capacity_Ah: number, nominalPackVoltage_V: number): LimitsConfig {
  return {
    rampUp_A_per_s: 0.1 * capacity_Ah,
    rampDown_A_per_s: capacity_Ah,
    rampUp_W_per_s: 0.1 * capacity_Ah * nominalPackVoltage_V,
    rampDown_W_per_s: capacity_Ah * nominalPackVoltage_V,
  };
}

export interface PublishedLimits {
  /** Continuous limits, ramped: what the PCS must keep to. Magnitudes ≥ 0. */
  readonly chargeCurrentMax_A: number;
  readonly dischargeCurrentMax_A: number;
  readonly chargePowerMax_W: number;
  readonly dischargePowerMax_W: number;
  /** Short-term limits, ramped the same way. */
  readonly chargeCurrent10s_A: number;
  readonly dischargeCurrent10s_A: number;
  readonly chargeCurrent60s_A: number;
  readonly dischargeCurrent60s_A: number;
  readonly chargePower10s_W: number;
  readonly dischargePower10s_W: number;
  readonly chargePower60s_W: number;
  readonly dischargePower60s_W: number;
  readonly maxChargeVoltage_V: number;
  readonly minDischargeVoltage_V: number;
  /** The PCS must stop: a fault forces 0, or the measurements are not usable. */
  readonly stopRequested: boolean;
}

const CURRENT_KEYS = [
  "chargeCurrentMax_A",
  "dischargeCurrentMax_A",
  "chargeCurrent10s_A",
  "dischargeCurrent10s_A",
  "chargeCurrent60s_A",
  "dischargeCurrent60s_A",
] as const;
const POWER_KEYS = [
  "chargePowerMax_W",
  "dischargePowerMax_W",
  "chargePower10s_W",
  "dischargePower10s_W",
  "chargePower60s_W",
  "dischargePower60s_W",
] as const;
type RampedKey = (typeof CURRENT_KEYS)[number] | (typeof POWER_KEYS)[number];

export interface LimitsState {
  /** Last published values (start at 0: limits ramp up after start). */
  readonly values: Record<RampedKey, number>;
  lastTimeMs: number;
}

export function createLimitsState(nowMs: number): LimitsState {
  const values = {} as Record<RampedKey, number>;
  for (const key of [...CURRENT_KEYS, ...POWER_KEYS]) values[key] = 0;
  return { values, lastTimeMs: nowMs };
}

function targets(sop: Sop, factor: number): Record<RampedKey, number> {
  return {
    chargeCurrentMax_A: sop.chargeCurrentContinuous_A * factor,
    dischargeCurrentMax_A: sop.dischargeCurrentContinuous_A * factor,
    chargeCurrent10s_A: sop.chargeCurrent10s_A * factor,
    dischargeCurrent10s_A: sop.dischargeCurrent10s_A * factor,
    chargeCurrent60s_A: sop.chargeCurrent60s_A * factor,
    dischargeCurrent60s_A: sop.dischargeCurrent60s_A * factor,
    chargePowerMax_W: sop.chargePowerContinuous_W * factor,
    dischargePowerMax_W: sop.dischargePowerContinuous_W * factor,
    chargePower10s_W: sop.chargePower10s_W * factor,
    dischargePower10s_W: sop.dischargePower10s_W * factor,
    chargePower60s_W: sop.chargePower60s_W * factor,
    dischargePower60s_W: sop.dischargePower60s_W * factor,
  };
}

/**
 * One cycle of the published limits. `derateFactor` (0..1) comes from protection's level-2 alarms;
 * `forceZero` from its level-3 faults.
 */
export function stepLimits(
  state: LimitsState,
  sop: Sop,
  input: { derateFactor: number; forceZero: boolean; measurementsUsable: boolean },
  config: LimitsConfig,
  nowMs: number,
): PublishedLimits {
  const dt_s = Math.max(0, (nowMs - state.lastTimeMs) / 1000);
  state.lastTimeMs = nowMs;
  const stop = input.forceZero || !input.measurementsUsable;
  const factor = Number.isFinite(input.derateFactor) ? Math.max(0, Math.min(1, input.derateFactor)) : 0;
  const target = targets(sop, factor);
  const v = state.values;
  for (const key of CURRENT_KEYS)
    v[key] = stop ? 0 : ramp(v[key], target[key], config.rampUp_A_per_s, config.rampDown_A_per_s, dt_s);
  for (const key of POWER_KEYS)
    v[key] = stop ? 0 : ramp(v[key], target[key], config.rampUp_W_per_s, config.rampDown_W_per_s, dt_s);
  return {
    ...v,
    maxChargeVoltage_V: sop.maxChargeVoltage_V,
    minDischargeVoltage_V: sop.minDischargeVoltage_V,
    stopRequested: stop,
  };
}

function ramp(from: number, to: number, up_per_s: number, down_per_s: number, dt_s: number): number {
  const target = Number.isFinite(to) ? Math.max(0, to) : 0;
  if (target > from) return Math.min(target, from + up_per_s * dt_s);
  return Math.max(target, from - down_per_s * dt_s);
}

/** Passive balancing: which cells bleed, when, and how the BMUs are commanded. */
export type BalancingWhile = "rest" | "restOrCharging";

export interface BalancingConfig {
  readonly enabled: boolean;
  /** A cell starts bleeding when it is more than this above the lowest valid cell of the rack. */
  readonly threshold_mV: number;
  /** A bleeding cell stops once it is at most this above the lowest (hysteresis; below the threshold). */
  readonly release_mV: number;
  /**
   * Only cells at or above this voltage bleed. LFP's curve is flat between ~10 and ~95 % SOC, so a voltage
   * difference means a charge difference only near full (or empty): balancing elsewhere would chase noise and
   * resistance differences.
   */
  readonly minCellVoltage_mV: number;
  /** Balance at rest only, or also while charging. */
  readonly allowWhile: BalancingWhile;
  /** At or below this current magnitude the rack rests. */
  readonly restCurrent_A: number;
  /** A module hotter than this (its hottest valid sensor) does not bleed. */
  readonly maxModuleTemperature_degC: number;
  /** Bleed resistors heat the BMU board: at most this many cells of one BMU at once (the highest first). */
  readonly maxCellsPerBmu: number;
  /** Sent in each command: the BMU stops bleeding when no fresh command arrives within it (commands every 1 s). */
  readonly commandTimeout_s: number;
  /** A BMU that reports balancing over-temperature is left alone this long. */
  readonly overTemperatureHoldOff_ms: number;
}

export function defaultBalancingConfig(): BalancingConfig {
  return {
    enabled: true,
    threshold_mV: 15,
    release_mV: 5,
    minCellVoltage_mV: 3340,
    allowWhile: "restOrCharging",
    restCurrent_A: 5,
    maxModuleTemperature_degC: 50,
    maxCellsPerBmu: 8,
    commandTimeout_s: 3,
    overTemperatureHoldOff_ms: 600_000,
  };
}

export interface BalancingConfigIssue {
  readonly path: string;
  readonly reason: string;
}

export function checkBalancingConfig(config: BalancingConfig): BalancingConfigIssue[] {
  const issues: BalancingConfigIssue[] = [];
  if (!(config.release_mV < config.threshold_mV)) {
    issues.push({
      path: "release_mV",
      reason: `must be below threshold_mV (${config.threshold_mV} mV) or cells would start and stop on the same value, got ${config.release_mV} mV`,
    });
  }
  return issues;
}

import type { PowerProfile } from "./power-profile.ts";

/** What the BCU tells the PCS (magnitudes, all ≥ 0). */
export interface PcsLimits {
  readonly chargeCurrentMax_A: number;
  readonly dischargeCurrentMax_A: number;
  readonly chargePowerMax_W: number;
  readonly dischargePowerMax_W: number;
  /** The BCU asks the PCS to stop (level 3). */
  readonly stop: boolean;
}

export interface PcsSpec {
  readonly cellsInSeries: number;
  readonly rampRate_A_per_s: number;
  /** Own DC window used while there are no BCU limits, V per cell. */
  readonly chargeStopCellVoltage_V: number;
  readonly dischargeStopCellVoltage_V: number;
}

/** Below this link voltage per cell the PCS cannot run (its DC input is dead), V. */
const MIN_OPERATING_LINK_VOLTAGE_PER_CELL_V = 2.0;

/**
 * The power conversion system: follows a power profile (or a manual setpoint), converts it to a DC current at
 * the link voltage, ramps towards it and never exceeds what the BCU allows. Current flows only while the
 * contactors connect pack and link and the link is alive.
 *
 * Sign convention: + = discharge (the battery delivers).
 */
export class Pcs {
  private limits: PcsLimits | null = null;
  private manualPower_W: number | null = null;
  private current = 0;
  /** Own-window latches: once tripped they hold until the setpoint leaves that direction. */
  private chargeBlocked = false;
  private dischargeBlocked = false;

  constructor(
    private readonly spec: PcsSpec,
    private readonly profile: PowerProfile,
  ) {}

  /** The BCU's limits, or `null` while the BCU publishes none (the PCS then keeps its own DC window). */
  setLimits(limits: PcsLimits | null): void {
    this.limits =
      limits === null
        ? null
        : {
            chargeCurrentMax_A: Math.max(0, limits.chargeCurrentMax_A),
            dischargeCurrentMax_A: Math.max(0, limits.dischargeCurrentMax_A),
            chargePowerMax_W: Math.max(0, limits.chargePowerMax_W),
            dischargePowerMax_W: Math.max(0, limits.dischargePowerMax_W),
            stop: limits.stop,
          };
  }

  getLimits(): PcsLimits | null {
    return this.limits;
  }

  /** Overrides the profile with a fixed power (W, + = discharge), or `null` to follow the profile again. */
  setManualPower_W(power_W: number | null): void {
    this.manualPower_W = power_W;
  }

  /** DC current of the last update, A (+ = discharge). */
  get current_A(): number {
    return this.current;
  }

  /** Power the PCS wants now before limits, W. */
  requestedPower_W(nowMs: number): number {
    return this.manualPower_W ?? this.profile(nowMs);
  }

  /** Advances by `dt_s`; returns the current it draws from (+) or pushes into (−) the pack, A. */
  update(dt_s: number, nowMs: number, connected: boolean, link_V: number): number {
    const alive = connected && link_V >= MIN_OPERATING_LINK_VOLTAGE_PER_CELL_V * this.spec.cellsInSeries;
    if (!alive) {
      // No DC link: the PCS trips at once, nothing flows.
      this.current = 0;
      return 0;
    }
    const power_W = this.requestedPower_W(nowMs);
    this.updateOwnWindow(power_W, link_V);
    let target = power_W / link_V;
    if ((target < 0 && this.chargeBlocked) || (target > 0 && this.dischargeBlocked)) target = 0;
    target = this.clampToLimits(target, link_V);
    const step = this.spec.rampRate_A_per_s * dt_s;
    let next = this.current + Math.max(-step, Math.min(step, target - this.current));
    // Ramping is for the PCS's comfort; a limit is obeyed at once.
    next = this.clampToLimits(next, link_V);
    if ((next < 0 && this.chargeBlocked) || (next > 0 && this.dischargeBlocked)) next = 0;
    this.current = next;
    return next;
  }

  private updateOwnWindow(power_W: number, link_V: number): void {
    if (this.limits !== null) {
      this.chargeBlocked = false;
      this.dischargeBlocked = false;
      return;
    }
    if (power_W >= 0) this.chargeBlocked = false;
    if (power_W <= 0) this.dischargeBlocked = false;
    const cells = this.spec.cellsInSeries;
    if (power_W < 0 && link_V >= this.spec.chargeStopCellVoltage_V * cells) this.chargeBlocked = true;
    if (power_W > 0 && link_V <= this.spec.dischargeStopCellVoltage_V * cells) this.dischargeBlocked = true;
  }

  private clampToLimits(current_A: number, link_V: number): number {
    const limits = this.limits;
    if (limits === null) return current_A;
    if (limits.stop) return 0;
    if (current_A > 0) {
      return Math.min(current_A, limits.dischargeCurrentMax_A, limits.dischargePowerMax_W / link_V);
    }
    if (current_A < 0) {
      return Math.max(current_A, -limits.chargeCurrentMax_A, -limits.chargePowerMax_W / link_V);
    }
    return 0;
  }
}

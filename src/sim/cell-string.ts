import type { Prng } from "../util/prng.ts";
import { lfpOcv_V } from "./lfp-ocv.ts";
import {
  CELL_R0_REFERENCE_ohm,
  CELL_R1_REFERENCE_ohm,
  CELL_R2_REFERENCE_ohm,
  CELL_TAU1_s,
  CELL_TAU2_s,
  HYSTERESIS_THROUGHPUT_FRACTION,
  SELF_DISCHARGE_PER_YEAR,
  resistanceSocFactor,
  resistanceTemperatureFactor,
} from "./cell-parameters.ts";

const SECONDS_PER_YEAR = 365 * 86_400;

export interface CellStringSpec {
  readonly moduleCount: number;
  readonly cellsPerModule: number;
  readonly nominalCapacity_Ah: number;
  /** True capacity / nominal. */
  readonly capacityFactor: number;
  readonly initialSoc: number;
  readonly spread: {
    readonly capacity: number;
    readonly resistance: number;
    readonly initialSoc: number;
    readonly selfDischarge: number;
  };
}

/**
 * The series string of cells: per-cell state in typed arrays (no per-cell objects), stepped with the exact
 * zero-order-hold solution of each RC pair so that a coarse step (100 ms .. 1 s) stays stable.
 *
 * Sign convention: current positive = discharge. Cell i sits in module `floor(i / cellsPerModule)`.
 */
export class CellString {
  readonly count: number;
  readonly moduleCount: number;
  readonly cellsPerModule: number;
  /** State of charge, 0..1 (may leave it when a cell is abused). */
  readonly soc: Float64Array;
  readonly capacity_Ah: Float64Array;
  /** Per-cell resistance multiplier (manufacturing spread). */
  readonly resistanceScale: Float64Array;
  /** Voltage over RC pair 1 and 2, V (positive while discharging). */
  readonly rc1_V: Float64Array;
  readonly rc2_V: Float64Array;
  /** Hysteresis state, -1 (discharge branch) .. +1 (charge branch). */
  readonly hysteresis: Float64Array;
  /** Self-discharge current inside the cell (not through the terminals), A. */
  readonly selfDischarge_A: Float64Array;
  /** Injected extra internal current, A (+ drains the cell: a cell drifting low; - a cell drifting high). */
  readonly extraCurrent_A: Float64Array;
  /** 1 / bleed resistance while the BMU bleeds the cell, else 0. */
  readonly bleedConductance_S: Float64Array;
  /** Terminal voltage after the last step (noise-free truth), V. */
  readonly terminal_V: Float64Array;
  /** R0 at the last step, Ω. */
  readonly r0_ohm: Float64Array;
  /** Heat in the cell (R0 and RC resistors) over the last step, W. */
  readonly heat_W: Float64Array;
  /** Heat in each cell's bleed resistor over the last step, W. */
  readonly bleedHeat_W: Float64Array;

  constructor(spec: CellStringSpec, prng: Prng) {
    this.moduleCount = spec.moduleCount;
    this.cellsPerModule = spec.cellsPerModule;
    const n = spec.moduleCount * spec.cellsPerModule;
    this.count = n;
    this.soc = new Float64Array(n);
    this.capacity_Ah = new Float64Array(n);
    this.resistanceScale = new Float64Array(n);
    this.rc1_V = new Float64Array(n);
    this.rc2_V = new Float64Array(n);
    this.hysteresis = new Float64Array(n).fill(-1);
    this.selfDischarge_A = new Float64Array(n);
    this.extraCurrent_A = new Float64Array(n);
    this.bleedConductance_S = new Float64Array(n);
    this.terminal_V = new Float64Array(n);
    this.r0_ohm = new Float64Array(n);
    this.heat_W = new Float64Array(n);
    this.bleedHeat_W = new Float64Array(n);
    const { spread } = spec;
    for (let i = 0; i < n; i++) {
      this.capacity_Ah[i] =
        spec.nominalCapacity_Ah * spec.capacityFactor * Math.max(0.5, 1 + spread.capacity * prng.normal());
      this.resistanceScale[i] = Math.max(0.5, 1 + spread.resistance * prng.normal());
      this.soc[i] = Math.min(1, Math.max(0, spec.initialSoc + spread.initialSoc * prng.normal()));
      const rate = Math.max(0, 1 + spread.selfDischarge * prng.normal());
      this.selfDischarge_A[i] = (SELF_DISCHARGE_PER_YEAR * rate * this.capacity_Ah[i] * 3600) / SECONDS_PER_YEAR;
    }
  }

  /** Sets the rested terminal voltages and R0 for the current state (call once after construction or edits). */
  settle(moduleTemperature_degC: Float64Array): void {
    this.step(0, 0, moduleTemperature_degC);
  }

  /**
   * Advances by `dt_s` with `packCurrent_A` through the string (+ = discharge), cells at their module's
   * temperature. Updates SOC, RC voltages, hysteresis, terminal voltages and heat.
   */
  step(dt_s: number, packCurrent_A: number, moduleTemperature_degC: Float64Array): void {
    const e1 = Math.exp(-dt_s / CELL_TAU1_s);
    const e2 = Math.exp(-dt_s / CELL_TAU2_s);
    const perModule = this.cellsPerModule;
    for (let m = 0; m < this.moduleCount; m++) {
      const temperature = moduleTemperature_degC[m];
      const temperatureFactor = resistanceTemperatureFactor(temperature);
      const end = (m + 1) * perModule;
      for (let i = m * perModule; i < end; i++) {
        const bleed_A = this.terminal_V[i] * this.bleedConductance_S[i];
        const terminal_A = packCurrent_A + bleed_A;
        const internal_A = terminal_A + this.selfDischarge_A[i] + this.extraCurrent_A[i];
        const capacity_As = this.capacity_Ah[i] * 3600;
        const soc = this.soc[i] - (internal_A * dt_s) / capacity_As;
        this.soc[i] = soc;

        const target = terminal_A > 0 ? -1 : 1;
        if (terminal_A !== 0 && this.hysteresis[i] !== target) {
          // Discharge pulls h towards -1, charge towards +1, exponentially in charge throughput. The step's
          // throughput is tiny (< 1e-3 of the e-fold), so exp(-x) ≈ 1 - x + x²/2 to 1e-10.
          const x = Math.abs(terminal_A * dt_s) / (capacity_As * HYSTERESIS_THROUGHPUT_FRACTION);
          const decay = x < 1e-3 ? 1 - x + 0.5 * x * x : Math.exp(-x);
          const h = target + (this.hysteresis[i] - target) * decay;
          // Snap when within 1e-9 so the branch is reached exactly and the update stops.
          this.hysteresis[i] = Math.abs(h - target) < 1e-9 ? target : h;
        }

        const scale = resistanceSocFactor(soc) * temperatureFactor * this.resistanceScale[i];
        const r0 = CELL_R0_REFERENCE_ohm * scale;
        const r1 = CELL_R1_REFERENCE_ohm * scale;
        const r2 = CELL_R2_REFERENCE_ohm * scale;
        const v1 = this.rc1_V[i] * e1 + r1 * terminal_A * (1 - e1);
        const v2 = this.rc2_V[i] * e2 + r2 * terminal_A * (1 - e2);
        this.rc1_V[i] = v1;
        this.rc2_V[i] = v2;
        this.r0_ohm[i] = r0;
        const terminal = lfpOcv_V(soc, this.hysteresis[i], temperature) - terminal_A * r0 - v1 - v2;
        this.terminal_V[i] = terminal;
        this.heat_W[i] = terminal_A * terminal_A * r0 + (v1 * v1) / r1 + (v2 * v2) / r2;
        this.bleedHeat_W[i] = terminal * terminal * this.bleedConductance_S[i];
      }
    }
  }

  /** Sum of the terminal voltages, V. */
  packVoltage_V(): number {
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += this.terminal_V[i];
    return sum;
  }

  /** Open-circuit voltage of cell i now, V. */
  ocv_V(i: number, temperature_degC: number): number {
    return lfpOcv_V(this.soc[i], this.hysteresis[i], temperature_degC);
  }
}

import type { Prng } from "../util/prng.ts";

export interface ModuleThermalSpec {
  readonly moduleCount: number;
  readonly sensorsPerModule: number;
  readonly ambient_degC: number;
  readonly heatCapacity_J_per_K: number;
  readonly thermalResistance_K_per_W: number;
}

/**
 * One lumped thermal mass per module, cooled to ambient through one thermal resistance:
 * C·dT/dt = P − (T − T_ambient)/R_th, stepped with its exact solution for constant P over the step, so the
 * steady state is exactly T_ambient + P·R_th whatever the step.
 *
 * Each sensor sees the module's rise above ambient scaled by its own placement factor (nearer the centre:
 * hotter) plus a fixed offset, both drawn once from the seed.
 */
export class ModuleThermalModel {
  readonly moduleTemperature_degC: Float64Array;
  /** Per sensor, module-major (sensor s of module m at m·sensorsPerModule + s). */
  readonly sensorTemperature_degC: Float64Array;
  ambient_degC: number;
  private readonly sensorGain: Float64Array;
  private readonly sensorOffset_K: Float64Array;

  constructor(
    private readonly spec: ModuleThermalSpec,
    prng: Prng,
  ) {
    this.ambient_degC = spec.ambient_degC;
    this.moduleTemperature_degC = new Float64Array(spec.moduleCount).fill(spec.ambient_degC);
    const sensors = spec.moduleCount * spec.sensorsPerModule;
    this.sensorTemperature_degC = new Float64Array(sensors);
    this.sensorGain = new Float64Array(sensors);
    this.sensorOffset_K = new Float64Array(sensors);
    for (let k = 0; k < sensors; k++) {
      this.sensorGain[k] = 1 + 0.1 * prng.normal();
      this.sensorOffset_K[k] = 0.3 * prng.normal();
    }
    this.updateSensors();
  }

  /** Advances by `dt_s` with `heat_W[m]` dissipated in module m. */
  step(dt_s: number, heat_W: Float64Array): void {
    const r = this.spec.thermalResistance_K_per_W;
    const decay = Math.exp(-dt_s / (r * this.spec.heatCapacity_J_per_K));
    for (let m = 0; m < this.spec.moduleCount; m++) {
      const steady = this.ambient_degC + heat_W[m] * r;
      this.moduleTemperature_degC[m] = steady + (this.moduleTemperature_degC[m] - steady) * decay;
    }
    this.updateSensors();
  }

  private updateSensors(): void {
    const per = this.spec.sensorsPerModule;
    for (let m = 0; m < this.spec.moduleCount; m++) {
      const rise = this.moduleTemperature_degC[m] - this.ambient_degC;
      for (let s = 0; s < per; s++) {
        const k = m * per + s;
        this.sensorTemperature_degC[k] = this.ambient_degC + rise * this.sensorGain[k] + this.sensorOffset_K[k];
      }
    }
  }
}

import type { CanFrame } from "../can/frame.ts";
import type { CanTransport } from "../can/transport.ts";
import {
  BMU_CELL_VOLTAGES_PERIOD_MS,
  BMU_CELLS_PER_GROUP,
  BMU_PROTOCOL_VERSION,
  BMU_STATUS_PERIOD_MS,
  BMU_TEMPERATURES_PER_GROUP,
  BMU_TEMPERATURES_PERIOD_MS,
  decodeBalancingCommand,
  encodeBmuCellVoltages,
  encodeBmuStatus,
  encodeBmuTemperatures,
} from "../can/codecs/bmu.ts";
import type { Cancel, Scheduler } from "../time/scheduler.ts";
import type { Prng } from "../util/prng.ts";
import type { CellString } from "./cell-string.ts";
import type { SimFaults } from "./faults.ts";
import type { ModuleThermalModel } from "./thermal-model.ts";

/** Passive balancing bleed resistor per cell (≈ 100 mA at 3.3 V). */
export const BLEED_RESISTANCE_ohm = 33;
/** The BMU stops bleeding above this module temperature and says so (status b5). */
export const BALANCING_MAX_TEMPERATURE_degC = 60;
/** The BMU board runs this much warmer than its module. */
const BOARD_TEMPERATURE_RISE_K = 5;

export interface SimBmuSpec {
  readonly node: number;
  readonly module: number;
  readonly cellVoltageNoise_mV: number;
  readonly temperatureResolution_degC: number;
}

/**
 * One BMU: measures its module's cells (1 mV steps plus noise) and sensors, sends BMU v1 frames at their
 * periods, and bleeds the cells the BCU asks for while the command is fresh (its own timeout).
 */
export class SimBmu {
  private aliveCounter = 0;
  private balancingMask = 0;
  private balancingDeadlineMs = -Infinity;
  private overTemperature = false;
  private readonly cancels: Cancel[] = [];
  private readonly firstCell: number;
  private readonly cellCount: number;
  private readonly sensorCount: number;
  private readonly measured_mV: Float64Array;

  constructor(
    private readonly spec: SimBmuSpec,
    private readonly cells: CellString,
    private readonly thermal: ModuleThermalModel,
    private readonly faults: SimFaults,
    private readonly scheduler: Scheduler,
    private readonly transport: CanTransport,
    private readonly noise: Prng,
    sensorsPerModule: number,
  ) {
    this.cellCount = cells.cellsPerModule;
    this.firstCell = spec.module * cells.cellsPerModule;
    this.sensorCount = sensorsPerModule;
    this.measured_mV = new Float64Array(this.cellCount);
  }

  /** Bleed mask now in force (bit i = cell i+1), after the timeout and the over-temperature stop. */
  get activeBalancingMask(): number {
    return this.overTemperature || this.scheduler.nowMs() > this.balancingDeadlineMs ? 0 : this.balancingMask;
  }

  start(): void {
    // Stagger the nodes within each period, as independent boards would be.
    const node = this.spec.node;
    this.cancels.push(
      this.scheduler.every(BMU_CELL_VOLTAGES_PERIOD_MS, () => this.sendCellVoltages(), 1 + ((node * 7) % 97)),
      this.scheduler.every(BMU_TEMPERATURES_PERIOD_MS, () => this.sendTemperatures(), 3 + ((node * 61) % 991)),
      this.scheduler.every(BMU_STATUS_PERIOD_MS, () => this.sendStatus(), 5 + ((node * 67) % 991)),
    );
  }

  stop(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
    this.balancingMask = 0;
    this.applyBleed();
  }

  /** A balancing command for this node (0x300+n); frames that do not decode are ignored. */
  receive(frame: CanFrame): void {
    const command = decodeBalancingCommand(frame);
    if (command.kind !== "balancingCommand" || command.node !== this.spec.node) return;
    this.balancingMask = command.mask >>> 0;
    this.balancingDeadlineMs = this.scheduler.nowMs() + command.timeout_s * 1000;
    this.applyBleed();
  }

  /** Puts the bleed resistors in force in the physics; called on commands and every cell-voltage cycle. */
  applyBleed(): void {
    const temperature = this.thermal.moduleTemperature_degC[this.spec.module];
    if (temperature > BALANCING_MAX_TEMPERATURE_degC) this.overTemperature = true;
    else if (temperature < BALANCING_MAX_TEMPERATURE_degC - 5) this.overTemperature = false;
    const mask = this.activeBalancingMask;
    const conductance = this.cells.bleedConductance_S;
    for (let c = 0; c < this.cellCount; c++) {
      conductance[this.firstCell + c] = (mask >>> c) & 1 ? 1 / BLEED_RESISTANCE_ohm : 0;
    }
  }

  private silent(): boolean {
    return this.faults.silentBmu[this.spec.module] === 1;
  }

  private sendCellVoltages(): void {
    this.applyBleed();
    if (this.silent()) return;
    const { node, cellVoltageNoise_mV } = this.spec;
    const terminal = this.cells.terminal_V;
    const offsets = this.faults.cellVoltageOffset_mV;
    const openWire = this.faults.openCellWire;
    for (let c = 0; c < this.cellCount; c++) {
      const i = this.firstCell + c;
      const mV = terminal[i] * 1000 + offsets[i] + cellVoltageNoise_mV * this.noise.fastNormal();
      this.measured_mV[c] = openWire[i] === 1 ? -1 : Math.min(65534, Math.max(0, Math.round(mV)));
    }
    const measured = this.measured_mV;
    const groups = Math.ceil(this.cellCount / BMU_CELLS_PER_GROUP);
    for (let g = 0; g < groups; g++) {
      const c = g * BMU_CELLS_PER_GROUP;
      const cellVoltages_mV = [this.reading(measured, c), this.reading(measured, c + 1), this.reading(measured, c + 2)];
      this.transport.send(encodeBmuCellVoltages({ kind: "bmuCellVoltages", node, group: g, cellVoltages_mV }));
    }
  }

  /** Measured mV of cell c of this module, or null when it does not exist or its wire is open (marked -1). */
  private reading(measured: Float64Array, c: number): number | null {
    return c < this.cellCount && measured[c] >= 0 ? measured[c] : null;
  }

  private sendTemperatures(): void {
    if (this.silent()) return;
    const { node, module, temperatureResolution_degC: resolution } = this.spec;
    const groups = Math.ceil(this.sensorCount / BMU_TEMPERATURES_PER_GROUP);
    const base = module * this.sensorCount;
    for (let g = 0; g < groups; g++) {
      const values: (number | null)[] = [];
      for (let k = 0; k < BMU_TEMPERATURES_PER_GROUP; k++) {
        const s = g * BMU_TEMPERATURES_PER_GROUP + k;
        if (s >= this.sensorCount || this.faults.openTemperatureWire[base + s] === 1) {
          values.push(null);
          continue;
        }
        const quantised = Math.round(this.thermal.sensorTemperature_degC[base + s] / resolution) * resolution;
        values.push(Math.min(214, Math.max(-40, Math.round(quantised))));
      }
      this.transport.send(
        encodeBmuTemperatures({ kind: "bmuTemperatures", node, group: g, temperatures_degC: values }),
      );
    }
  }

  private sendStatus(): void {
    if (this.silent()) return;
    const { node, module } = this.spec;
    let moduleVoltage_mV = 0;
    let openWire = false;
    for (let c = 0; c < this.cellCount; c++) {
      const i = this.firstCell + c;
      moduleVoltage_mV += this.cells.terminal_V[i] * 1000;
      if (this.faults.openCellWire[i] === 1) openWire = true;
    }
    let sensorFault = false;
    for (let s = 0; s < this.sensorCount; s++) {
      if (this.faults.openTemperatureWire[module * this.sensorCount + s] === 1) sensorFault = true;
    }
    const board = this.thermal.moduleTemperature_degC[module] + BOARD_TEMPERATURE_RISE_K;
    this.transport.send(
      encodeBmuStatus({
        kind: "bmuStatus",
        node,
        aliveCounter: this.aliveCounter,
        balancingActive: this.activeBalancingMask !== 0,
        afeFault: false,
        openWire,
        temperatureSensorFault: sensorFault,
        supplyLow: false,
        balancingOverTemperature: this.overTemperature && this.balancingMask !== 0,
        moduleVoltage_mV: Math.min(655_350, Math.max(0, moduleVoltage_mV)),
        boardTemperature_degC: Math.min(215, Math.max(-40, Math.round(board))),
        cellCount: this.cellCount,
        sensorCount: this.sensorCount,
        protocolVersion: BMU_PROTOCOL_VERSION,
      }),
    );
    this.aliveCounter = (this.aliveCounter + 1) & 0xff;
  }
}

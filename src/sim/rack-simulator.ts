import type { CanFrame } from "../can/frame.ts";
import type { CanTransport } from "../can/transport.ts";
import { BMU_BALANCING_CMD_BASE } from "../can/codecs/bmu.ts";
import type { ContactorSet } from "../can/codecs/messages.ts";
import type { Cancel, Scheduler } from "../time/scheduler.ts";
import { Prng } from "../util/prng.ts";
import { CellString } from "./cell-string.ts";
import { ContactorBank } from "./contactor-bank.ts";
import { DcLink } from "./dc-link.ts";
import { SimFaults } from "./faults.ts";
import { resolveSimulatorOptions, type SimulatorOptions, type SimulatorOptionsInput } from "./options.ts";
import { deliverableEnergy_Wh, seriesStringSoc, storedEnergy_Wh } from "./pack-truth.ts";
import { Pcs } from "./pcs.ts";
import { createPowerProfile } from "./power-profile.ts";
import { SimBmu } from "./sim-bmu.ts";
import { SimContactorUnit } from "./sim-contactor-unit.ts";
import { SimImd } from "./sim-imd.ts";
import { IMD_REQUEST_ID } from "../can/codecs/imd.ts";
import { SimIvt } from "./sim-ivt.ts";
import { ModuleThermalModel } from "./thermal-model.ts";

/** The part of `config.rack` the simulator needs. */
export interface RackConfigLike {
  readonly bmuCount: number;
  readonly firstBmuNode: number;
  readonly cellsPerBmu: number;
  readonly temperatureSensorsPerBmu: number;
  readonly cell: { readonly capacity_Ah: number; readonly nominalVoltage_V: number };
}

/** Ground truth of the simulated rack at one instant. Per-cell arrays are indexed module · cellsPerBmu + cell. */
export interface RackTruth {
  readonly timeMs: number;
  /** True SOC per cell, 0..1. */
  readonly cellSoc: readonly number[];
  readonly cellCapacity_Ah: readonly number[];
  readonly cellR0_ohm: readonly number[];
  /** Terminal voltage per cell, noise-free, V. */
  readonly cellVoltage_V: readonly number[];
  /** Cells whose bleed resistor is switched in now. */
  readonly cellBleeding: readonly boolean[];
  readonly moduleTemperature_degC: readonly number[];
  /** Per sensor, module · temperatureSensorsPerBmu + sensor. */
  readonly sensorTemperature_degC: readonly number[];
  /** Current through the string, A (+ = discharge). */
  readonly current_A: number;
  readonly packVoltage_V: number;
  readonly linkVoltage_V: number;
  /** Contacts closed now. */
  readonly contactors: ContactorSet;
  readonly breakerClosed: boolean;
  readonly breakerTripped: boolean;
  /** When the breaker last tripped (shunt trip or by itself), NaN before. */
  readonly breakerTrippedAtMs: number;
  /** Contacts welded now (injected, or by opening above their breaking current). */
  readonly contactorsWelded: ContactorSet;
  /** True insulation resistance of the IT system (both poles in parallel), kΩ. */
  readonly insulationResistance_kOhm: number;
  /** Qdis / (Qdis + Qchg) of the series string (see `seriesStringSoc`). */
  readonly packSoc: number;
  /** Energy stored in all cells above their own empty point, Wh. */
  readonly storedEnergy_Wh: number;
  /** Energy the rack could deliver from now until its first cell is empty, Wh. */
  readonly deliverableEnergy_Wh: number;
}

/**
 * A 1P string of LFP cells in modules, each with a BMU, plus the IVT-S current sensor, the contactor unit and a
 * PCS, all on one CAN transport. Physics steps every `physicsStep_ms` on the scheduler: real time in the daemon,
 * simulated time (as fast as the CPU allows) under a `SimScheduler`. Deterministic for a seed.
 */
export class RackSimulator {
  readonly options: SimulatorOptions;
  readonly faults: SimFaults;
  readonly pcs: Pcs;
  /** The Bender iso165C insulation monitor (its faults are injected on it: `sim.imd.degradeInsulation(...)`). */
  readonly imd: SimImd;
  private readonly cells: CellString;
  private readonly thermal: ModuleThermalModel;
  private readonly bank = new ContactorBank();
  private readonly dcLink: DcLink;
  private readonly bmus: SimBmu[] = [];
  private readonly ivt: SimIvt;
  private readonly contactorUnit: SimContactorUnit;
  private readonly moduleHeat_W: Float64Array;
  private current = 0;
  private packVoltage = 0;
  private readonly cancels: Cancel[] = [];
  private running = false;

  constructor(
    private readonly rack: RackConfigLike,
    options: SimulatorOptions | SimulatorOptionsInput,
    private readonly scheduler: Scheduler,
    private readonly transport: CanTransport,
  ) {
    const o = resolveSimulatorOptions(options);
    this.options = o;
    const prng = new Prng(o.seed);
    const moduleCount = rack.bmuCount;
    this.cells = new CellString(
      {
        moduleCount,
        cellsPerModule: rack.cellsPerBmu,
        nominalCapacity_Ah: rack.cell.capacity_Ah,
        capacityFactor: o.capacityFactor,
        initialSoc: o.initialSoc,
        spread: o.spread,
      },
      prng.fork("cells"),
    );
    this.thermal = new ModuleThermalModel(
      {
        moduleCount,
        sensorsPerModule: rack.temperatureSensorsPerBmu,
        ambient_degC: o.ambient_degC,
        heatCapacity_J_per_K: o.thermal.moduleHeatCapacity_J_per_K,
        thermalResistance_K_per_W: o.thermal.moduleThermalResistance_K_per_W,
      },
      prng.fork("thermal"),
    );
    this.moduleHeat_W = new Float64Array(moduleCount);
    this.dcLink = new DcLink(o.dcLink.capacitance_F, o.dcLink.prechargeResistance_ohm);
    this.faults = new SimFaults(this.cells, this.bank, rack.temperatureSensorsPerBmu);
    const cellsInSeries = moduleCount * rack.cellsPerBmu;
    const nominalEnergy_Wh = cellsInSeries * rack.cell.nominalVoltage_V * rack.cell.capacity_Ah;
    this.pcs = new Pcs(
      { cellsInSeries, ...o.pcs },
      createPowerProfile(o.profile.name, o.profile.scale, nominalEnergy_Wh),
    );
    for (let m = 0; m < moduleCount; m++) {
      const node = rack.firstBmuNode + m;
      this.bmus.push(
        new SimBmu(
          {
            node,
            module: m,
            cellVoltageNoise_mV: o.cellVoltageNoise_mV,
            temperatureResolution_degC: o.temperatureResolution_degC,
          },
          this.cells,
          this.thermal,
          this.faults,
          scheduler,
          transport,
          prng.fork(`bmu${node}`),
          rack.temperatureSensorsPerBmu,
        ),
      );
    }
    this.ivt = new SimIvt(
      o.currentSensor,
      {
        current_A: () => this.current,
        packVoltage_V: () => this.packVoltage,
        linkVoltage_V: () => this.dcLink.voltage_V,
        temperature_degC: () => this.thermal.ambient_degC + 5,
      },
      this.faults,
      scheduler,
      transport,
      prng.fork("ivt"),
    );
    this.contactorUnit = new SimContactorUnit(this.bank, scheduler, transport);
    this.imd = new SimImd(scheduler, transport);
    this.cells.settle(this.thermal.moduleTemperature_degC);
    this.packVoltage = this.cells.packVoltage_V();
  }

  /** Starts the physics and every device. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const step_ms = this.options.physicsStep_ms;
    this.cancels.push(
      this.scheduler.every(step_ms, () => this.step(step_ms / 1000)),
      this.transport.onFrame((frame) => this.receive(frame)),
    );
    for (const bmu of this.bmus) bmu.start();
    this.ivt.start();
    this.contactorUnit.start();
    this.imd.start();
  }

  /** Stops sending and stepping (the state is kept; `start()` resumes). Does not close the transport. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const cancel of this.cancels.splice(0)) cancel();
    for (const bmu of this.bmus) bmu.stop();
    this.ivt.stop();
    this.contactorUnit.stop();
    this.imd.stop();
  }

  /** Ambient temperature of the cabinet (the modules cool towards it), °C. */
  setAmbient_degC(ambient_degC: number): void {
    this.thermal.ambient_degC = ambient_degC;
  }

  /** Counters of command frames the contactor unit ignored. */
  get contactorUnitRejections(): Readonly<{ badFrame: number; aliveCounter: number }> {
    return { ...this.contactorUnit.rejections };
  }

  truth(): RackTruth {
    const cells = this.cells;
    const soc = Array.from(cells.soc);
    const capacity = Array.from(cells.capacity_Ah);
    return {
      timeMs: this.scheduler.nowMs(),
      cellSoc: soc,
      cellCapacity_Ah: capacity,
      cellR0_ohm: Array.from(cells.r0_ohm),
      cellVoltage_V: Array.from(cells.terminal_V),
      cellBleeding: Array.from(cells.bleedConductance_S, (g) => g > 0),
      moduleTemperature_degC: Array.from(this.thermal.moduleTemperature_degC),
      sensorTemperature_degC: Array.from(this.thermal.sensorTemperature_degC),
      current_A: this.current,
      packVoltage_V: this.packVoltage,
      linkVoltage_V: this.dcLink.voltage_V,
      contactors: this.bank.closedSet(),
      breakerClosed: this.bank.breakerClosed,
      breakerTripped: this.bank.breakerTripped,
      breakerTrippedAtMs: this.bank.breakerTrippedAtMs,
      contactorsWelded: {
        mainPositive: this.bank.contactors.mainPositive.welded,
        mainNegative: this.bank.contactors.mainNegative.welded,
        precharge: this.bank.contactors.precharge.welded,
      },
      insulationResistance_kOhm: this.imd.trueResistance_kOhm(),
      packSoc: seriesStringSoc(soc, capacity),
      storedEnergy_Wh: storedEnergy_Wh(soc, capacity),
      deliverableEnergy_Wh: deliverableEnergy_Wh(soc, capacity),
    };
  }

  private receive(frame: CanFrame): void {
    const node = frame.id - BMU_BALANCING_CMD_BASE - this.rack.firstBmuNode;
    if (node >= 0 && node < this.bmus.length) this.bmus[node].receive(frame);
    else if (frame.id === IMD_REQUEST_ID) this.imd.receive(frame);
    else this.contactorUnit.receive(frame);
  }

  private step(dt_s: number): void {
    const now = this.scheduler.nowMs();
    const bank = this.bank;
    bank.update(now);
    const connected = bank.connected();
    const pcsCurrent = this.pcs.update(dt_s, now, connected, this.dcLink.voltage_V);
    let current = connected ? pcsCurrent + this.faults.dcFaultCurrent_A : 0;
    if (!connected) {
      if (bank.precharging()) current += this.dcLink.precharge(dt_s, this.packVoltage);
      else this.dcLink.bleed(dt_s);
    }
    const cells = this.cells;
    cells.step(dt_s, current, this.thermal.moduleTemperature_degC);
    this.current = current;
    bank.current_A = current;
    this.packVoltage = cells.packVoltage_V();
    if (connected) this.dcLink.connect(this.packVoltage);

    const perModule = cells.cellsPerModule;
    for (let m = 0; m < cells.moduleCount; m++) {
      let heat = this.faults.moduleExtraHeat_W[m];
      for (let i = m * perModule; i < (m + 1) * perModule; i++) heat += cells.heat_W[i] + cells.bleedHeat_W[i];
      this.moduleHeat_W[m] = heat;
    }
    this.thermal.step(dt_s, this.moduleHeat_W);
    this.ivt.integrate(dt_s);
  }
}

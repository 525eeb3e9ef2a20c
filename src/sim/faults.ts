import type { CellString } from "./cell-string.ts";
import type { ContactorBank, ContactorName } from "./contactor-bank.ts";

/** Error bits and silence of the IVT-S. */
export interface CurrentSensorFault {
  readonly overCurrent: boolean;
  readonly channelError: boolean;
  readonly measurementError: boolean;
  readonly systemError: boolean;
  /** The sensor stops sending altogether. */
  readonly silent: boolean;
}

const NO_CURRENT_SENSOR_FAULT: CurrentSensorFault = {
  overCurrent: false,
  channelError: false,
  measurementError: false,
  systemError: false,
  silent: false,
};

/** Cabinet inputs reported in byte 2 of 0x0A1 (the breaker's own state is driven by the shunt trip). */
export interface CabinetInputs {
  readonly breakerClosed: boolean;
  readonly hvilIntact: boolean;
  readonly emergencyStop: boolean;
  readonly fireAlarm: boolean;
  readonly doorOpen: boolean;
}

/**
 * Fault injection (`sim.faults`). Indices are 0-based: module m is BMU node `firstBmuNode + m`, cell c of
 * module m is `m · cellsPerBmu + c` in the truth arrays, sensor s of module m likewise. Every fault is visible
 * on the bus (or, for a physical fault such as a drifting cell, in what the bus reports later).
 */
export class SimFaults {
  /** Measurement offset added by a BMU to a cell's reading, mV (a drifting measurement channel). */
  readonly cellVoltageOffset_mV: Float64Array;
  /** 1 = the cell's sense wire is open: the BMU sends 0xFFFF and sets its open-wire flag. */
  readonly openCellWire: Uint8Array;
  /** 1 = the sensor's wire is open: the BMU sends 0xFF and sets its sensor-fault flag. */
  readonly openTemperatureWire: Uint8Array;
  /** 1 = the BMU of that module sends nothing. */
  readonly silentBmu: Uint8Array;
  /** Extra heat in the module, W. */
  readonly moduleExtraHeat_W: Float64Array;
  currentSensorFault: CurrentSensorFault = NO_CURRENT_SENSOR_FAULT;
  /**
   * A fault on the DC side (a short in the PCS or the busbar): this current, A (+ = discharge), flows on top of the
   * PCS's while pack and link are connected.
   */
  dcFaultCurrent_A = 0;

  constructor(
    private readonly cells: CellString,
    private readonly bank: ContactorBank,
    private readonly sensorsPerModule: number,
  ) {
    this.cellVoltageOffset_mV = new Float64Array(cells.count);
    this.openCellWire = new Uint8Array(cells.count);
    this.openTemperatureWire = new Uint8Array(cells.moduleCount * sensorsPerModule);
    this.silentBmu = new Uint8Array(cells.moduleCount);
    this.moduleExtraHeat_W = new Float64Array(cells.moduleCount);
  }

  /**
   * A cell drifting low (`extraCurrent_A` > 0: an internal leak, extra self-discharge) or high (< 0), in the
   * physics: its true SOC and voltage move away from its neighbours.
   */
  driftCell(module: number, cell: number, extraCurrent_A: number): void {
    this.cells.extraCurrent_A[this.cellIndex(module, cell)] = extraCurrent_A;
  }

  /** A BMU measurement channel reading `offset_mV` off (the cell itself is fine). */
  offsetCellReading(module: number, cell: number, offset_mV: number): void {
    this.cellVoltageOffset_mV[this.cellIndex(module, cell)] = offset_mV;
  }

  hotModule(module: number, extraHeat_W: number): void {
    this.moduleExtraHeat_W[this.moduleIndex(module)] = extraHeat_W;
  }

  silenceBmu(module: number, silent = true): void {
    this.silentBmu[this.moduleIndex(module)] = silent ? 1 : 0;
  }

  openCellSenseWire(module: number, cell: number, open = true): void {
    this.openCellWire[this.cellIndex(module, cell)] = open ? 1 : 0;
  }

  openTemperatureSensorWire(module: number, sensor: number, open = true): void {
    const m = this.moduleIndex(module);
    if (!Number.isInteger(sensor) || sensor < 0 || sensor >= this.sensorsPerModule) {
      throw new RangeError(`sensor must be an integer in 0..${this.sensorsPerModule - 1}, got ${sensor}`);
    }
    this.openTemperatureWire[m * this.sensorsPerModule + sensor] = open ? 1 : 0;
  }

  /** Sets the IVT-S error bits or silences it; fields left out are cleared. */
  currentSensor(fault: Partial<CurrentSensorFault>): void {
    this.currentSensorFault = { ...NO_CURRENT_SENSOR_FAULT, ...fault };
  }

  /** The contacts of `name` weld: once closed they stay closed after the coil drops. */
  weldContactor(name: ContactorName, welded = true): void {
    this.bank.contactors[name].welded = welded;
  }

  /** The coil of `name` cannot pull in: it never closes, and the unit reports the coil-fault bit. */
  coilFault(name: ContactorName, fault = true): void {
    this.bank.contactors[name].coilFault = fault;
  }

  /** Changes cabinet inputs; `breakerClosed: true` is closing the breaker by hand (clears tripped). */
  cabinet(inputs: Partial<CabinetInputs>): void {
    const bank = this.bank;
    if (inputs.breakerClosed === true) bank.closeBreakerByHand();
    if (inputs.breakerClosed === false) bank.breakerClosed = false;
    if (inputs.hvilIntact !== undefined) bank.hvilIntact = inputs.hvilIntact;
    if (inputs.emergencyStop !== undefined) bank.emergencyStop = inputs.emergencyStop;
    if (inputs.fireAlarm !== undefined) bank.fireAlarm = inputs.fireAlarm;
    if (inputs.doorOpen !== undefined) bank.doorOpen = inputs.doorOpen;
  }

  /** The DC breaker trips by itself (over-current release, a fault in its trip unit); it needs closing by hand. */
  tripBreaker(nowMs: number): void {
    this.bank.tripBreaker(nowMs);
  }

  /** A short on the DC side: `current_A` flows while the rack is connected (0 removes it). */
  dcShortCircuit(current_A: number): void {
    this.dcFaultCurrent_A = current_A;
  }

  /** Removes every injected fault (a welded contactor comes free, the cabinet returns to normal). */
  clearAll(): void {
    this.cells.extraCurrent_A.fill(0);
    this.cellVoltageOffset_mV.fill(0);
    this.openCellWire.fill(0);
    this.openTemperatureWire.fill(0);
    this.silentBmu.fill(0);
    this.moduleExtraHeat_W.fill(0);
    this.currentSensorFault = NO_CURRENT_SENSOR_FAULT;
    this.dcFaultCurrent_A = 0;
    for (const contactor of Object.values(this.bank.contactors)) {
      contactor.welded = false;
      contactor.coilFault = false;
    }
    this.cabinet({ hvilIntact: true, emergencyStop: false, fireAlarm: false, doorOpen: false });
  }

  private moduleIndex(module: number): number {
    if (!Number.isInteger(module) || module < 0 || module >= this.cells.moduleCount) {
      throw new RangeError(`module must be an integer in 0..${this.cells.moduleCount - 1}, got ${module}`);
    }
    return module;
  }

  private cellIndex(module: number, cell: number): number {
    const m = this.moduleIndex(module);
    if (!Number.isInteger(cell) || cell < 0 || cell >= this.cells.cellsPerModule) {
      throw new RangeError(`cell must be an integer in 0..${this.cells.cellsPerModule - 1}, got ${cell}`);
    }
    return m * this.cells.cellsPerModule + cell;
  }
}

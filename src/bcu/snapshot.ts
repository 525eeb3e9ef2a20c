import type { RackMeasurements } from "./rack-measurements.ts";
import type { RackTopology } from "./rack-topology.ts";
import type { BcuEvent } from "./events.ts";
import type { CommandResult } from "./commands.ts";
import type { InsulationView } from "./insulation/imd-driver.ts";

/** What the BCU is doing, as the PCS and SCADA see it. */
export type BcuOperatingState = "starting" | "ready" | "running" | "fault";

/** SOC, SOH and energy as published. Null fields: not known (yet). */
export interface EstimationView {
  /** False while the inputs are not usable: the values hold their last estimate and must not be trusted. */
  readonly valid: boolean;
  readonly packSoc_pct: number | null;
  readonly cellSocMin_pct: number | null;
  readonly cellSocMax_pct: number | null;
  readonly soh_pct: number | null;
  readonly capacity_Ah: number | null;
  readonly remainingEnergy_kWh: number | null;
  readonly fullEnergy_kWh: number | null;
}

/** What the PCS may do now. All currents and powers ≥ 0; 0 means "do not". */
export interface LimitsView {
  readonly chargeCurrentMax_A: number;
  readonly dischargeCurrentMax_A: number;
  readonly chargePowerMax_kW: number;
  readonly dischargePowerMax_kW: number;
  readonly chargeCurrent10s_A: number;
  readonly dischargeCurrent10s_A: number;
  readonly chargeCurrent60s_A: number;
  readonly dischargeCurrent60s_A: number;
  readonly maxChargeVoltage_V: number;
  readonly minDischargeVoltage_V: number;
  /** The BCU asks the PCS to stop (a level-3 fault is active or latched). */
  readonly stopRequested: boolean;
}

/** One protection's state. `id` is from the protection table (`cellOverVoltage`, ...). */
export interface AlarmView {
  readonly id: string;
  /** 0 none, 1 warn, 2 derate, 3 disconnect. */
  readonly level: 0 | 1 | 2 | 3;
  /** A level-3 that waits for its cause to go and a reset. */
  readonly latched: boolean;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly unit: string;
  readonly sinceMs: number | null;
}

export type ContactorMachineState = "open" | "precharging" | "closing" | "closed" | "opening" | "fault";

export interface ContactorsView {
  readonly state: ContactorMachineState;
  /** What the BCU commands. */
  readonly commanded: { readonly mainPositive: boolean; readonly mainNegative: boolean; readonly precharge: boolean };
  /** What the auxiliary contacts report; null while the contactor unit is stale. */
  readonly feedback: {
    readonly mainPositive: boolean;
    readonly mainNegative: boolean;
    readonly precharge: boolean;
  } | null;
  readonly breakerTripRequested: boolean;
  /** Why the latest close request was refused, or "". */
  readonly lastRefusal: string;
  readonly operations: number;
}

export interface BalancingView {
  readonly activeCells: number;
  /** Bleeding mask per BMU (bit i = cell i+1). */
  readonly masks: readonly number[];
}

/**
 * One immutable picture of the BCU per cycle. Northbound servers, the store and the CLI read only this; they
 * never reach into bcu/ internals. A section a part of the BCU has not produced is null.
 */
export interface Snapshot {
  /** Cycle counter since start; the heartbeat the PCS sees. */
  readonly sequence: number;
  readonly timeMs: number;
  readonly topology: RackTopology;
  readonly state: BcuOperatingState;
  readonly measurements: RackMeasurements;
  readonly estimation: EstimationView | null;
  readonly limits: LimitsView | null;
  /** Every protection of the table, in table order. */
  readonly alarms: readonly AlarmView[];
  readonly maxAlarmLevel: 0 | 1 | 2 | 3;
  readonly contactors: ContactorsView | null;
  readonly balancing: BalancingView | null;
  /** The insulation monitor as the BCU drives it; null when this BCU drives none. */
  readonly insulation: InsulationView | null;
  /** Events raised in this cycle. */
  readonly events: readonly BcuEvent[];
  /** Results of the commands applied in this cycle. */
  readonly commandResults: readonly CommandResult[];
}

import type { CommandResult } from "./commands.ts";
import type { BcuEvent } from "./events.ts";
import type { EstimationOutput } from "./estimation/index.ts";
import type { PublishedLimits } from "./limits.ts";
import type { ProtectionOutput } from "./protection/protection.ts";
import type { ContactorState, ContactorStepResult } from "./contactors/contactor-machine.ts";
import type { RackMeasurements } from "./rack-measurements.ts";
import type { RackTopology } from "./rack-topology.ts";
import type { InsulationView } from "./insulation/imd-driver.ts";
import type { AlarmView, BcuOperatingState, ContactorsView, EstimationView, LimitsView, Snapshot } from "./snapshot.ts";

export interface SnapshotParts {
  readonly sequence: number;
  readonly nowMs: number;
  readonly topology: RackTopology;
  readonly m: RackMeasurements;
  readonly estimation: EstimationOutput;
  readonly limits: PublishedLimits;
  readonly protection: ProtectionOutput;
  readonly contactors: ContactorStepResult;
  readonly contactorState: ContactorState;
  readonly contactorOperations: number;
  readonly balancingMasks: Uint32Array;
  readonly balancingActiveCells: number;
  readonly insulation: InsulationView | null;
  readonly events: readonly BcuEvent[];
  readonly commandResults: readonly CommandResult[];
}

/** Turns the cycle's internal outputs into the published, immutable views of the Snapshot. */
export function buildSnapshot(p: SnapshotParts): Snapshot {
  const maxAlarmLevel = p.protection.maxLevel;
  const estimation = estimationView(p.estimation);
  return {
    sequence: p.sequence,
    timeMs: p.nowMs,
    topology: p.topology,
    state: operatingState(estimation, maxAlarmLevel, p.contactors.state),
    measurements: p.m,
    estimation,
    limits: limitsView(p.limits),
    alarms: p.protection.alarms.map(alarmView),
    maxAlarmLevel,
    contactors: contactorsView(p),
    balancing: { activeCells: p.balancingActiveCells, masks: Array.from(p.balancingMasks) },
    insulation: p.insulation,
    events: p.events,
    commandResults: p.commandResults,
  };
}

function operatingState(
  estimation: EstimationView,
  maxAlarmLevel: number,
  contactorState: ContactorStepResult["state"],
): BcuOperatingState {
  if (maxAlarmLevel >= 3 || contactorState === "fault") return "fault";
  if (estimation.packSoc_pct === null) return "starting";
  return contactorState === "closed" ? "running" : "ready";
}

function estimationView(e: EstimationOutput): EstimationView {
  return {
    valid: e.socValid,
    packSoc_pct: e.packSoc_pct,
    cellSocMin_pct: e.cellSocMin_pct,
    cellSocMax_pct: e.cellSocMax_pct,
    soh_pct: e.soh_pct,
    capacity_Ah: e.capacity_Ah,
    remainingEnergy_kWh: e.remainingEnergy_kWh,
    fullEnergy_kWh: e.fullEnergy_kWh,
  };
}

function limitsView(l: PublishedLimits): LimitsView {
  return {
    chargeCurrentMax_A: l.chargeCurrentMax_A,
    dischargeCurrentMax_A: l.dischargeCurrentMax_A,
    chargePowerMax_kW: l.chargePowerMax_W / 1000,
    dischargePowerMax_kW: l.dischargePowerMax_W / 1000,
    chargeCurrent10s_A: l.chargeCurrent10s_A,
    dischargeCurrent10s_A: l.dischargeCurrent10s_A,
    chargeCurrent60s_A: l.chargeCurrent60s_A,
    dischargeCurrent60s_A: l.dischargeCurrent60s_A,
    maxChargeVoltage_V: l.maxChargeVoltage_V,
    minDischargeVoltage_V: l.minDischargeVoltage_V,
    stopRequested: l.stopRequested,
  };
}

function alarmView(a: ProtectionOutput["alarms"][number]): AlarmView {
  return {
    id: a.id,
    level: a.level,
    latched: a.latched,
    value: a.value,
    threshold: a.threshold,
    unit: a.unit,
    sinceMs: a.since,
  };
}

function contactorsView(p: SnapshotParts): ContactorsView {
  const fb = p.m.contactorFeedback;
  const c = p.contactors.command;
  return {
    state: p.contactors.state,
    commanded: { mainPositive: c.mainPositive, mainNegative: c.mainNegative, precharge: c.precharge },
    feedback: fb ? { ...fb.closed } : null,
    breakerTripRequested: c.breakerShuntTrip,
    lastRefusal: p.contactorState.lastRefusal,
    operations: p.contactorOperations,
  };
}

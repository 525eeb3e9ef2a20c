import type { BcuCommand, CommandResult } from "./commands.ts";
import type { BcuEvent } from "./events.ts";
import { createMeasurementState, takeImdResponses, type MeasurementState } from "./measurements.ts";
import { assessMeasurements, type MeasurementTimeouts, type RackMeasurements } from "./rack-measurements.ts";
import { cellCount, type RackTopology } from "./rack-topology.ts";
import type { Snapshot } from "./snapshot.ts";
import {
  createEstimationState,
  defaultEstimationConfig,
  stepEstimation,
  type CellRatings,
  type EstimationConfig,
  type EstimationState,
  type PersistedEstimation,
} from "./estimation/index.ts";
import { createLimitsState, defaultLimitsConfig, stepLimits, type LimitsConfig, type LimitsState } from "./limits.ts";
import { createProtectionState, evaluateProtection, type ProtectionState } from "./protection/protection.ts";
import type { ProtectionConfig } from "./protection/protection-config.ts";
import { requestFaultReset } from "./protection/fault-reset.ts";
import { restoreLatches, type PersistedLatches } from "./protection/latched-persistence.ts";
import type { ContactorConfig } from "./contactors/contactor-config.ts";
import { NO_CONTACTOR_FAULTS, type ContactorFaults } from "./contactors/contactor-faults.ts";
import {
  createContactorState,
  stepContactors,
  type ContactorCommandOut,
  type ContactorRequest,
  type ContactorState,
} from "./contactors/contactor-machine.ts";
import type { BalancingConfig } from "./balancing/balancing-config.ts";
import { createBalancingState, stepBalancing, type BalancingState } from "./balancing/balancing.ts";
import { buildSnapshot } from "./snapshot-views.ts";
import type { ImdRequest } from "../can/codecs/messages.ts";
import {
  createImdDriverState,
  defaultInsulationConfig,
  resolveInsulationSettings,
  stepImdDriver,
  type ImdDriverState,
  type InsulationConfig,
} from "./insulation/index.ts";

/** What the cycle needs from the configuration (the daemon passes the whole validated configuration). */
export interface CycleConfig {
  readonly rack: RackTopology & { readonly cell: CellRatings };
  readonly measurements: MeasurementTimeouts;
  readonly protection: ProtectionConfig;
  readonly contactors: ContactorConfig;
  readonly balancing: BalancingConfig;
  /** Defaults for the rack's cells when absent. */
  readonly estimation?: EstimationConfig;
  readonly limits?: LimitsConfig;
  /** The insulation monitor; absent: no monitor driven (a capture or test without one). */
  readonly insulation?: InsulationConfig;
}

/** Everything the BCU remembers between cycles. Owned by one pipeline; mutated only by ingest and the cycle. */
export interface BcuState {
  readonly measurements: MeasurementState;
  /** Created at the first cycle, from the persisted state when fresh, else from the OCV. */
  estimation: EstimationState | null;
  readonly persistedEstimation: PersistedEstimation | null;
  readonly limits: LimitsState;
  readonly protection: ProtectionState;
  readonly contactors: ContactorState;
  readonly balancing: BalancingState;
  readonly insulation: ImdDriverState;
  contactorFaults: ContactorFaults;
  balancingMasks: Uint32Array;
  balancingActiveCells: number;
  nextBalancingMs: number;
  contactorOperations: number;
  lastPcsHeartbeat: { value: number; timeMs: number } | null;
  sequence: number;
  lastSnapshot: Snapshot | null;
}

/** What a cycle asks the pipeline to put on the bus. */
export interface CycleOutputs {
  /** Contactor command (0x0A0): sent every 100 ms and at once when it changes. */
  readonly contactorCommand: ContactorCommandOut;
  /** Balancing masks per BMU (0x300+n) when this cycle recomputed them (once per second), else null. */
  readonly balancing: { readonly masks: Uint32Array; readonly timeout_s: number } | null;
  /** Requests to the insulation monitor (IMD_Request 0x022), to send in order, at once. */
  readonly imdRequests: readonly ImdRequest[];
}

export interface CycleResult {
  readonly snapshot: Snapshot;
  readonly outputs: CycleOutputs;
}

/** Balancing is recomputed at this period; BMUs hold a command for `balancing.commandTimeout_s`. */
const BALANCING_PERIOD_MS = 1000;

export function estimationConfigOf(config: CycleConfig): EstimationConfig {
  return config.estimation ?? defaultEstimationConfig;
}

export function limitsConfigOf(config: CycleConfig): LimitsConfig {
  const { cell } = config.rack;
  return config.limits ?? defaultLimitsConfig(cell.capacity_Ah, cell.nominalVoltage_V * cellCount(config.rack));
}

export function createBcuState(
  config: CycleConfig,
  nowMs: number,
  persisted: {
    estimation?: PersistedEstimation | null;
    counters?: { readonly contactorOperations?: number } | null;
    latches?: PersistedLatches | null;
  } = {},
): BcuState {
  const protection = createProtectionState(config.protection, config.rack);
  restoreLatches(protection, persisted.latches);
  return {
    measurements: createMeasurementState(config.rack),
    estimation: null,
    persistedEstimation: persisted.estimation ?? null,
    limits: createLimitsState(nowMs),
    protection,
    contactors: createContactorState(config.contactors),
    balancing: createBalancingState(config.rack),
    insulation: createImdDriverState(),
    contactorFaults: NO_CONTACTOR_FAULTS,
    balancingMasks: new Uint32Array(config.rack.bmuCount),
    balancingActiveCells: 0,
    nextBalancingMs: nowMs,
    contactorOperations: persisted.counters?.contactorOperations ?? 0,
    lastPcsHeartbeat: null,
    sequence: 0,
    lastSnapshot: null,
  };
}

/**
 * One BCU cycle at `nowMs`: judge the measurements, estimate, apply the queued commands, protect, drive the
 * contactors and balancing, publish the limits, and return the snapshot and what goes on the bus.
 *
 * Order matters for safety: a fault reset is decided before protection runs (so an accepted reset takes effect
 * in this cycle), protection runs before the contactors (so a level 3 opens them in the same cycle), and the
 * contactor faults found in this cycle reach protection in the next one.
 */
export function runCycle(
  state: BcuState,
  config: CycleConfig,
  commands: readonly BcuCommand[],
  nowMs: number,
): CycleResult {
  const m = assessMeasurements(state.measurements, config.measurements, nowMs);
  const events: BcuEvent[] = [];
  const commandResults: CommandResult[] = [];

  const estimationConfig = estimationConfigOf(config);
  if (state.estimation === null) {
    state.estimation = createEstimationState(config.rack, config.rack.cell, estimationConfig, {
      measurements: m,
      persisted: state.persistedEstimation,
      nowMs,
    });
  }
  const estimation = stepEstimation(state.estimation, m, estimationConfig, nowMs);
  events.push(...estimation.events);

  const contactorRequests: { command: BcuCommand; request: ContactorRequest }[] = [];
  for (const command of commands) {
    switch (command.kind) {
      case "resetFaults": {
        const reset = requestFaultReset(state.protection, m, config.protection, nowMs);
        events.push(...reset.events);
        commandResults.push(result(command, reset.accepted, reset.reason, nowMs));
        break;
      }
      case "closeContactors":
        contactorRequests.push({ command, request: "close" });
        break;
      case "openContactors":
        contactorRequests.push({ command, request: "open" });
        break;
      case "pcsHeartbeat":
        if (state.lastPcsHeartbeat === null || state.lastPcsHeartbeat.value !== command.value) {
          state.lastPcsHeartbeat = { value: command.value ?? 0, timeMs: nowMs };
        }
        commandResults.push(result(command, true, "", nowMs));
        break;
    }
  }

  const insulationSettings = resolveInsulationSettings(
    config.insulation ?? { ...defaultInsulationConfig(), enabled: false },
    config.rack,
    config.protection,
  );
  const imd = stepImdDriver(
    state.insulation,
    {
      info: state.measurements.imdInfo,
      infoTimeMs: state.measurements.imdInfoTimeMs,
      responses: takeImdResponses(state.measurements),
      contactorsClosed: state.contactors.state === "closed",
    },
    insulationSettings,
    nowMs,
  );
  events.push(...imd.events);

  const protection = evaluateProtection(
    state.protection,
    m,
    {
      packSoc_pct: estimation.socValid ? estimation.packSoc_pct : null,
      contactorFaults: state.contactorFaults,
      contactorsClosed: state.contactors.state === "closed",
      ...(insulationSettings.enabled ? { insulation: imd.insulation } : {}),
    },
    config.protection,
    nowMs,
  );
  events.push(...protection.events);

  const wasClosed = state.contactors.state === "closed";
  const contactors = stepContactors(
    state.contactors,
    { requests: contactorRequests.map((r) => r.request), protection, m },
    config.contactors,
    nowMs,
  );
  state.contactorFaults = contactors.faults;
  if (!wasClosed && contactors.state === "closed") state.contactorOperations++;
  events.push(...contactors.events);
  contactors.results.forEach((r, i) => {
    const { command } = contactorRequests[i];
    commandResults.push(result(command, r.accepted, r.reason, nowMs));
  });
  for (const r of commandResults) {
    const command = commands.find((c) => c.id === r.id);
    if (command === undefined || command.kind === "pcsHeartbeat") continue;
    events.push({
      timeMs: nowMs,
      kind: r.accepted ? "command" : "commandRefused",
      source: command.kind,
      level: 0,
      message: r.accepted ? `${command.kind} accepted` : `${command.kind} refused: ${r.reason}`,
      origin: command.origin,
    });
  }

  const limits = stepLimits(
    state.limits,
    estimation.sop,
    {
      derateFactor: protection.derateFactor,
      // No current may flow unless the rack is connected and healthy.
      forceZero: protection.forceZero || contactors.state !== "closed",
      measurementsUsable: measurementsUsable(m, config.rack),
    },
    limitsConfigOf(config),
    nowMs,
  );

  let balancing: CycleOutputs["balancing"] = null;
  if (nowMs >= state.nextBalancingMs) {
    state.nextBalancingMs = nowMs + BALANCING_PERIOD_MS;
    const out = stepBalancing(state.balancing, m, { current_A: m.current_A }, config.balancing, nowMs);
    state.balancingMasks = out.masks;
    state.balancingActiveCells = out.activeCells;
    events.push(...out.events);
    balancing = { masks: out.masks, timeout_s: config.balancing.commandTimeout_s };
  }

  state.sequence++;
  const snapshot = buildSnapshot({
    sequence: state.sequence,
    nowMs,
    topology: config.rack,
    m,
    estimation,
    limits,
    protection,
    contactors,
    contactorState: state.contactors,
    contactorOperations: state.contactorOperations,
    balancingMasks: state.balancingMasks,
    balancingActiveCells: state.balancingActiveCells,
    insulation: insulationSettings.enabled ? imd.view : null,
    events,
    commandResults,
  });
  state.lastSnapshot = snapshot;
  return { snapshot, outputs: { contactorCommand: contactors.command, balancing, imdRequests: imd.requests } };
}

function result(command: BcuCommand, accepted: boolean, reason: string, nowMs: number): CommandResult {
  return { id: command.id, kind: command.kind, accepted, reason: accepted ? "" : reason, timeMs: nowMs };
}

function measurementsUsable(m: RackMeasurements, topology: RackTopology): boolean {
  return m.validCellCount === cellCount(topology) && m.current_A !== null && m.validTemperatureCount > 0;
}

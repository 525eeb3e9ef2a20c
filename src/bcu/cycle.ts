import type { BcuCommand, CommandResult } from "./commands.ts";
import type { BcuEvent } from "./events.ts";
import { createMeasurementState, type MeasurementState } from "./measurements.ts";
import { assessMeasurements, type MeasurementTimeouts } from "./rack-measurements.ts";
import type { RackTopology } from "./rack-topology.ts";
import type { BcuOperatingState, Snapshot } from "./snapshot.ts";

/** What the cycle needs from the configuration. */
export interface CycleConfig {
  readonly rack: RackTopology;
  readonly measurements: MeasurementTimeouts;
}

/** Everything the BCU remembers between cycles. Owned by one pipeline; mutated only by ingest and the cycle. */
export interface BcuState {
  readonly measurements: MeasurementState;
  sequence: number;
  lastSnapshot: Snapshot | null;
}

export function createBcuState(config: CycleConfig): BcuState {
  return { measurements: createMeasurementState(config.rack), sequence: 0, lastSnapshot: null };
}

/**
 * One BCU cycle at `nowMs`: judge the measurements, then estimation → protection → control, and return the
 * cycle's snapshot. Commands queued since the previous cycle are applied here, in order.
 */
export function runCycle(
  state: BcuState,
  config: CycleConfig,
  commands: readonly BcuCommand[],
  nowMs: number,
): Snapshot {
  const measurements = assessMeasurements(state.measurements, config.measurements, nowMs);
  const events: BcuEvent[] = [];
  const commandResults: CommandResult[] = commands.map((command) => ({
    id: command.id,
    kind: command.kind,
    accepted: false,
    reason: "not supported by this BCU build",
    timeMs: nowMs,
  }));
  const operating: BcuOperatingState = measurements.staleNodes.length > 0 ? "fault" : "running";
  state.sequence++;
  const snapshot: Snapshot = {
    sequence: state.sequence,
    timeMs: nowMs,
    topology: config.rack,
    state: operating,
    measurements,
    estimation: null,
    limits: null,
    alarms: [],
    maxAlarmLevel: 0,
    contactors: null,
    balancing: null,
    events,
    commandResults,
  };
  state.lastSnapshot = snapshot;
  return snapshot;
}

import type { RackMeasurements } from "./rack-measurements.ts";
import type { RackTopology } from "./rack-topology.ts";
import type { BcuEvent } from "./events.ts";
import type { CommandResult } from "./commands.ts";

/** What the BCU is doing, as the PCS and SCADA see it. */
export type BcuOperatingState = "starting" | "ready" | "running" | "fault";

/**
 * One immutable picture of the BCU per cycle. Northbound servers, the store and the CLI read only this; they
 * never reach into bcu/ internals. Sections that a part of the BCU has not produced are absent.
 */
export interface Snapshot {
  /** Cycle counter since start; the heartbeat the PCS sees. */
  readonly sequence: number;
  readonly timeMs: number;
  readonly topology: RackTopology;
  readonly state: BcuOperatingState;
  readonly measurements: RackMeasurements;
  /** Events raised in this cycle. */
  readonly events: readonly BcuEvent[];
  /** Results of the commands applied in this cycle. */
  readonly commandResults: readonly CommandResult[];
}

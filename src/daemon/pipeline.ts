import type { CanFrame } from "../can/frame.ts";
import type { CanTransport } from "../can/transport.ts";
import { RackFrameDecoder, type SourceCounters } from "../can/rack-decoder.ts";
import type { BcuCommand, CommandResult } from "../bcu/commands.ts";
import { createBcuState, runCycle, type BcuState, type CycleConfig } from "../bcu/cycle.ts";
import { ingestMessage } from "../bcu/measurements.ts";
import type { Snapshot } from "../bcu/snapshot.ts";
import type { Cancel, Scheduler } from "../time/scheduler.ts";
import type { Logger } from "./log.ts";

export interface PipelineConfig extends CycleConfig {
  readonly cycle: { readonly period_ms: number };
}

export interface PipelineOptions {
  readonly config: PipelineConfig;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  /** The rack's CAN bus. Null when frames are pushed in with `receive` (replay). */
  readonly transport: CanTransport | null;
}

export interface PipelineStatus {
  readonly cycles: number;
  readonly framesReceived: number;
  readonly frameSources: Readonly<Record<string, SourceCounters>>;
  readonly listenerErrors: number;
}

type SnapshotListener = (snapshot: Snapshot) => void;

/**
 * The BCU's one direction of data, on a scheduler: frames → decoder → measurement model; every cycle period the
 * pure cycle turns the model into a Snapshot, which goes to the listeners (northbound, store, CLI). Commands are
 * queued and applied by the next cycle. Runs the same in real time (daemon) and simulated time (tests, replay).
 */
export class BcuPipeline {
  readonly decoder = new RackFrameDecoder();
  private readonly state: BcuState;
  private readonly listeners = new Set<{ name: string; fn: SnapshotListener }>();
  private readonly pendingCommands: BcuCommand[] = [];
  private readonly waiting = new Map<number, (result: CommandResult) => void>();
  private readonly cancels: Cancel[] = [];
  private nextCommandId = 1;
  private framesReceived = 0;
  private listenerErrors = 0;
  private latestSnapshot: Snapshot | null = null;
  private running = false;

  constructor(private readonly options: PipelineOptions) {
    this.state = createBcuState(options.config);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { transport, scheduler, config } = this.options;
    if (transport) this.cancels.push(transport.onFrame((frame) => this.receive(frame)));
    this.cancels.push(scheduler.every(config.cycle.period_ms, () => this.cycle()));
  }

  /** Takes one frame from the bus (or a capture). Never throws: a bad frame is counted by the decoder. */
  receive(frame: CanFrame): void {
    this.framesReceived++;
    const message = this.decoder.decode(frame);
    if (message.kind !== "frameError") ingestMessage(this.state.measurements, message, frame.timestampMs);
  }

  /** Runs one cycle at the scheduler's time and publishes its snapshot. */
  cycle(): Snapshot {
    const commands = this.pendingCommands.splice(0);
    const snapshot = runCycle(this.state, this.options.config, commands, this.options.scheduler.nowMs());
    this.latestSnapshot = snapshot;
    for (const result of snapshot.commandResults) {
      this.waiting.get(result.id)?.(result);
      this.waiting.delete(result.id);
    }
    for (const listener of this.listeners) {
      // A failing listener (say, the OPC UA publisher) never stops the protection cycle.
      try {
        listener.fn(snapshot);
      } catch (error) {
        this.listenerErrors++;
        this.options.log.error("snapshot listener failed", { listener: listener.name, error });
      }
    }
    return snapshot;
  }

  latest(): Snapshot | null {
    return this.latestSnapshot;
  }

  onSnapshot(name: string, fn: SnapshotListener): () => void {
    const entry = { name, fn };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** Queues a command for the next cycle; resolves with the BCU's answer. */
  submit(command: Omit<BcuCommand, "id">): Promise<CommandResult> {
    const id = this.nextCommandId++;
    this.pendingCommands.push({ ...command, id });
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  status(): PipelineStatus {
    return {
      cycles: this.state.sequence,
      framesReceived: this.framesReceived,
      frameSources: this.decoder.counters(),
      listenerErrors: this.listenerErrors,
    };
  }

  stop(): void {
    this.running = false;
    for (const cancel of this.cancels.splice(0)) cancel();
  }
}

import type { CanFrame, OutgoingCanFrame } from "../can/frame.ts";
import type { CanTransport } from "../can/transport.ts";
import { RackFrameDecoder, type SourceCounters } from "../can/rack-decoder.ts";
import type { BcuCommand, CommandResult } from "../bcu/commands.ts";
import { createBcuState, runCycle, type BcuState, type CycleConfig, type CycleOutputs } from "../bcu/cycle.ts";
import { persistEstimation, type PersistedEstimation } from "../bcu/estimation/index.ts";
import type { AlarmView } from "../bcu/snapshot.ts";
import { persistLatches, type PersistedLatches } from "../bcu/protection/latched-persistence.ts";
import { CONTACTOR_CMD_PERIOD_MS, encodeContactorCommand } from "../can/codecs/contactor.ts";
import { encodeBalancingCommand } from "../can/codecs/bmu.ts";
import { encodeImdRequest } from "../can/codecs/imd.ts";
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
  /** The rack's CAN bus. Null when frames are pushed in with `receive` (replay): nothing is sent then. */
  readonly transport: CanTransport | null;
  /** State restored from the store at start, when fresh and from the same rack. */
  readonly persisted?: {
    readonly estimation?: PersistedEstimation | null;
    readonly counters?: { readonly contactorOperations?: number } | null;
    readonly latches?: PersistedLatches | null;
  };
}

export interface PipelineStatus {
  readonly cycles: number;
  readonly framesReceived: number;
  readonly frameSources: Readonly<Record<string, SourceCounters>>;
  readonly listenerErrors: number;
  readonly framesSent: number;
  readonly sendErrors: number;
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
  private latestOutputs: CycleOutputs | null = null;
  private running = false;
  private contactorAlive = 0;
  private balancingAlive = 0;
  private lastContactorKey = -1;
  private framesSent = 0;
  private readonly externalAlarms = new Map<string, AlarmView>();
  private sendErrors = 0;

  constructor(private readonly options: PipelineOptions) {
    this.state = createBcuState(options.config, options.scheduler.nowMs(), options.persisted ?? {});
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { transport, scheduler, config } = this.options;
    if (transport) this.cancels.push(transport.onFrame((frame) => this.receive(frame)));
    this.cancels.push(scheduler.every(config.cycle.period_ms, () => this.cycle()));
    // The contactor unit opens everything when no valid command arrives for 500 ms: a dead BCU opens the rack.
    this.cancels.push(scheduler.every(CONTACTOR_CMD_PERIOD_MS, () => this.sendContactorCommand()));
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
    const result = runCycle(this.state, this.options.config, commands, this.options.scheduler.nowMs());
    const { outputs } = result;
    const snapshot = this.withExternalAlarms(result.snapshot);
    this.latestSnapshot = snapshot;
    this.latestOutputs = outputs;
    // A changed contactor command goes out in the cycle that decided it, whatever the cycle period.
    if (contactorKey(outputs) !== this.lastContactorKey) this.sendContactorCommand();
    if (outputs.balancing) this.sendBalancing(outputs.balancing);
    for (const request of outputs.imdRequests) this.send(encodeImdRequest(request));
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

  private sendContactorCommand(): void {
    const outputs = this.latestOutputs;
    if (outputs === null) return;
    const c = outputs.contactorCommand;
    this.lastContactorKey = contactorKey(outputs);
    this.send(
      encodeContactorCommand({
        kind: "contactorCommand",
        requestedClosed: { mainPositive: c.mainPositive, mainNegative: c.mainNegative, precharge: c.precharge },
        aliveCounter: this.contactorAlive,
        breakerShuntTrip: c.breakerShuntTrip,
      }),
    );
    this.contactorAlive = (this.contactorAlive + 1) & 0xff;
  }

  private sendBalancing(balancing: NonNullable<CycleOutputs["balancing"]>): void {
    const { rack } = this.options.config;
    for (let b = 0; b < rack.bmuCount; b++) {
      this.send(
        encodeBalancingCommand({
          kind: "balancingCommand",
          node: rack.firstBmuNode + b,
          mask: balancing.masks[b],
          timeout_s: balancing.timeout_s,
          aliveCounter: this.balancingAlive,
        }),
      );
    }
    this.balancingAlive = (this.balancingAlive + 1) & 0xff;
  }

  private send(frame: OutgoingCanFrame): void {
    const transport = this.options.transport;
    if (transport === null || !this.running) return;
    try {
      transport.send(frame);
      this.framesSent++;
    } catch (error) {
      // A bus that refuses a frame must not stop the cycle; the contactor unit's own timeout opens the rack.
      this.sendErrors++;
      this.options.log.error("CAN send failed", { id: frame.id, error });
    }
  }

  /**
   * An alarm raised outside the pure cycle (the store's persistence alarm): published with the protection's
   * alarms from the next snapshot on. It reports; it does not act on the contactors.
   */
  setExternalAlarm(alarm: AlarmView): void {
    this.externalAlarms.set(alarm.id, alarm);
  }

  private withExternalAlarms(snapshot: Snapshot): Snapshot {
    if (this.externalAlarms.size === 0) return snapshot;
    const alarms = [...snapshot.alarms, ...this.externalAlarms.values()];
    const maxAlarmLevel = alarms.reduce((max, a) => (a.level > max ? a.level : max), snapshot.maxAlarmLevel);
    return { ...snapshot, alarms, maxAlarmLevel };
  }

  /** The estimation's state to persist (null before the first cycle). */
  persistedEstimation(): PersistedEstimation | null {
    return this.state.estimation === null ? null : persistEstimation(this.state.estimation);
  }

  /** Latched faults to persist: they hold across a restart. */
  persistedLatches(): PersistedLatches {
    return persistLatches(this.state.protection);
  }

  /** Lifetime counters to persist. */
  counters(): { contactorOperations: number } {
    return { contactorOperations: this.state.contactorOperations };
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
      framesSent: this.framesSent,
      sendErrors: this.sendErrors,
    };
  }

  stop(): void {
    this.running = false;
    for (const cancel of this.cancels.splice(0)) cancel();
  }
}

function contactorKey(outputs: CycleOutputs): number {
  const c = outputs.contactorCommand;
  return +c.mainPositive | (+c.mainNegative << 1) | (+c.precharge << 2) | (+c.breakerShuntTrip << 3);
}

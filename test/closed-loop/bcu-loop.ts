/**
 * A BCU closed around the rack simulator on the virtual CAN bus, in simulated time: frames → decoder →
 * measurement model; every cycle: assess → protection → contactors (→ balancing every 1 s) → command frames on
 * the bus, and the limits to the simulated PCS. It does what the daemon's cycle does with this part of the BCU,
 * so the scenarios can run before and independently of the pipeline wiring.
 *
 * The contactor command goes out every 100 ms with alive counter and CRC, and at once when it changes (so a
 * decision reaches the unit in the cycle it was taken, at any cycle period).
 */
import { encodeBalancingCommand } from "../../src/can/codecs/bmu.ts";
import { encodeContactorCommand, CONTACTOR_CMD_ID, decodeContactorCommand } from "../../src/can/codecs/contactor.ts";
import type { CanFrame } from "../../src/can/frame.ts";
import type { CanTransport } from "../../src/can/transport.ts";
import { RackFrameDecoder } from "../../src/can/rack-decoder.ts";
import { VirtualCanBus } from "../../src/can/transports/virtual-bus.ts";
import { createMeasurementState, ingestMessage, type MeasurementState } from "../../src/bcu/measurements.ts";
import { assessMeasurements, type RackMeasurements } from "../../src/bcu/rack-measurements.ts";
import type { BcuEvent } from "../../src/bcu/events.ts";
import { defaultProtectionConfig } from "../../src/bcu/protection/protection-defaults.ts";
import type { ProtectionConfig } from "../../src/bcu/protection/protection-config.ts";
import {
  createProtectionState,
  evaluateProtection,
  type ProtectionOutput,
  type ProtectionState,
} from "../../src/bcu/protection/protection.ts";
import { requestFaultReset } from "../../src/bcu/protection/fault-reset.ts";
import { defaultContactorConfig, type ContactorConfig } from "../../src/bcu/contactors/contactor-config.ts";
import {
  createContactorState,
  stepContactors,
  type ContactorRequest,
  type ContactorState,
  type ContactorStepResult,
} from "../../src/bcu/contactors/contactor-machine.ts";
import { NO_CONTACTOR_FAULTS } from "../../src/bcu/contactors/contactor-faults.ts";
import { defaultBalancingConfig, type BalancingConfig } from "../../src/bcu/balancing/balancing-config.ts";
import { createBalancingState, stepBalancing, type BalancingState } from "../../src/bcu/balancing/balancing.ts";
import { defaultConfig } from "../../src/config/defaults.ts";
import { RackSimulator } from "../../src/sim/rack-simulator.ts";
import type { SimulatorOptionsInput } from "../../src/sim/options.ts";
import { SimScheduler } from "../../src/time/sim-scheduler.ts";
import type { Cancel } from "../../src/time/scheduler.ts";

export interface LoopOptions {
  readonly cycle_ms?: number;
  readonly sim?: SimulatorOptionsInput;
  readonly protection?: ProtectionConfig;
  readonly contactors?: ContactorConfig;
  readonly balancing?: BalancingConfig;
  /** Run balancing every second. */
  readonly balance?: boolean;
  /** Continuous limits published to the PCS before derating, A. */
  readonly currentLimit_A?: number;
  /** Fewer BMUs than the default 15 (same module size), for long runs. */
  readonly bmuCount?: number;
}

/** A contactor command frame the BCU put on the bus. */
export interface SentCommand {
  readonly timeMs: number;
  readonly mainPositive: boolean;
  readonly mainNegative: boolean;
  readonly precharge: boolean;
  readonly breakerShuntTrip: boolean;
}

export class BcuLoop {
  readonly config: ReturnType<typeof defaultConfig>;
  readonly scheduler = new SimScheduler(0);
  readonly bus = new VirtualCanBus(this.scheduler);
  readonly sim: RackSimulator;
  readonly bcu: CanTransport;
  readonly decoder = new RackFrameDecoder();
  readonly measurements: MeasurementState;
  readonly protectionConfig: ProtectionConfig;
  readonly contactorConfig: ContactorConfig;
  readonly balancingConfig: BalancingConfig;
  readonly protection: ProtectionState;
  readonly contactors: ContactorState;
  readonly balancing: BalancingState;
  readonly cycle_ms: number;
  readonly events: BcuEvent[] = [];
  readonly sentCommands: SentCommand[] = [];
  /** Time of the frame that completed each alarm's level 3 (the last value the protection took in before tripping). */
  m!: RackMeasurements;
  prot!: ProtectionOutput;
  contactorOut!: ContactorStepResult;
  balancingMasks: Uint32Array = new Uint32Array(0);
  /** Called at the end of every cycle, after the command went out. */
  readonly afterCycle: (() => void)[] = [];
  private pendingRequests: ContactorRequest[] = [];
  private aliveCounter = 0;
  private balancingAlive = 0;
  private lastSent = "";
  private readonly cancels: Cancel[] = [];
  private dead = false;
  private readonly currentLimit_A: number;

  constructor(options: LoopOptions = {}) {
    const defaults = defaultConfig();
    this.config = { ...defaults, rack: { ...defaults.rack, bmuCount: options.bmuCount ?? defaults.rack.bmuCount } };
    const rack = this.config.rack;
    this.cycle_ms = options.cycle_ms ?? 100;
    this.currentLimit_A = options.currentLimit_A ?? 140;
    this.sim = new RackSimulator(
      rack,
      { profile: { name: "idle", scale: 1 }, ...options.sim },
      this.scheduler,
      this.bus.endpoint("sim"),
    );
    this.bcu = this.bus.endpoint("bcu");
    this.measurements = createMeasurementState(rack);
    this.protectionConfig = options.protection ?? defaultProtectionConfig();
    this.contactorConfig = options.contactors ?? defaultContactorConfig();
    this.balancingConfig = options.balancing ?? defaultBalancingConfig();
    this.protection = createProtectionState(this.protectionConfig, rack);
    this.contactors = createContactorState(this.contactorConfig);
    this.balancing = createBalancingState(rack);
    this.bcu.onFrame((frame) => this.receive(frame));
    this.bus.tap((frame) => this.tapCommand(frame));
    this.sim.start();
    this.cancels.push(this.scheduler.every(this.cycle_ms, () => this.cycle()));
    this.cancels.push(this.scheduler.every(100, () => this.sendContactorCommand()));
    if (options.balance) this.cancels.push(this.scheduler.every(1000, () => this.balance(), 50));
  }

  private receive(frame: CanFrame): void {
    const message = this.decoder.decode(frame);
    if (message.kind !== "frameError") ingestMessage(this.measurements, message, frame.timestampMs);
  }

  private tapCommand(frame: CanFrame): void {
    if (frame.id !== CONTACTOR_CMD_ID) return;
    const command = decodeContactorCommand(frame);
    if (command.kind !== "contactorCommand") return;
    this.sentCommands.push({
      timeMs: frame.timestampMs,
      ...command.requestedClosed,
      breakerShuntTrip: command.breakerShuntTrip,
    });
  }

  request(request: ContactorRequest): void {
    this.pendingRequests.push(request);
  }

  resetFaults() {
    return requestFaultReset(this.protection, this.m, this.protectionConfig, this.scheduler.nowMs());
  }

  private cycle(): void {
    const now = this.scheduler.nowMs();
    this.m = assessMeasurements(this.measurements, this.config.measurements, now);
    this.prot = evaluateProtection(
      this.protection,
      this.m,
      {
        packSoc_pct: null,
        contactorFaults: this.contactorOut?.faults ?? NO_CONTACTOR_FAULTS,
        contactorsClosed: this.contactors.state === "closed",
      },
      this.protectionConfig,
      now,
    );
    const requests = this.pendingRequests.splice(0);
    this.contactorOut = stepContactors(
      this.contactors,
      { requests, protection: this.prot, m: this.m },
      this.contactorConfig,
      now,
    );
    this.events.push(...this.prot.events, ...this.contactorOut.events);
    const limit = this.currentLimit_A * this.prot.derateFactor;
    this.sim.pcs.setLimits({
      chargeCurrentMax_A: limit,
      dischargeCurrentMax_A: limit,
      chargePowerMax_W: limit * 1000,
      dischargePowerMax_W: limit * 1000,
      stop: this.prot.stopRequested,
    });
    // A changed command goes out at once; the periodic send keeps the unit's 500 ms fail-safe fed.
    if (this.commandKey() !== this.lastSent) this.sendContactorCommand();
    for (const hook of this.afterCycle) hook();
  }

  private commandKey(): string {
    const c = this.contactorOut?.command;
    return c === undefined ? "" : `${+c.mainPositive}${+c.mainNegative}${+c.precharge}${+c.breakerShuntTrip}`;
  }

  private sendContactorCommand(): void {
    if (this.dead || this.contactorOut === undefined) return;
    const c = this.contactorOut.command;
    this.lastSent = this.commandKey();
    this.bcu.send(
      encodeContactorCommand({
        kind: "contactorCommand",
        requestedClosed: { mainPositive: c.mainPositive, mainNegative: c.mainNegative, precharge: c.precharge },
        aliveCounter: this.aliveCounter,
        breakerShuntTrip: c.breakerShuntTrip,
      }),
    );
    this.aliveCounter = (this.aliveCounter + 1) & 0xff;
  }

  private balance(): void {
    if (this.dead || this.m === undefined) return;
    const out = stepBalancing(
      this.balancing,
      this.m,
      { current_A: this.m.current_A },
      this.balancingConfig,
      this.scheduler.nowMs(),
    );
    this.balancingMasks = out.masks;
    this.events.push(...out.events);
    const rack = this.config.rack;
    for (let b = 0; b < rack.bmuCount; b++) {
      this.bcu.send(
        encodeBalancingCommand({
          kind: "balancingCommand",
          node: rack.firstBmuNode + b,
          mask: out.masks[b],
          timeout_s: this.balancingConfig.commandTimeout_s,
          aliveCounter: this.balancingAlive,
        }),
      );
    }
    this.balancingAlive = (this.balancingAlive + 1) & 0xff;
  }

  /** The BCU process dies: no more cycles, no more frames. */
  kill(): void {
    this.dead = true;
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  runFor(ms: number): void {
    this.scheduler.runFor(ms);
  }

  /** Runs until `done()` or `maxMs`; returns the time it became true, or NaN. */
  runUntil(done: () => boolean, maxMs: number, step_ms = this.cycle_ms): number {
    const end = this.scheduler.nowMs() + maxMs;
    while (this.scheduler.nowMs() < end) {
      this.scheduler.runFor(step_ms);
      if (done()) return this.scheduler.nowMs();
    }
    return NaN;
  }

  closeAndSettle(): void {
    this.runFor(2000);
    this.request("close");
    const closed = this.runUntil(() => this.contactors.state === "closed", 5000);
    if (Number.isNaN(closed))
      throw new Error(`the rack did not close: ${this.contactors.lastRefusal} ${this.contactors.state}`);
  }

  /** First contactor frame at or after `fromMs` that commands both mains open. */
  openingFrameAfter(fromMs: number): SentCommand | undefined {
    return this.sentCommands.find((c) => c.timeMs >= fromMs && !c.mainPositive && !c.mainNegative);
  }

  alarmEvents(source: string): BcuEvent[] {
    return this.events.filter((e) => e.source === source);
  }
}

import type { CanFrame } from "../../src/can/frame.ts";
import type { CanTransport } from "../../src/can/transport.ts";
import { decodeRackFrame } from "../../src/can/codecs/rack.ts";
import type { RackMessage } from "../../src/can/codecs/messages.ts";
import { VirtualCanBus } from "../../src/can/transports/virtual-bus.ts";
import { SimScheduler } from "../../src/time/sim-scheduler.ts";
import { RackSimulator, type RackConfigLike } from "../../src/sim/rack-simulator.ts";
import type { SimulatorOptionsInput } from "../../src/sim/options.ts";
import { ScriptedContactorMaster } from "../../src/sim/scripted-contactor-master.ts";

export const RACK: RackConfigLike = {
  bmuCount: 15,
  firstBmuNode: 1,
  cellsPerBmu: 16,
  temperatureSensorsPerBmu: 8,
  cell: { capacity_Ah: 280, nominalVoltage_V: 3.2 },
};

/** A simulated rack on a virtual bus with a listening "bcu" endpoint that decodes everything it hears. */
export interface Rig {
  readonly scheduler: SimScheduler;
  readonly bus: VirtualCanBus;
  readonly sim: RackSimulator;
  readonly bcu: CanTransport;
  readonly master: ScriptedContactorMaster;
  readonly frames: CanFrame[];
  /** Decoded messages the bcu endpoint received; a FrameError here fails `assertAllDecoded`. */
  readonly messages: RackMessage[];
  readonly errors: unknown[];
}

export function makeRig(options: SimulatorOptionsInput = {}, rack: RackConfigLike = RACK): Rig {
  const scheduler = new SimScheduler();
  const bus = new VirtualCanBus(scheduler);
  const sim = new RackSimulator(
    rack,
    { profile: { name: "idle", scale: 1 }, ...options },
    scheduler,
    bus.endpoint("sim"),
  );
  const bcu = bus.endpoint("bcu");
  const master = new ScriptedContactorMaster(scheduler, bcu);
  const frames: CanFrame[] = [];
  const messages: RackMessage[] = [];
  const errors: unknown[] = [];
  bcu.onFrame((frame) => {
    frames.push(frame);
    const decoded = decodeRackFrame(frame);
    if (decoded.kind === "frameError") errors.push(decoded);
    else messages.push(decoded);
  });
  return { scheduler, bus, sim, bcu, master, frames, messages, errors };
}

/** Messages of one kind received after `sinceMs` (all when omitted). */
export function messagesOf<K extends RackMessage["kind"]>(
  rig: Rig,
  kind: K,
  sinceIndex = 0,
): Extract<RackMessage, { kind: K }>[] {
  return rig.messages.slice(sinceIndex).filter((m): m is Extract<RackMessage, { kind: K }> => m.kind === kind);
}

/** Runs a long stretch without keeping what it hears, except the last minute (a week of frames does not fit in memory). */
export function runLong(rig: Rig, durationMs: number): void {
  const end = rig.scheduler.nowMs() + durationMs;
  while (rig.scheduler.nowMs() < end) {
    rig.frames.length = 0;
    rig.messages.length = 0;
    rig.scheduler.runUntil(Math.min(end, rig.scheduler.nowMs() + 60_000));
  }
}

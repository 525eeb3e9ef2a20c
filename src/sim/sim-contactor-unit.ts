import type { CanFrame } from "../can/frame.ts";
import type { CanTransport } from "../can/transport.ts";
import {
  CONTACTOR_CMD_ID,
  CONTACTOR_CMD_TIMEOUT_MS,
  CONTACTOR_FB_PERIOD_MS,
  decodeContactorCommand,
  encodeContactorFeedback,
} from "../can/codecs/contactor.ts";
import type { ContactorSet } from "../can/codecs/messages.ts";
import type { Cancel, Scheduler } from "../time/scheduler.ts";
import type { ContactorBank } from "./contactor-bank.ts";

const ALL_OPEN: ContactorSet = { mainPositive: false, mainNegative: false, precharge: false };

/** Why the unit ignored command frames, counted. */
export interface ContactorUnitRejections {
  /** Wrong DLC or CRC mismatch (the codec's verdict). */
  badFrame: number;
  /** The alive counter was not the previous one + 1 (a stuck or jumping sender). */
  aliveCounter: number;
}

/**
 * The HV contactor unit: drives the coils from valid 0x0A0 commands (CRC checked, alive counter +1 from the
 * previous frame), opens everything when no valid command arrives for 500 ms, and reports the auxiliary
 * contacts, coil faults and cabinet inputs in 0x0A1 every 100 ms.
 */
export class SimContactorUnit {
  readonly rejections: ContactorUnitRejections = { badFrame: 0, aliveCounter: 0 };
  private lastAliveCounter: number | null = null;
  private feedbackCounter = 0;
  private watchdog: Cancel | null = null;
  private readonly cancels: Cancel[] = [];

  constructor(
    private readonly bank: ContactorBank,
    private readonly scheduler: Scheduler,
    private readonly transport: CanTransport,
  ) {}

  start(): void {
    this.cancels.push(this.scheduler.every(CONTACTOR_FB_PERIOD_MS, () => this.sendFeedback(), 4));
  }

  stop(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
    this.watchdog?.();
    this.watchdog = null;
  }

  receive(frame: CanFrame): void {
    if (frame.id !== CONTACTOR_CMD_ID) return;
    const command = decodeContactorCommand(frame);
    if (command.kind !== "contactorCommand") {
      this.rejections.badFrame++;
      return;
    }
    const previous = this.lastAliveCounter;
    this.lastAliveCounter = command.aliveCounter;
    // The first frame, and the first after a rejected one, only set the reference: a sender must prove it is alive.
    if (previous === null || command.aliveCounter !== ((previous + 1) & 0xff)) {
      if (previous !== null) this.rejections.aliveCounter++;
      return;
    }
    const now = this.scheduler.nowMs();
    const tripPending = !Number.isNaN(this.bank.breakerTripDueAtMs);
    this.bank.drive(command.requestedClosed, command.breakerShuntTrip, now);
    const due = this.bank.breakerTripDueAtMs;
    // The breaker opens on its own time, not on the next physics step or feedback frame.
    if (!tripPending && !Number.isNaN(due)) this.cancels.push(this.scheduler.at(due, () => this.bank.update(due)));
    this.watchdog?.();
    this.watchdog = this.scheduler.at(now + CONTACTOR_CMD_TIMEOUT_MS, () => this.failSafe());
  }

  /** No valid command for 500 ms: drop every coil. */
  private failSafe(): void {
    this.watchdog = null;
    this.bank.drive(ALL_OPEN, false, this.scheduler.nowMs());
  }

  private sendFeedback(): void {
    const bank = this.bank;
    bank.update(this.scheduler.nowMs());
    this.transport.send(
      encodeContactorFeedback({
        kind: "contactorFeedback",
        closed: bank.closedSet(),
        coilFault: bank.coilFaultSet(),
        aliveCounter: this.feedbackCounter,
        breakerClosed: bank.breakerClosed,
        breakerTripped: bank.breakerTripped,
        hvilIntact: bank.hvilIntact,
        emergencyStop: bank.emergencyStop,
        fireAlarm: bank.fireAlarm,
        doorOpen: bank.doorOpen,
      }),
    );
    this.feedbackCounter = (this.feedbackCounter + 1) & 0xff;
  }
}

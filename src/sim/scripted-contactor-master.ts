import type { CanTransport } from "../can/transport.ts";
import { CONTACTOR_CMD_PERIOD_MS, encodeContactorCommand } from "../can/codecs/contactor.ts";
import type { ContactorSet } from "../can/codecs/messages.ts";
import type { Cancel, Scheduler } from "../time/scheduler.ts";

/** How long the stand-in precharges before it closes main+, and how long both stay closed before precharge opens. */
export const SCRIPTED_PRECHARGE_ms = 1000;
export const SCRIPTED_OVERLAP_ms = 200;

/**
 * A tiny stand-in for the BCU on the bus, for `bcu sim` without a BCU: sends valid 0x0A0 commands every 100 ms
 * (alive counter +1, CRC) that run the precharge sequence (main− and precharge, then main+, then precharge off)
 * and keep the contactors closed, so the PCS can run its profile. It does no protection at all.
 */
export class ScriptedContactorMaster {
  private aliveCounter = 0;
  private closeRequestedAtMs: number | null = null;
  private cancel: Cancel | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly transport: CanTransport,
  ) {}

  /** Starts sending; with `close` (default) it begins the closing sequence at once. */
  start(close = true): void {
    if (close) this.close();
    this.cancel = this.scheduler.every(CONTACTOR_CMD_PERIOD_MS, () => this.send(), 1);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  close(): void {
    this.closeRequestedAtMs = this.scheduler.nowMs();
  }

  open(): void {
    this.closeRequestedAtMs = null;
  }

  /** What the sequence asks for now. */
  requested(): ContactorSet {
    if (this.closeRequestedAtMs === null) return { mainPositive: false, mainNegative: false, precharge: false };
    const elapsed = this.scheduler.nowMs() - this.closeRequestedAtMs;
    return {
      mainNegative: true,
      precharge: elapsed < SCRIPTED_PRECHARGE_ms + SCRIPTED_OVERLAP_ms,
      mainPositive: elapsed >= SCRIPTED_PRECHARGE_ms,
    };
  }

  private send(): void {
    this.transport.send(
      encodeContactorCommand({
        kind: "contactorCommand",
        requestedClosed: this.requested(),
        aliveCounter: this.aliveCounter,
        breakerShuntTrip: false,
      }),
    );
    this.aliveCounter = (this.aliveCounter + 1) & 0xff;
  }
}

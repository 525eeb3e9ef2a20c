import type { CanFrame } from "../can/frame.ts";
import type { CanTransport } from "../can/transport.ts";
import type { ImdFaultLocation, ImdRequest, ImdResponse } from "../can/codecs/messages.ts";
import { IMD_COMMAND } from "../can/codecs/messages.ts";
import {
  decodeImdRequest,
  encodeImdInfo,
  encodeImdResponse,
  IMD_INFO_PERIOD_MS,
  IMD_REQUEST_ID,
} from "../can/codecs/imd.ts";
import type { Cancel, Scheduler } from "../time/scheduler.ts";

export type InsulationPole = "positive" | "negative";

/** Error codes of the simulated device's error responses (byte 0 0xFF, bytes 1–2). */
export const SIM_IMD_ERROR = {
  /** A parameter command while the device is locked. */
  locked: 0x0002,
  /** Unlock with the wrong password. */
  wrongPassword: 0x0003,
  /** A word out of its range (thresholds, relay numbers, modes). */
  outOfRange: 0x0004,
  /** Injected: the device refuses this command. */
  refused: 0x0010,
} as const;

export interface SimImdOptions {
  /** Leakage resistance of each pole to the chassis, kΩ. A healthy rack: tens of MΩ. */
  readonly positivePole_kOhm: number;
  readonly negativePole_kOhm: number;
  /**
   * The reported R_iso is the true one this long ago: the iso165C's measuring cycle (it injects a pulse pattern and
   * waits for the IT system's capacitances to settle) lasts seconds.
   */
  readonly measurementDelay_ms: number;
  readonly selfTestDuration_ms: number;
  /** Time from request to response. */
  readonly responseDelay_ms: number;
  readonly unlockPassword: number;
}

export const defaultSimImdOptions: SimImdOptions = {
  positivePole_kOhm: 20_000,
  negativePole_kOhm: 20_000,
  measurementDelay_ms: 5000,
  selfTestDuration_ms: 5000,
  responseDelay_ms: 20,
  unlockPassword: 0,
};

/** The largest R_iso the device reports, kΩ (the iso165C's range ends at 50 MΩ). */
export const SIM_IMD_MAX_REPORTED_kOhm = 50_000;

interface Degradation {
  readonly pole: InsulationPole;
  readonly startMs: number;
  readonly from_kOhm: number;
  readonly to_kOhm: number;
  readonly duration_ms: number;
}

/**
 * A Bender iso165C on the rack's CAN bus: IMD_Info every second, one IMD_Response per IMD_Request. Powered up
 * locked, with its coupling relays open, measurement off and no self-test run, so a BCU must run the whole start-up
 * sequence (unlock, relays, measurement on, thresholds, self-test) before it gets a value. It measures only with
 * both coupling relays closed and the measurement on, and then reports the two poles' leakage resistances in
 * parallel, `measurementDelay_ms` late.
 *
 * Faults: a pole's resistance, a degrading insulation (a coolant leak: geometric from → to over a duration), a
 * silent device, refused commands, a system failure, a ground fault.
 */
export class SimImd {
  readonly options: SimImdOptions;
  locked = true;
  measurementOn = false;
  /** Index 0 = HV−, 1 = HV+. */
  readonly relayClosed = [false, false];
  errorThreshold_kOhm = 100;
  warningThreshold_kOhm = 500;
  overallSelfTestRun = false;
  selfTestEndsAtMs = NaN;
  /** Injected faults. */
  silent = false;
  systemFailure = false;
  groundFault = false;
  readonly refusedCommands = new Set<number>();
  /** Requests received, in order (tests read what the BCU asked). */
  readonly requests: { readonly timeMs: number; readonly request: ImdRequest }[] = [];
  private readonly pole_kOhm: Record<InsulationPole, number>;
  private degradation: Degradation | null = null;
  /** True R_iso sampled every info period while measuring: what the device will report after its delay. */
  private samples: { timeMs: number; value_kOhm: number }[] = [];
  private measurementCounter = 0;
  private readonly cancels: Cancel[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly transport: CanTransport,
    options: Partial<SimImdOptions> = {},
  ) {
    this.options = { ...defaultSimImdOptions, ...options };
    this.pole_kOhm = { positive: this.options.positivePole_kOhm, negative: this.options.negativePole_kOhm };
  }

  start(): void {
    this.cancels.push(this.scheduler.every(IMD_INFO_PERIOD_MS, () => this.sendInfo(), 7));
  }

  stop(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  /** Sets a pole's leakage resistance, kΩ (ends a degradation of that pole). */
  setPoleResistance(pole: InsulationPole, kOhm: number): void {
    if (!(kOhm > 0)) throw new RangeError(`a pole's leakage resistance must be > 0 kOhm, got ${kOhm}`);
    if (this.degradation?.pole === pole) this.degradation = null;
    this.pole_kOhm[pole] = kOhm;
  }

  /**
   * The insulation of `pole` degrades from `from_kOhm` to `to_kOhm` over `duration_ms` from now, geometrically (the
   * leakage conductance of a spreading coolant leak grows by the same factor every minute), then stays there.
   */
  degradeInsulation(pole: InsulationPole, from_kOhm: number, to_kOhm: number, duration_ms: number): void {
    if (!(from_kOhm > 0 && to_kOhm > 0 && duration_ms > 0)) {
      throw new RangeError("degradeInsulation needs resistances > 0 kOhm and a duration > 0 ms");
    }
    this.pole_kOhm[pole] = from_kOhm;
    this.degradation = { pole, startMs: this.scheduler.nowMs(), from_kOhm, to_kOhm, duration_ms };
  }

  /** A pole's true leakage resistance now, kΩ. */
  poleResistance_kOhm(pole: InsulationPole, nowMs = this.scheduler.nowMs()): number {
    const d = this.degradation;
    if (d === null || d.pole !== pole) return this.pole_kOhm[pole];
    const progress = Math.min(1, Math.max(0, (nowMs - d.startMs) / d.duration_ms));
    return d.from_kOhm * (d.to_kOhm / d.from_kOhm) ** progress;
  }

  /** The true insulation resistance of the IT system now: both poles in parallel, kΩ. */
  trueResistance_kOhm(nowMs = this.scheduler.nowMs()): number {
    const p = this.poleResistance_kOhm("positive", nowMs);
    const n = this.poleResistance_kOhm("negative", nowMs);
    return (p * n) / (p + n);
  }

  /** The device measures: coupled to both poles, measurement on, no self-test, no failure. */
  measuring(nowMs = this.scheduler.nowMs()): boolean {
    return (
      this.relayClosed[0] &&
      this.relayClosed[1] &&
      this.measurementOn &&
      !this.selfTesting(nowMs) &&
      !this.systemFailure
    );
  }

  /** The value the device reports now (kΩ), or null while it has none (outdated). */
  reportedResistance_kOhm(nowMs = this.scheduler.nowMs()): number | null {
    if (!this.measuring(nowMs)) return null;
    let value: number | null = null;
    for (const sample of this.samples)
      if (sample.timeMs <= nowMs - this.options.measurementDelay_ms) value = sample.value_kOhm;
    return value === null ? null : Math.min(SIM_IMD_MAX_REPORTED_kOhm, Math.round(value));
  }

  receive(frame: CanFrame): void {
    if (frame.id !== IMD_REQUEST_ID || this.silent) return;
    const request = decodeImdRequest(frame);
    if (request.kind !== "imdRequest") return;
    const now = this.scheduler.nowMs();
    this.requests.push({ timeMs: now, request });
    const response = this.answer(request, now);
    this.cancels.push(
      this.scheduler.at(now + this.options.responseDelay_ms, () => {
        if (!this.silent) this.transport.send(encodeImdResponse(response));
      }),
    );
  }

  private selfTesting(nowMs: number): boolean {
    return nowMs < this.selfTestEndsAtMs;
  }

  private answer(request: ImdRequest, nowMs: number): ImdResponse {
    const c = IMD_COMMAND;
    const { command, dw1, dw2 } = request;
    const error = (errorCode: number): ImdResponse => ({
      kind: "imdResponse",
      response: "error",
      errorCode,
      refusedCommand: command,
    });
    if (this.refusedCommands.has(command)) return error(SIM_IMD_ERROR.refused);
    const ack = (): ImdResponse => ({ kind: "imdResponse", response: "ack", command: command as never, dw1, dw2 });
    const needsUnlock =
      command === c.measurement ||
      command === c.errorThreshold ||
      command === c.warningThreshold ||
      command === c.setCouplingRelay;
    if (needsUnlock && this.locked) return error(SIM_IMD_ERROR.locked);
    switch (command) {
      case c.lock:
        if (dw1 === 1) {
          this.locked = true;
          return ack();
        }
        if (dw1 !== 0) return error(SIM_IMD_ERROR.outOfRange);
        if (dw2 !== this.options.unlockPassword) return error(SIM_IMD_ERROR.wrongPassword);
        this.locked = false;
        return ack();
      case c.measurement:
        if (dw1 > 1) return error(SIM_IMD_ERROR.outOfRange);
        this.measurementOn = dw1 === 1;
        if (!this.measurementOn) this.samples = [];
        return ack();
      case c.errorThreshold:
        if (dw1 < 30 || dw1 > 1000) return error(SIM_IMD_ERROR.outOfRange);
        this.errorThreshold_kOhm = dw1;
        return ack();
      case c.warningThreshold:
        if (dw1 < 40 || dw1 > 2000) return error(SIM_IMD_ERROR.outOfRange);
        this.warningThreshold_kOhm = dw1;
        return ack();
      case c.selfTest:
        if (dw1 !== 1) return error(SIM_IMD_ERROR.outOfRange);
        this.selfTestEndsAtMs = nowMs + this.options.selfTestDuration_ms;
        // The test pulses disturb the measurement: it starts over afterwards.
        this.samples = [];
        this.cancels.push(
          this.scheduler.at(this.selfTestEndsAtMs, () => {
            if (!this.systemFailure) this.overallSelfTestRun = true;
          }),
        );
        return ack();
      case c.getResistance: {
        const value = this.reportedResistance_kOhm(nowMs);
        this.measurementCounter = (this.measurementCounter + 1) & 0xff;
        return {
          kind: "imdResponse",
          response: "resistance",
          resistance_kOhm: value ?? 0,
          faultLocation: this.faultLocation(nowMs),
          measurementCounter: this.measurementCounter,
        };
      }
      case c.setCouplingRelay:
        if (dw1 > 1 || dw2 > 1) return error(SIM_IMD_ERROR.outOfRange);
        this.relayClosed[dw1] = dw2 === 1;
        if (!this.measuring(nowMs)) this.samples = [];
        return ack();
      case c.getCouplingRelay:
        if (dw1 > 1) return error(SIM_IMD_ERROR.outOfRange);
        return { kind: "imdResponse", response: "relay", relay: dw1, relayState: this.relayClosed[dw1] ? 1 : 0 };
    }
    return error(SIM_IMD_ERROR.outOfRange);
  }

  /** Towards the pole with clearly less resistance (a factor 2), else unknown. */
  private faultLocation(nowMs: number): ImdFaultLocation {
    const p = this.poleResistance_kOhm("positive", nowMs);
    const n = this.poleResistance_kOhm("negative", nowMs);
    if (n * 2 < p) return 1;
    if (p * 2 < n) return 2;
    return 0;
  }

  private sendInfo(): void {
    if (this.silent) return;
    const now = this.scheduler.nowMs();
    if (this.measuring(now)) {
      this.samples.push({ timeMs: now, value_kOhm: this.trueResistance_kOhm(now) });
      // Keep what the delay still needs and one older sample.
      const oldest = now - this.options.measurementDelay_ms;
      while (this.samples.length > 1 && this.samples[1].timeMs <= oldest) this.samples.shift();
    } else {
      this.samples = [];
    }
    const reported = this.reportedResistance_kOhm(now);
    const value = reported ?? 0;
    this.transport.send(
      encodeImdInfo({
        kind: "imdInfo",
        resistance_kOhm: value,
        insulationFault: reported !== null && value < this.errorThreshold_kOhm,
        groundFault: this.groundFault,
        systemFailure: this.systemFailure,
        calibrationRunning: false,
        selfTestRunning: this.selfTesting(now),
        insulationWarning: reported !== null && value < this.warningThreshold_kOhm,
        measurementDeactivated: !this.measurementOn,
        imcConnectionError: false,
        imcAliveError: false,
        commandError: false,
        resistanceOutdated: reported === null,
        overallSelfTestNotRun: !this.overallSelfTestRun,
        parameterSelfTestNotRun: !this.overallSelfTestRun,
      }),
    );
  }
}

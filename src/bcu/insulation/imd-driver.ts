import type { ImdInfo, ImdRequest, ImdResponse } from "../../can/codecs/messages.ts";
import { IMD_COMMAND } from "../../can/codecs/messages.ts";
import { imdCommandLabel } from "../../can/codecs/imd.ts";
import type { BcuEvent } from "../events.ts";
import type { InsulationContext } from "../protection/safety-io-inputs.ts";
import type { InsulationSettings } from "./insulation-config.ts";

/**
 * The Bender iso165C driver, pure: each cycle it takes the latest IMD_Info, the responses received since the
 * previous cycle and whether the contactors are closed, and returns the requests to send (at most one) and the
 * insulation as the protection may use it.
 *
 * waiting (no IMD_Info yet) → configuring (unlock, coupling relays, measurement on, error and warning thresholds,
 * one request at a time, each answered within `requestTimeout_ms` or sent again up to `requestRetries` times) →
 * selfTest (only when the device says none has run) → monitoring. An error response, an unanswered request, a
 * self-test that does not finish, or no IMD_Info for `silenceTimeout_ms` is a fault: the start-up is tried again
 * after `restartDelay_ms`. A reading is used only in monitoring, coupled, fresh, and with the system-failure,
 * measurement-off, outdated, self-test and calibration bits clear.
 */
export type ImdDriverPhase = "disabled" | "waiting" | "configuring" | "selfTest" | "monitoring" | "fault";

/** A reading older than this is not used (IMD_Info comes every second; the silence fault comes later, at 5 s). */
export const IMD_READING_MAX_AGE_MS = 3000;

interface PendingRequest {
  readonly request: ImdRequest;
  sentAtMs: number;
  attempts: number;
}

/** Owned by the cycle; updated in place by `stepImdDriver`. */
export interface ImdDriverState {
  phase: ImdDriverPhase;
  phaseSinceMs: number;
  /** Requests still to send in this configuration run, in order. */
  queue: ImdRequest[];
  pending: PendingRequest | null;
  /** Why the driver is in fault, or "". */
  faultReason: string;
  /** What the device was last configured to: coupled and measuring (true) or decoupled (false); null: unknown. */
  coupled: boolean | null;
  /** The start-up has completed once since the last (re)start: a coupling change reconfigures only. */
  configured: boolean;
  firstStepMs: number;
  /** Time of a fault that has been announced (so an event is raised once). */
  requestsSent: number;
}

export function createImdDriverState(): ImdDriverState {
  return {
    phase: "waiting",
    phaseSinceMs: NaN,
    queue: [],
    pending: null,
    faultReason: "",
    coupled: null,
    configured: false,
    firstStepMs: NaN,
    requestsSent: 0,
  };
}

export interface ImdDriverInput {
  /** The latest IMD_Info, stale or not (`MeasurementState.imdInfo`), and when it came (-Infinity: never). */
  readonly info: ImdInfo | null;
  readonly infoTimeMs: number;
  /** IMD_Responses since the previous step, oldest first (`takeImdResponses`). */
  readonly responses: readonly ImdResponse[];
  /** Main contactors closed now (for `measuresWhileClosed`). */
  readonly contactorsClosed: boolean;
}

/** The insulation as published (snapshot, points). */
export interface InsulationView {
  readonly phase: ImdDriverPhase;
  /** The monitor is meant to measure now (coupled); false while decoupled for the PCS's monitor. */
  readonly measuring: boolean;
  /** The reading in use, kΩ, and per volt of the basis; null: none. */
  readonly resistance_kOhm: number | null;
  readonly resistance_ohmPerV: number | null;
  readonly basis_V: number;
  readonly monitorFault: boolean;
  /** Why the monitor is faulty, or "". */
  readonly faultReason: string;
}

export interface ImdDriverOutput {
  /** To send on the bus (IMD_Request 0x022), in order. */
  readonly requests: readonly ImdRequest[];
  /** For this cycle's `evaluateProtection` (`ProtectionContext.insulation`). */
  readonly insulation: InsulationContext;
  readonly view: InsulationView;
  readonly events: readonly BcuEvent[];
}

const C = IMD_COMMAND;
const request = (command: ImdRequest["command"], dw1 = 0, dw2 = 0): ImdRequest => ({
  kind: "imdRequest",
  command,
  dw1,
  dw2,
});

/** Relays then measurement to couple; measurement off then relays to decouple (the PCS's monitor takes over). */
function couplingRequests(coupled: boolean): ImdRequest[] {
  const relays = [request(C.setCouplingRelay, 0, coupled ? 1 : 0), request(C.setCouplingRelay, 1, coupled ? 1 : 0)];
  return coupled ? [...relays, request(C.measurement, 1)] : [request(C.measurement, 0), ...relays];
}

function describe(r: ImdRequest): string {
  if (r.command === C.setCouplingRelay)
    return `${imdCommandLabel(r.command)} (HV${r.dw1 === 1 ? "+" : "−"} ${r.dw2 === 1 ? "close" : "open"})`;
  if (r.command === C.lock) return `${imdCommandLabel(r.command)} (${r.dw1 === 0 ? "unlock" : "lock"})`;
  if (r.command === C.measurement) return `${imdCommandLabel(r.command)} (${r.dw1 === 1 ? "on" : "off"})`;
  if (r.command === C.errorThreshold || r.command === C.warningThreshold)
    return `${imdCommandLabel(r.command)} (${r.dw1} kΩ)`;
  return imdCommandLabel(r.command);
}

/** Whether `response` answers `r`. */
function answers(response: ImdResponse, r: ImdRequest): boolean {
  switch (response.response) {
    case "ack":
      return response.command === r.command && (r.command !== C.setCouplingRelay || response.dw1 === r.dw1);
    case "resistance":
      return r.command === C.getResistance;
    case "relay":
      return r.command === C.getCouplingRelay && response.relay === r.dw1;
    case "error":
      return response.refusedCommand === r.command;
  }
}

/** One driver step at `nowMs`. Updates `state` in place. */
export function stepImdDriver(
  state: ImdDriverState,
  input: ImdDriverInput,
  settings: InsulationSettings,
  nowMs: number,
): ImdDriverOutput {
  const events: BcuEvent[] = [];
  const requests: ImdRequest[] = [];
  if (!settings.enabled) {
    state.phase = "disabled";
    return output(state, input, settings, nowMs, requests, events);
  }
  if (Number.isNaN(state.firstStepMs)) state.firstStepMs = nowMs;
  if (Number.isNaN(state.phaseSinceMs)) state.phaseSinceMs = nowMs;

  const enter = (phase: ImdDriverPhase, message: string, level: 0 | 1 = 0) => {
    state.phase = phase;
    state.phaseSinceMs = nowMs;
    events.push({ timeMs: nowMs, kind: "system", source: "insulationMonitor", level, message: `${phase}: ${message}` });
  };
  const fault = (reason: string) => {
    state.faultReason = reason;
    state.pending = null;
    state.queue = [];
    state.configured = false;
    state.coupled = null;
    enter("fault", `${reason}; the start-up is tried again in ${settings.restartDelay_ms} ms`, 1);
  };
  const send = (r: ImdRequest, attempts: number) => {
    state.pending = { request: r, sentAtMs: nowMs, attempts };
    state.requestsSent++;
    requests.push(r);
  };

  const info = input.info;
  const silentFor = nowMs - Math.max(input.infoTimeMs, state.firstStepMs);
  const silent = silentFor >= settings.silenceTimeout_ms;
  const coupleTarget = settings.measuresWhileClosed || !input.contactorsClosed;

  if (silent && state.phase !== "fault") {
    const last = Number.isFinite(input.infoTimeMs) ? `since ${silentFor} ms` : "ever";
    fault(
      `no IMD_Info (0x037) from the insulation monitor ${last}: check its supply and CAN wiring (silence timeout ${settings.silenceTimeout_ms} ms)`,
    );
  }

  // Responses: the pending request's answer, an error response (always a fault), anything else is late and ignored.
  for (const response of input.responses) {
    if (state.phase === "fault") break;
    const pending = state.pending;
    if (response.response === "error") {
      const code = `0x${response.errorCode.toString(16).padStart(4, "0")}`;
      fault(`the insulation monitor refused ${imdCommandLabel(response.refusedCommand)} with error code ${code}`);
      break;
    }
    if (pending !== null && answers(response, pending.request)) state.pending = null;
  }

  const pending = state.pending;
  if (pending !== null && state.phase !== "fault" && nowMs - pending.sentAtMs >= settings.requestTimeout_ms) {
    if (pending.attempts > settings.requestRetries) {
      fault(
        `no answer from the insulation monitor to ${describe(pending.request)} after ${pending.attempts} tries of ${settings.requestTimeout_ms} ms`,
      );
    } else {
      send(pending.request, pending.attempts + 1);
    }
  }

  switch (state.phase) {
    case "fault":
      if (!silent && nowMs - state.phaseSinceMs >= settings.restartDelay_ms) {
        state.faultReason = "";
        enter("waiting", "restarting the insulation monitor's start-up");
      }
      break;
    case "waiting":
    case "disabled":
      if (info !== null && !silent) {
        state.queue = [
          request(C.lock, 0, settings.unlockPassword),
          ...couplingRequests(coupleTarget),
          request(C.errorThreshold, settings.deviceError_kOhm),
          request(C.warningThreshold, settings.deviceWarning_kOhm),
        ];
        state.coupled = coupleTarget;
        enter("configuring", "insulation monitor seen: unlock, coupling relays, measurement, thresholds");
      }
      break;
    case "configuring":
      break;
    case "selfTest":
      if (state.pending === null && info !== null && input.infoTimeMs > state.phaseSinceMs) {
        if (!info.selfTestRunning && !info.overallSelfTestNotRun && !info.systemFailure) {
          enter("monitoring", `self-test passed after ${nowMs - state.phaseSinceMs} ms`);
        } else if (!info.selfTestRunning && info.systemFailure) {
          fault("the insulation monitor reports a system failure after its self-test");
        }
      }
      if (state.phase === "selfTest" && nowMs - state.phaseSinceMs >= settings.selfTestTimeout_ms) {
        fault(`the insulation monitor's self-test did not finish within ${settings.selfTestTimeout_ms} ms`);
      }
      break;
    case "monitoring":
      if (coupleTarget !== state.coupled) {
        state.queue = couplingRequests(coupleTarget);
        state.coupled = coupleTarget;
        enter(
          "configuring",
          coupleTarget
            ? "contactors open: coupling the monitor and measuring"
            : "contactors closed and the PCS's monitor watches the system: decoupling this one",
        );
      } else if (
        coupleTarget &&
        info !== null &&
        input.infoTimeMs > state.phaseSinceMs &&
        info.measurementDeactivated
      ) {
        // Measurement off although we switched it on: the device restarted (it powers up locked and decoupled).
        state.configured = false;
        enter(
          "waiting",
          "the insulation monitor reports its measurement off: it restarted; running the start-up again",
        );
      }
      break;
  }

  if (state.phase === "configuring" && state.pending === null) {
    const next = state.queue.shift();
    if (next !== undefined) {
      send(next, 1);
    } else if (!state.configured && info !== null && info.overallSelfTestNotRun) {
      state.configured = true;
      send(request(C.selfTest, 1), 1);
      enter("selfTest", "no self-test has run since power-up: overall self-test requested");
    } else {
      state.configured = true;
      enter("monitoring", state.coupled ? "configured and measuring" : "configured and decoupled");
    }
  }
  return output(state, input, settings, nowMs, requests, events);
}

function output(
  state: ImdDriverState,
  input: ImdDriverInput,
  settings: InsulationSettings,
  nowMs: number,
  requests: ImdRequest[],
  events: BcuEvent[],
): ImdDriverOutput {
  const info = input.info;
  const measuring = state.phase === "monitoring" && state.coupled === true;
  const fresh = info !== null && nowMs - input.infoTimeMs <= IMD_READING_MAX_AGE_MS;
  const deviceFault =
    fresh && (info.systemFailure || info.imcConnectionError || info.imcAliveError)
      ? `the insulation monitor reports ${[
          info.systemFailure ? "a system failure" : "",
          info.imcConnectionError ? "an IMC connection error" : "",
          info.imcAliveError ? "an IMC alive error" : "",
        ]
          .filter((t) => t !== "")
          .join(" and ")}`
      : "";
  const readable =
    measuring &&
    fresh &&
    deviceFault === "" &&
    !info.measurementDeactivated &&
    !info.selfTestRunning &&
    !info.calibrationRunning;
  const valueValid = readable && !info.resistanceOutdated;
  const resistance_kOhm = valueValid ? info.resistance_kOhm : null;
  const resistance_ohmPerV = resistance_kOhm === null ? null : (resistance_kOhm * 1000) / settings.basis_V;
  const monitorFault = settings.enabled && (state.phase === "fault" || deviceFault !== "");
  const faultReason = state.phase === "fault" ? state.faultReason : deviceFault;
  return {
    requests,
    insulation: {
      resistance_ohmPerV,
      faultReported: readable ? info.insulationFault || info.groundFault : null,
      monitorFault,
    },
    view: {
      phase: state.phase,
      measuring,
      resistance_kOhm,
      resistance_ohmPerV,
      basis_V: settings.basis_V,
      monitorFault,
      faultReason,
    },
    events,
  };
}

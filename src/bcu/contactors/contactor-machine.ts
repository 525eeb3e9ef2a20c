import type { ContactorFeedback, ContactorSet } from "../../can/codecs/messages.ts";
import type { BcuEvent } from "../events.ts";
import type { ProtectionOutput } from "../protection/protection.ts";
import type { RackMeasurements } from "../rack-measurements.ts";
import type { ContactorConfig } from "./contactor-config.ts";
import type { ContactorFaults } from "./contactor-faults.ts";

/**
 * open → precharging (main− and precharge closed) → closing (main+ closes once the DC link reaches the precharge
 * target) → closed (precharge opens once main+ reports closed) → opening (everything open, weld check) → open.
 * "fault": everything open after a precharge failure, a contactor that did not follow, or a weld; it returns to
 * open once the cause is gone and the protection no longer holds a level 3 (after a reset).
 */
export type ContactorMachineState = "open" | "precharging" | "closing" | "closed" | "opening" | "fault";
export type ContactorRequest = "close" | "open";

export interface ContactorCommandOut extends ContactorSet {
  readonly breakerShuntTrip: boolean;
}

export interface ContactorRequestResult {
  readonly request: ContactorRequest;
  readonly accepted: boolean;
  readonly reason: string;
}

export interface ContactorStepInput {
  readonly requests: readonly ContactorRequest[];
  readonly protection: ProtectionOutput;
  readonly m: RackMeasurements;
}

export interface ContactorStepResult {
  /** What the contactor command frame (0x0A0) carries until the next step. */
  readonly command: ContactorCommandOut;
  readonly state: ContactorMachineState;
  /** For the protection's next evaluation. */
  readonly faults: ContactorFaults;
  /** Reasons of the requests refused in this step, in order. */
  readonly refusals: readonly string[];
  readonly results: readonly ContactorRequestResult[];
  readonly events: readonly BcuEvent[];
}

const NAMES = ["mainPositive", "mainNegative", "precharge"] as const;
const LABEL = { mainPositive: "main+", mainNegative: "main−", precharge: "precharge" } as const;
const ALL_OPEN: ContactorSet = { mainPositive: false, mainNegative: false, precharge: false };

/** Owned by the cycle; updated in place by `stepContactors`. */
export interface ContactorState {
  state: ContactorMachineState;
  /** When the current state was entered (NaN before the first step). */
  stateSinceMs: number;
  command: ContactorSet;
  breakerShuntTrip: boolean;
  /** When main+ and main− were last commanded open; the weld check counts from here. */
  openCommandedAtMs: number;
  /** Per contactor (NAMES order): since when the feedback has differed from the command; NaN = agrees. */
  readonly mismatchSinceMs: Float64Array;
  prechargeFailed: boolean;
  welded: boolean;
  faultReason: string;
  startupClosePending: boolean;
  lastRefusal: string;
  /** Completed close sequences (contactor wear). */
  operations: number;
  /**
   * An open that is wanted (protection, an open request, the door) but waits: the current is above the contactors'
   * rated breaking current. "" when none.
   */
  openDeferred: string;
  /** The breaker shunt trip is commanded for a current the contactors cannot break, until the breaker reports open. */
  breakerTripRequested: boolean;
  /** Why the breaker trip was last commanded (weld or over-current), or "". */
  breakerTripReason: string;
}

export function createContactorState(config: ContactorConfig): ContactorState {
  return {
    state: "open",
    stateSinceMs: NaN,
    command: ALL_OPEN,
    breakerShuntTrip: false,
    openCommandedAtMs: NaN,
    mismatchSinceMs: new Float64Array(3).fill(NaN),
    prechargeFailed: false,
    welded: false,
    faultReason: "",
    startupClosePending: config.closeAtStartup,
    lastRefusal: "",
    operations: 0,
    openDeferred: "",
    breakerTripRequested: false,
    breakerTripReason: "",
  };
}

/** One step of the contactor machine at `nowMs`, after the protection of the same cycle. Updates `state` in place. */
export function stepContactors(
  state: ContactorState,
  input: ContactorStepInput,
  config: ContactorConfig,
  nowMs: number,
): ContactorStepResult {
  const { protection, m } = input;
  const events: BcuEvent[] = [];
  const refusals: string[] = [];
  const results: ContactorRequestResult[] = [];
  const fb = m.contactorFeedback;
  if (Number.isNaN(state.stateSinceMs)) state.stateSinceMs = nowMs;
  if (Number.isNaN(state.openCommandedAtMs)) state.openCommandedAtMs = nowMs;

  const mismatch_ms = superviseFeedback(state, fb, nowMs);
  if (state.prechargeFailed && fb !== null && allOpen(fb.closed)) state.prechargeFailed = false;
  state.welded = weldEvidence(state, m, config, nowMs) !== "";

  const enter = (next: ContactorMachineState, command: ContactorSet, message: string, level: 0 | 1 | 2 | 3 = 0) => {
    if (
      command.mainPositive === false &&
      command.mainNegative === false &&
      (state.command.mainPositive || state.command.mainNegative)
    ) {
      state.openCommandedAtMs = nowMs;
    }
    state.state = next;
    state.stateSinceMs = nowMs;
    state.command = command;
    events.push({ timeMs: nowMs, kind: "contactor", source: "contactors", level, message: `${next}: ${message}` });
  };
  const fault = (reason: string) => {
    state.faultReason = reason;
    enter("fault", ALL_OPEN, reason, 3);
  };

  // A closed rack opens only under a current its contactors can break; above it the breaker trips first.
  const tryOpen = (reason: string, level: 0 | 1 | 2 | 3) => {
    if (state.state !== "closed") return;
    const blocked = overBreakingCurrent(m, config);
    if (blocked === "") {
      state.openDeferred = "";
      enter("opening", ALL_OPEN, reason, level);
      return;
    }
    state.openDeferred = reason;
    if (!state.breakerTripRequested) {
      state.breakerTripRequested = true;
      state.breakerTripReason = `${blocked}: breaker tripped first, contactors open once it has interrupted`;
    }
  };

  // Protection first: a close in progress stops at any level 3; a closed rack opens when the protection says so.
  if ((state.state === "precharging" || state.state === "closing") && protection.openContactors !== "none") {
    enter("opening", ALL_OPEN, `close aborted by protection: ${protection.level3Causes.join("; ")}`, 3);
  } else if (state.state === "closed" && protection.openContactors === "immediate") {
    tryOpen(`opened by protection: ${protection.level3Causes.join("; ")}`, 3);
  }
  if (config.openOnDoorOpen && fb !== null && fb.doorOpen) {
    if (state.state === "precharging" || state.state === "closing") {
      enter("opening", ALL_OPEN, "close aborted: the cabinet door is open", 1);
    } else {
      tryOpen("opened: the cabinet door is open", 1);
    }
  }

  const requests: ContactorRequest[] = [...input.requests];
  if (state.startupClosePending && fb !== null && m.packVoltage_V !== null && m.linkVoltage_V !== null) {
    state.startupClosePending = false;
    requests.unshift("close");
  }
  for (const request of requests) {
    if (request === "open") {
      if (state.state === "precharging" || state.state === "closing") enter("opening", ALL_OPEN, "open requested");
      else tryOpen("open requested", 0);
      results.push({ request, accepted: true, reason: "" });
      continue;
    }
    const reason = closeRefusal(state, protection, m, config);
    if (reason !== "") {
      refusals.push(reason);
      state.lastRefusal = reason;
      results.push({ request, accepted: false, reason });
      events.push({ timeMs: nowMs, kind: "commandRefused", source: "contactors", level: 0, message: reason });
      continue;
    }
    results.push({ request, accepted: true, reason: "" });
    if (state.state === "open") {
      state.lastRefusal = "";
      enter(
        "precharging",
        { mainPositive: false, mainNegative: true, precharge: true },
        "close requested: main− and precharge closing",
      );
    }
  }

  if (state.state === "closed" && state.openDeferred !== "") tryOpen(state.openDeferred, 3);
  else if (state.state !== "closed") state.openDeferred = "";

  advance(state, m, config, protection, nowMs, enter, fault);

  // The breaker, once open, stays open until closed by hand: the over-current trip command can drop then.
  if (state.breakerTripRequested && fb !== null && !fb.breakerClosed) state.breakerTripRequested = false;
  const weldTrip = state.welded && config.shuntTripOnWeld;
  const trip = weldTrip || state.breakerTripRequested;
  if (trip && !state.breakerShuntTrip) {
    if (weldTrip && !state.breakerTripRequested) {
      state.breakerTripReason = `contactor welded: ${weldEvidence(state, m, config, nowMs)}`;
    }
    events.push({
      timeMs: nowMs,
      kind: "contactor",
      source: "breaker",
      level: 3,
      message: `breaker shunt trip commanded: ${state.breakerTripReason}`,
    });
  }
  state.breakerShuntTrip = trip;
  return {
    command: { ...state.command, breakerShuntTrip: state.breakerShuntTrip },
    state: state.state,
    faults: { feedbackMismatch_ms: mismatch_ms, prechargeFailed: state.prechargeFailed, welded: state.welded },
    refusals,
    results,
    events,
  };
}

/** The timed transitions of the sequence. */
function advance(
  state: ContactorState,
  m: RackMeasurements,
  config: ContactorConfig,
  protection: ProtectionOutput,
  nowMs: number,
  enter: (next: ContactorMachineState, command: ContactorSet, message: string, level?: 0 | 1 | 2 | 3) => void,
  fault: (reason: string) => void,
): void {
  const fb = m.contactorFeedback;
  const elapsed = nowMs - state.stateSinceMs;
  switch (state.state) {
    case "precharging": {
      const pack = m.packVoltage_V;
      const link = m.linkVoltage_V;
      const target = pack === null ? null : (pack * config.prechargeTarget_pct) / 100;
      const contactsClosed = fb !== null && fb.closed.mainNegative && fb.closed.precharge;
      if (contactsClosed && target !== null && link !== null && pack! > 0 && link >= target) {
        enter(
          "closing",
          { mainPositive: true, mainNegative: true, precharge: true },
          `DC link ${link.toFixed(1)} V reached ${config.prechargeTarget_pct} % of the pack's ${pack!.toFixed(1)} V after ${elapsed} ms: main+ closing`,
        );
      } else if (elapsed >= config.prechargeTimeout_ms) {
        state.prechargeFailed = true;
        const seen =
          link === null || pack === null
            ? "link or pack voltage unknown"
            : `DC link ${link.toFixed(1)} V of pack ${pack.toFixed(1)} V`;
        const contacts = contactsClosed ? "" : ", main− or precharge not reported closed";
        fault(
          `precharge failed: ${seen} after ${config.prechargeTimeout_ms} ms (target ${config.prechargeTarget_pct} %)${contacts}`,
        );
      }
      return;
    }
    case "closing":
      // A main+ that does not follow is the protection's contactorFeedbackMismatch: one table decides its level
      // and latches it, and its level 3 aborts the close (above).
      if (fb !== null && fb.closed.mainPositive && fb.closed.mainNegative) {
        state.operations++;
        enter(
          "closed",
          { mainPositive: true, mainNegative: true, precharge: false },
          "main+ reported closed, precharge opening",
        );
      }
      return;
    case "opening":
      if (nowMs - state.openCommandedAtMs < config.weldCheckDelay_ms) return;
      if (state.welded) fault(`contactor welded: ${weldEvidence(state, m, config, nowMs)}`);
      else if (protection.forceZero) fault(`held open by a level-3 fault: ${protection.level3Causes.join("; ")}`);
      else if (fb !== null && allOpen(fb.closed)) enter("open", ALL_OPEN, `all contactors reported open, no weld`);
      return;
    case "open":
      if (state.welded) fault(`contactor welded: ${weldEvidence(state, m, config, nowMs)}`);
      else if (protection.forceZero) fault(`held open by a level-3 fault: ${protection.level3Causes.join("; ")}`);
      return;
    case "fault":
      if (state.welded || state.prechargeFailed || protection.forceZero) return;
      if (fb !== null && allOpen(fb.closed)) {
        state.faultReason = "";
        enter("open", ALL_OPEN, "fault cleared: all contactors reported open, no level-3 fault");
      }
      return;
    case "closed":
      return;
  }
}

function allOpen(set: ContactorSet): boolean {
  return !set.mainPositive && !set.mainNegative && !set.precharge;
}

/** Updates the per-contactor mismatch clocks; returns the longest mismatch now. */
function superviseFeedback(state: ContactorState, fb: ContactorFeedback | null, nowMs: number): number {
  let longest = 0;
  for (let i = 0; i < 3; i++) {
    const name = NAMES[i];
    const commanded = state.command[name];
    const differs = fb === null || fb.closed[name] !== commanded || (commanded && fb.coilFault[name]);
    if (!differs) {
      state.mismatchSinceMs[i] = NaN;
      continue;
    }
    if (Number.isNaN(state.mismatchSinceMs[i])) state.mismatchSinceMs[i] = nowMs;
    longest = Math.max(longest, nowMs - state.mismatchSinceMs[i]);
  }
  return longest;
}

/** Why a weld is suspected, or "" — judged only with both mains commanded open for the weld-check delay. */
function weldEvidence(state: ContactorState, m: RackMeasurements, config: ContactorConfig, nowMs: number): string {
  if (state.command.mainPositive || state.command.mainNegative) return "";
  if (nowMs - state.openCommandedAtMs < config.weldCheckDelay_ms) return "";
  const fb = m.contactorFeedback;
  if (fb !== null && (fb.closed.mainPositive || fb.closed.mainNegative)) {
    const stuck = NAMES.filter((n) => n !== "precharge" && fb.closed[n]).map((n) => LABEL[n]);
    return `${stuck.join(" and ")} still reported closed ${nowMs - state.openCommandedAtMs} ms after the open command`;
  }
  if (m.current_A !== null && Math.abs(m.current_A) > config.weldCurrent_A) {
    return `${m.current_A.toFixed(1)} A still flowing with every contactor commanded open`;
  }
  const pack = m.packVoltage_V;
  const link = m.linkVoltage_V;
  if (config.weldLinkVoltage_pct !== null && pack !== null && link !== null && pack > 0) {
    if (link >= (pack * config.weldLinkVoltage_pct) / 100) {
      return `DC link still at ${link.toFixed(1)} V (pack ${pack.toFixed(1)} V) with every contactor commanded open`;
    }
  }
  return "";
}

/** Why the current is too high for the contactors to break, or "" (also when the breaker is open: it interrupts). */
function overBreakingCurrent(m: RackMeasurements, config: ContactorConfig): string {
  const fb = m.contactorFeedback;
  if (fb !== null && !fb.breakerClosed) return "";
  const current = m.current_A;
  // Unknown current: open (fail safe: nothing says the contactors cannot break it).
  if (current === null || Math.abs(current) <= config.ratedBreakingCurrent_A) return "";
  return `${Math.abs(current).toFixed(0)} A is above the contactors' rated breaking current of ${config.ratedBreakingCurrent_A} A`;
}

/** Why a close request is refused now, or "" when it may proceed. */
function closeRefusal(
  state: ContactorState,
  protection: ProtectionOutput,
  m: RackMeasurements,
  config: ContactorConfig,
): string {
  if (protection.forceZero) {
    return `close refused: level-3 fault present: ${protection.level3Causes.join("; ")}. Remove the cause, then reset the faults`;
  }
  if (state.state === "fault")
    return `close refused: contactor fault (${state.faultReason}). Reset once the cause is gone`;
  if (state.state === "opening")
    return "close refused: the contactors are still opening (weld check); retry once they are open";
  if (state.state !== "open") return "";
  const fb = m.contactorFeedback;
  if (fb === null) {
    return "close refused: no feedback from the contactor unit (HVU_ContactorFb 0x0A1 stale); check its supply and CAN wiring";
  }
  const coils = NAMES.filter((n) => fb.coilFault[n]).map((n) => LABEL[n]);
  if (coils.length > 0) return `close refused: the contactor unit reports a coil fault on ${coils.join(", ")}`;
  if (!allOpen(fb.closed)) {
    const closed = NAMES.filter((n) => fb.closed[n]).map((n) => LABEL[n]);
    return `close refused: ${closed.join(", ")} reported closed while commanded open`;
  }
  const cabinet = cabinetRefusal(fb, config);
  if (cabinet !== "") return cabinet;
  if (m.packVoltage_V === null || m.linkVoltage_V === null) {
    return "close refused: pack or DC-link voltage unknown (current sensor IVT-S stale or in error); the precharge needs both";
  }
  return "";
}

/** A cabinet input that forbids closing (the protection table raises its alarm after its debounce). */
function cabinetRefusal(fb: ContactorFeedback, config: ContactorConfig): string {
  if (!fb.breakerClosed || fb.breakerTripped) {
    return "close refused: the DC breaker is open or tripped; close it by hand, then reset the faults";
  }
  if (!fb.hvilIntact) return "close refused: the HV interlock loop (HVIL) is open; check the HV connectors and covers";
  if (fb.emergencyStop) return "close refused: the emergency stop is pressed; release it, then reset the faults";
  if (fb.fireAlarm) return "close refused: the fire alarm is active; clear it, then reset the faults";
  if (config.refuseCloseWhileDoorOpen && fb.doorOpen) return "close refused: the cabinet door is open; close it first";
  return "";
}

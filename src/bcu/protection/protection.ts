import type { BcuEvent } from "../events.ts";
import type { RackMeasurements } from "../rack-measurements.ts";
import type { RackTopology } from "../rack-topology.ts";
import { ALARM_COUNT, ALARM_IDS, type AlarmId } from "./alarm-ids.ts";
import { computeAlarmValues, createInputTracking, type InputTracking, type ProtectionContext } from "./alarm-inputs.ts";
import { alarmTitle, formatValue, locate, reportScale } from "./alarm-text.ts";
import type { ProtectionConfig, ProtectionLevel, ProtectionRow } from "./protection-config.ts";

export type AlarmLevel = 0 | 1 | 2 | 3;
export type OpenRequest = "none" | "afterGrace" | "immediate";

/** One alarm as the northbound interfaces show it. Values and thresholds in `unit`. */
export interface AlarmStatus {
  readonly id: AlarmId;
  /** The level reported: the highest level active or latched. */
  readonly level: AlarmLevel;
  /** A latched level is held until a reset is accepted. */
  readonly latched: boolean;
  /** The latest value; null when unknown (or not applicable now, e.g. a charge limit while discharging). */
  readonly value: number | null;
  /** Threshold of the reported level, or of the lowest level when the alarm is not raised. */
  readonly threshold: number | null;
  readonly unit: string;
  /** When the reported level was entered (measurement time); null when not raised. */
  readonly since: number | null;
}

export interface ProtectionOutput {
  readonly alarms: readonly AlarmStatus[];
  readonly events: readonly BcuEvent[];
  /** Multiplier for the charge and discharge limits: 1, a level-2 factor, or 0 at level 3. */
  readonly derateFactor: number;
  /** A level 3 is active or latched: limits 0. */
  readonly forceZero: boolean;
  /** Ask the PCS to stop (limits 0 and the stop flag). */
  readonly stopRequested: boolean;
  /**
   * "afterGrace": a level 3 is present, the PCS ramps down, contactors stay closed until `openDeadlineMs`;
   * "immediate": open now (severe case, grace over, latched, or contactors already open).
   */
  readonly openContactors: OpenRequest;
  readonly openDeadlineMs: number | null;
  readonly maxLevel: AlarmLevel;
  /** Level-3 alarms present, in words, for refusals: "cellOverVoltage level 3 latched: 3712 mV ≥ 3650 mV (...)". */
  readonly level3Causes: readonly string[];
}

/**
 * Per-alarm and per-level state, in typed arrays indexed like `ALARM_IDS` (level k of alarm r at r * 3 + k - 1).
 * Owned by the cycle and updated in place by `evaluateProtection` and `requestFaultReset`.
 */
export interface ProtectionState {
  readonly topology: RackTopology;
  readonly tracking: InputTracking;
  /** Latest value per alarm in its table unit; NaN = unknown. */
  readonly values: Float64Array;
  readonly applicable: Uint8Array;
  readonly active: Uint8Array;
  readonly latched: Uint8Array;
  /** When the pending set (inactive) or clear (active) condition started; NaN = none. */
  readonly pendingSinceMs: Float64Array;
  /** Reported level per alarm and when it was entered. */
  readonly level: Uint8Array;
  readonly levelSinceMs: Float64Array;
  /** Charge/discharge direction seen at the last evaluation (both when the current is unknown). */
  charging: boolean;
  discharging: boolean;
}

export function createProtectionState(_config: ProtectionConfig, topology: RackTopology): ProtectionState {
  return {
    topology,
    tracking: createInputTracking(topology),
    values: new Float64Array(ALARM_COUNT).fill(NaN),
    applicable: new Uint8Array(ALARM_COUNT),
    active: new Uint8Array(ALARM_COUNT * 3),
    latched: new Uint8Array(ALARM_COUNT * 3),
    pendingSinceMs: new Float64Array(ALARM_COUNT * 3).fill(NaN),
    level: new Uint8Array(ALARM_COUNT),
    levelSinceMs: new Float64Array(ALARM_COUNT).fill(NaN),
    charging: true,
    discharging: true,
  };
}

export function levelSpec(row: ProtectionRow, level: number): ProtectionLevel | null {
  return level === 1 ? row.level1 : level === 2 ? row.level2 : level === 3 ? row.level3 : null;
}

/**
 * One protection cycle at `nowMs` (measurement time): values from the measurements, debounce, hysteresis and
 * latching per level, events for every transition, and the actions of the table. Updates `state` in place.
 */
export function evaluateProtection(
  state: ProtectionState,
  m: RackMeasurements,
  ctx: ProtectionContext,
  config: ProtectionConfig,
  nowMs: number,
): ProtectionOutput {
  const { values, applicable, active, latched, pendingSinceMs } = state;
  computeAlarmValues(state.tracking, m, ctx, state.topology, config, nowMs, values, applicable);
  const current = m.current_A;
  state.charging = current === null || current < -config.restCurrent_A;
  state.discharging = current === null || current > config.restCurrent_A;

  const events: BcuEvent[] = [];
  for (let r = 0; r < ALARM_COUNT; r++) {
    const row = config.table[r];
    const high = ALARM_IDS[r].direction === "high";
    const value = values[r];
    const isApplicable = applicable[r] === 1;
    let newlyLatched = 0;
    for (let k = 1; k <= 3; k++) {
      const spec = levelSpec(row, k);
      if (spec === null) continue;
      const slot = r * 3 + k - 1;
      let beyond: boolean;
      let released: boolean;
      if (!isApplicable) {
        beyond = false;
        released = true;
      } else if (Number.isNaN(value)) {
        // Unknown: hold the state. The loss itself is an alarm of its own (communication loss, sensor fault).
        pendingSinceMs[slot] = NaN;
        continue;
      } else if (high) {
        beyond = value >= spec.threshold;
        released = value <= spec.release;
      } else {
        beyond = value <= spec.threshold;
        released = value >= spec.release;
      }
      if (active[slot] === 0) {
        if (!beyond) {
          pendingSinceMs[slot] = NaN;
          continue;
        }
        if (Number.isNaN(pendingSinceMs[slot])) pendingSinceMs[slot] = nowMs;
        if (nowMs - pendingSinceMs[slot] >= spec.setDebounce_ms) {
          active[slot] = 1;
          pendingSinceMs[slot] = NaN;
          if (spec.latching && latched[slot] === 0) {
            latched[slot] = 1;
            newlyLatched = k;
          }
        }
      } else {
        if (!released) {
          pendingSinceMs[slot] = NaN;
          continue;
        }
        if (Number.isNaN(pendingSinceMs[slot])) pendingSinceMs[slot] = nowMs;
        if (nowMs - pendingSinceMs[slot] >= spec.clearDebounce_ms) {
          active[slot] = 0;
          pendingSinceMs[slot] = NaN;
        }
      }
    }
    updateReportedLevel(state, config, r, m, nowMs, events);
    if (newlyLatched > 0)
      events.push(alarmEvent(state, config, r, m, nowMs, "alarmLatched", newlyLatched, "threshold"));
  }
  return protectionOutput(state, config, ctx, nowMs, events, m);
}

/** Highest active or latched level of alarm `r`. */
export function computedLevel(state: ProtectionState, r: number): AlarmLevel {
  for (let k = 3; k >= 1; k--) {
    const slot = r * 3 + k - 1;
    if (state.active[slot] === 1 || state.latched[slot] === 1) return k as AlarmLevel;
  }
  return 0;
}

/** Moves the reported level of alarm `r` to what its levels say, with the event of the transition. */
export function updateReportedLevel(
  state: ProtectionState,
  config: ProtectionConfig,
  r: number,
  m: RackMeasurements,
  nowMs: number,
  events: BcuEvent[],
): void {
  const before = state.level[r];
  const after = computedLevel(state, r);
  if (after === before) return;
  state.level[r] = after;
  state.levelSinceMs[r] = after === 0 ? NaN : nowMs;
  if (after > before) {
    const kind = before === 0 ? "alarmRaised" : "alarmEscalated";
    events.push(alarmEvent(state, config, r, m, nowMs, kind, after, "threshold"));
  } else {
    // Going down, the threshold that counted is the release of the level that was left.
    const kind = after === 0 ? "alarmCleared" : "alarmDeescalated";
    events.push(alarmEvent(state, config, r, m, nowMs, kind, before, "release", after));
  }
}

const VERB: Record<string, string> = {
  alarmRaised: "raised",
  alarmEscalated: "escalated to",
  alarmDeescalated: "de-escalated to",
  alarmCleared: "cleared",
  alarmLatched: "latched at",
  alarmReset: "reset",
};

/** An alarm event; `specLevel` names the level whose threshold or release is reported. */
export function alarmEvent(
  state: ProtectionState,
  config: ProtectionConfig,
  r: number,
  m: RackMeasurements,
  nowMs: number,
  kind: "alarmRaised" | "alarmEscalated" | "alarmDeescalated" | "alarmCleared" | "alarmLatched" | "alarmReset",
  specLevel: number,
  which: "threshold" | "release",
  newLevel: number = specLevel,
): BcuEvent {
  const definition = ALARM_IDS[r];
  const spec = levelSpec(config.table[r], specLevel);
  const scale = reportScale(r, state.topology);
  const raw = state.values[r];
  const known = !Number.isNaN(raw) && state.applicable[r] === 1;
  const value = known ? raw * scale : undefined;
  const limit = spec === null ? undefined : (which === "threshold" ? spec.threshold : spec.release) * scale;
  const level = (kind === "alarmCleared" || kind === "alarmReset" ? 0 : newLevel) as AlarmLevel;
  const where = locate(r, m, state.tracking, state.topology);
  const relation = which === "threshold" ? (definition.direction === "high" ? "≥" : "≤") : "back past release";
  let message = `${alarmTitle(r)} ${VERB[kind]}${kind === "alarmCleared" || kind === "alarmReset" ? "" : ` level ${level}`}`;
  if (value !== undefined && limit !== undefined) {
    message += `: ${formatValue(value, definition.unit)} ${relation} ${formatValue(limit, definition.unit)}`;
  } else if (!known) {
    message += state.applicable[r] === 0 ? " (not applicable now)" : " (value unknown)";
  }
  if (where !== "") message += ` (${where})`;
  return {
    timeMs: nowMs,
    kind,
    source: definition.id,
    level,
    message,
    ...(value === undefined ? {} : { value }),
    ...(limit === undefined ? {} : { threshold: limit }),
    unit: definition.unit,
  };
}

function protectionOutput(
  state: ProtectionState,
  config: ProtectionConfig,
  ctx: ProtectionContext,
  nowMs: number,
  events: BcuEvent[],
  m: RackMeasurements,
): ProtectionOutput {
  const alarms: AlarmStatus[] = new Array<AlarmStatus>(ALARM_COUNT);
  let derateFactor = 1;
  let maxLevel: AlarmLevel = 0;
  let open: OpenRequest = "none";
  let openDeadlineMs: number | null = null;
  const level3Causes: string[] = [];
  for (let r = 0; r < ALARM_COUNT; r++) {
    const row = config.table[r];
    const definition = ALARM_IDS[r];
    const level = state.level[r] as AlarmLevel;
    const scale = reportScale(r, state.topology);
    const raw = state.values[r];
    const spec = levelSpec(row, level === 0 ? firstLevel(row) : level);
    let latched = false;
    for (let k = 0; k < 3; k++) if (state.latched[r * 3 + k] === 1) latched = true;
    alarms[r] = {
      id: definition.id,
      level,
      latched,
      value: Number.isNaN(raw) || state.applicable[r] === 0 ? null : raw * scale,
      threshold: spec === null ? null : spec.threshold * scale,
      unit: definition.unit,
      since: level === 0 ? null : state.levelSinceMs[r],
    };
    if (level > maxLevel) maxLevel = level;
    if (level === 2 && row.level2 !== null) derateFactor = Math.min(derateFactor, row.level2.derateFactor);
    if (level === 3) {
      derateFactor = 0;
      const deadline = state.levelSinceMs[r] + config.gracePeriod_ms;
      const rowOpen = level3Open(state, row, r, ctx, nowMs, deadline);
      if (rowOpen === "immediate") open = "immediate";
      else if (open === "none") open = "afterGrace";
      if (rowOpen === "afterGrace")
        openDeadlineMs = openDeadlineMs === null ? deadline : Math.min(openDeadlineMs, deadline);
      level3Causes.push(level3Cause(state, row, r, m));
    }
  }
  const forceZero = maxLevel === 3;
  return {
    alarms,
    events,
    derateFactor,
    forceZero,
    stopRequested: forceZero,
    openContactors: open,
    openDeadlineMs: open === "afterGrace" ? openDeadlineMs : null,
    maxLevel,
    level3Causes,
  };
}

function firstLevel(row: ProtectionRow): number {
  return row.level1 !== null ? 1 : row.level2 !== null ? 2 : 3;
}

/** When this alarm's level 3 wants the contactors open. */
function level3Open(
  state: ProtectionState,
  row: ProtectionRow,
  r: number,
  ctx: ProtectionContext,
  nowMs: number,
  deadline: number,
): OpenRequest {
  const spec = row.level3;
  // Latched only (cause gone), no level-3 row any more, or nothing to ramp down: keep / get them open now.
  if (spec === null || state.active[r * 3 + 2] === 0 || !ctx.contactorsClosed) return "immediate";
  if (spec.open === "immediate") return "immediate";
  if (spec.open === "immediateWhileCharging" && state.charging) return "immediate";
  if (spec.open === "immediateWhileDischarging" && state.discharging) return "immediate";
  const value = state.values[r];
  if (spec.openAtOnceBeyond !== null && !Number.isNaN(value)) {
    const high = ALARM_IDS[r].direction === "high";
    if (high ? value >= spec.openAtOnceBeyond : value <= spec.openAtOnceBeyond) return "immediate";
  }
  return nowMs >= deadline ? "immediate" : "afterGrace";
}

function level3Cause(state: ProtectionState, row: ProtectionRow, r: number, m: RackMeasurements): string {
  const definition = ALARM_IDS[r];
  const activeNow = state.active[r * 3 + 2] === 1;
  const latched = state.latched[r * 3 + 2] === 1;
  const scale = reportScale(r, state.topology);
  let text = `${definition.id} level 3 ${activeNow ? (latched ? "active and latched" : "active") : "latched (cause gone, reset needed)"}`;
  const raw = state.values[r];
  if (activeNow && row.level3 !== null) {
    text += `: ${describeCause(definition.direction, raw * scale, row.level3.release * scale, definition.unit)}`;
  }
  const where = locate(r, m, state.tracking, state.topology);
  return where === "" ? text : `${text} (${where})`;
}

/** "3712 mV, releases at ≤ 3600 mV" or "value unknown, releases at ≤ 3600 mV". */
export function describeCause(direction: "high" | "low", value: number, release: number, unit: string): string {
  if (unit === "flag") return Number.isNaN(value) ? "value unknown" : value >= 1 ? "still present" : "gone";
  const shown = Number.isNaN(value) ? "value unknown" : formatValue(value, unit);
  return `${shown}, releases at ${direction === "high" ? "≤" : "≥"} ${formatValue(release, unit)}`;
}

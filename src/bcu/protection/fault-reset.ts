import type { BcuEvent } from "../events.ts";
import type { RackMeasurements } from "../rack-measurements.ts";
import { ALARM_COUNT, ALARM_IDS } from "./alarm-ids.ts";
import { locate, reportScale } from "./alarm-text.ts";
import type { ProtectionConfig } from "./protection-config.ts";
import { alarmEvent, describeCause, levelSpec, updateReportedLevel, type ProtectionState } from "./protection.ts";

export interface FaultResetResult {
  /** True when no latched level remains. */
  readonly accepted: boolean;
  /** Why not, per alarm still latched, in words an operator can act on. Empty when accepted. */
  readonly reason: string;
  readonly events: readonly BcuEvent[];
}

/**
 * A reset command: every latched level whose cause is gone (the level has cleared with its hysteresis and clear
 * debounce) is unlatched, with an `alarmReset` event. A latched level whose cause is still present stays, and the
 * reset is refused naming it, its value and where it releases. Updates `state` in place; the next
 * `evaluateProtection` reports the new levels (and the contactors may close again).
 */
export function requestFaultReset(
  state: ProtectionState,
  m: RackMeasurements,
  config: ProtectionConfig,
  nowMs: number,
): FaultResetResult {
  const events: BcuEvent[] = [];
  const stillPresent: string[] = [];
  for (let r = 0; r < ALARM_COUNT; r++) {
    let resetAny = false;
    for (let k = 3; k >= 1; k--) {
      const slot = r * 3 + k - 1;
      if (state.latched[slot] === 0) continue;
      if (state.active[slot] === 1) {
        stillPresent.push(presentCause(state, config, r, k, m));
        continue;
      }
      const resetLevel = k;
      state.latched[slot] = 0;
      if (!resetAny) events.push(alarmEvent(state, config, r, m, nowMs, "alarmReset", resetLevel, "release"));
      resetAny = true;
    }
    if (resetAny) updateReportedLevel(state, config, r, m, nowMs, events);
  }
  if (stillPresent.length === 0) return { accepted: true, reason: "", events };
  const reason = `reset refused: the cause is still present for ${stillPresent.join("; ")}. Remove the cause, wait until it releases, then reset again`;
  return { accepted: false, reason, events };
}

function presentCause(
  state: ProtectionState,
  config: ProtectionConfig,
  r: number,
  k: number,
  m: RackMeasurements,
): string {
  const definition = ALARM_IDS[r];
  const spec = levelSpec(config.table[r], k);
  const scale = reportScale(r, state.topology);
  let text = `${definition.id} level ${k}`;
  if (spec !== null)
    text += ` (${describeCause(definition.direction, state.values[r] * scale, spec.release * scale, definition.unit)})`;
  const where = locate(r, m, state.tracking, state.topology);
  return where === "" ? text : `${text} at ${where}`;
}

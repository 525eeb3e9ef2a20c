import { ALARM_IDS, ALARM_INDEX, isAlarmId } from "./alarm-ids.ts";
import type { ProtectionState } from "./protection.ts";

/**
 * Latched faults survive a restart: a rack that tripped on a level-3 fault must not come back up closable
 * because the daemon (or the gateway) restarted. Persisted as alarm ids and levels, so a table that gained
 * alarms since still restores the ones it knows.
 */
export interface PersistedLatches {
  readonly version: 1;
  readonly latched: readonly { readonly id: string; readonly level: 1 | 2 | 3 }[];
}

export function persistLatches(state: ProtectionState): PersistedLatches {
  const latched: { id: string; level: 1 | 2 | 3 }[] = [];
  ALARM_IDS.forEach((alarm, r) => {
    for (let k = 1; k <= 3; k++) {
      if (state.latched[r * 3 + k - 1] === 1) latched.push({ id: alarm.id, level: k as 1 | 2 | 3 });
    }
  });
  return { version: 1, latched };
}

/**
 * Sets the persisted latches in a fresh protection state, before its first evaluation; the next evaluations
 * report them latched until their cause is gone and a reset is accepted, as if the daemon had never stopped.
 * Unknown ids and malformed entries are skipped. Returns the ids restored.
 */
export function restoreLatches(state: ProtectionState, persisted: PersistedLatches | null | undefined): string[] {
  const restored: string[] = [];
  if (!persisted || persisted.version !== 1 || !Array.isArray(persisted.latched)) return restored;
  for (const entry of persisted.latched) {
    const id = entry?.id;
    if (typeof id !== "string" || !isAlarmId(id) || ![1, 2, 3].includes(entry.level)) continue;
    state.latched[ALARM_INDEX[id] * 3 + entry.level - 1] = 1;
    restored.push(id);
  }
  return restored;
}

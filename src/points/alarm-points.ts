import { ALARM_IDS } from "../bcu/protection/alarm-ids.ts";
import type { AlarmView, Snapshot } from "../bcu/snapshot.ts";
import type { PointDefinition } from "./point.ts";

/**
 * Alarm words carry one bit per protection, bit i = `ALARM_IDS[i]` (the one ordered list of protections; a new
 * protection is appended, so bits never move). 32 bits per word leave room for the protections still to come.
 */
export const ALARM_WORD_BITS = 32;
export const ALARM_BIT_NAMES: readonly string[] = ALARM_IDS.map((alarm) => alarm.id);
if (ALARM_BIT_NAMES.length > ALARM_WORD_BITS) throw new Error("more protections than bits in an alarm word");

const LEVEL_NAMES = { 0: "none", 1: "warning", 2: "derate", 3: "disconnect" } as const;

function alarmOf(s: Snapshot, id: string): AlarmView | undefined {
  return s.alarms.find((alarm) => alarm.id === id);
}

/** Bit i set when protection i is at `level` or above (a level-3 alarm also shows in the level-1 word). */
export function alarmWord(s: Snapshot, predicate: (alarm: AlarmView) => boolean): number | null {
  // No alarms published: protection is not running, which is not the same as "no alarm".
  if (s.alarms.length === 0) return null;
  let word = 0;
  for (const alarm of s.alarms) {
    const bit = ALARM_BIT_NAMES.indexOf(alarm.id);
    if (bit >= 0 && predicate(alarm)) word |= 1 << bit;
  }
  return word >>> 0;
}

function levelWord(level: 1 | 2 | 3): PointDefinition {
  const what = { 1: "a warning or worse", 2: "derating or worse", 3: "a level-3 (disconnect) fault" }[level];
  return {
    id: `alarms.level${level}Word`,
    type: "bitfield",
    unit: "",
    min: 0,
    max: 2 ** ALARM_WORD_BITS - 1,
    bits: ALARM_BIT_NAMES,
    description: `One bit per protection (bit i = ALARM_IDS[i], see the bit list): set while it reports ${what}.`,
    read: (s) => alarmWord(s, (alarm) => alarm.level >= level),
  };
}

/** Per-protection levels and the alarm words. Null while protection publishes nothing. */
export const alarmPoints: readonly PointDefinition[] = [
  {
    id: "alarms.maxLevel",
    type: "enum",
    unit: "",
    min: 0,
    max: 3,
    enumValues: LEVEL_NAMES,
    description: "Highest level of any protection: 0 none, 1 warning, 2 derate, 3 disconnect.",
    read: (s) => (s.alarms.length === 0 ? null : s.maxAlarmLevel),
  },
  levelWord(1),
  levelWord(2),
  levelWord(3),
  {
    id: "alarms.latchedWord",
    type: "bitfield",
    unit: "",
    min: 0,
    max: 2 ** ALARM_WORD_BITS - 1,
    bits: ALARM_BIT_NAMES,
    description:
      "One bit per protection: set while its level-3 fault is latched (waits for the cause to go and a reset).",
    read: (s) => alarmWord(s, (alarm) => alarm.latched),
  },
  ...ALARM_IDS.map((alarm): PointDefinition => ({
    id: `alarm.${alarm.id}.level`,
    type: "enum",
    unit: "",
    min: 0,
    max: 3,
    enumValues: LEVEL_NAMES,
    description: `${alarm.title}: 0 none, 1 warning, 2 derate, 3 disconnect. ${alarm.description}`,
    read: (s) => alarmOf(s, alarm.id)?.level ?? null,
  })),
];

import type { ContactorMachineState, Snapshot } from "../bcu/snapshot.ts";
import type { PointDefinition } from "./point.ts";

const CONTACTOR_STATES: readonly ContactorMachineState[] = [
  "open",
  "precharging",
  "closing",
  "closed",
  "opening",
  "fault",
];
const CONTACTOR_BITS = ["mainPositive", "mainNegative", "precharge"] as const;

function contactorBits(set: { readonly [K in (typeof CONTACTOR_BITS)[number]]: boolean } | null | undefined) {
  if (!set) return null;
  return CONTACTOR_BITS.reduce((word, name, bit) => (set[name] ? word | (1 << bit) : word), 0);
}

function alarmLevel(s: Snapshot, id: string): number {
  return s.alarms.find((alarm) => alarm.id === id)?.level ?? 0;
}

/** The contactors and balancing as the BCU drives them. Null until the contactor machine publishes. */
export const contactorPoints: readonly PointDefinition[] = [
  {
    id: "contactors.state",
    type: "enum",
    unit: "",
    min: 0,
    max: CONTACTOR_STATES.length - 1,
    enumValues: Object.fromEntries(CONTACTOR_STATES.map((name, i) => [i, name])),
    description: "Contactor sequence: 0 open, 1 precharging, 2 closing, 3 closed, 4 opening, 5 fault.",
    read: (s) => (s.contactors ? CONTACTOR_STATES.indexOf(s.contactors.state) : null),
  },
  {
    id: "contactors.closed",
    type: "boolean",
    unit: "",
    min: 0,
    max: 1,
    description: "The rack is connected to the DC link (sequence complete, main contactors closed).",
    read: (s) => (s.contactors ? s.contactors.state === "closed" : null),
  },
  {
    id: "contactors.commanded",
    type: "bitfield",
    unit: "",
    min: 0,
    max: 7,
    bits: CONTACTOR_BITS,
    description: "Contactors the BCU commands closed: bit 0 main+, bit 1 main-, bit 2 precharge.",
    read: (s) => contactorBits(s.contactors?.commanded),
  },
  {
    id: "contactors.feedback",
    type: "bitfield",
    unit: "",
    min: 0,
    max: 7,
    bits: CONTACTOR_BITS,
    description: "Contactors whose auxiliary contacts report closed (same bits); unknown while the unit is silent.",
    read: (s) => contactorBits(s.contactors?.feedback),
  },
  {
    id: "contactors.stringStatus",
    type: "bitfield",
    unit: "",
    min: 0,
    max: 3,
    bits: ["stringEnabled", "contactorClosed"],
    description:
      "SunSpec 803 StrSt: bit 0 the string is enabled (contactor sequence not in fault), bit 1 its contactors are closed.",
    read: (s) =>
      s.contactors ? (s.contactors.state !== "fault" ? 1 : 0) | (s.contactors.state === "closed" ? 2 : 0) : null,
  },
  {
    id: "contactors.failureReason",
    type: "enum",
    unit: "",
    min: 0,
    max: 8,
    enumValues: { 0: "none", 6: "contactor failure", 7: "precharge failure" },
    description:
      "Why the rack cannot connect, in SunSpec model 803 StrConFail numbering: 0 none, 6 contactor failure (feedback mismatch or welded), 7 precharge failure.",
    read: (s) => {
      if (s.alarms.length === 0) return null;
      if (alarmLevel(s, "contactorWelded") > 0 || alarmLevel(s, "contactorFeedbackMismatch") >= 3) return 6;
      return alarmLevel(s, "prechargeFailure") > 0 ? 7 : 0;
    },
  },
  {
    id: "contactors.operations",
    type: "integer",
    unit: "",
    min: 0,
    max: 4294967295,
    description: "Contactor close/open operations counted since the counter was created (wear).",
    read: (s) => s.contactors?.operations ?? null,
  },
  {
    id: "contactors.breakerTripRequested",
    type: "boolean",
    unit: "",
    min: 0,
    max: 1,
    description: "The BCU asks the DC breaker's shunt trip to open (the contactors could not interrupt).",
    read: (s) => s.contactors?.breakerTripRequested ?? null,
  },
  {
    id: "balancing.activeCells",
    type: "integer",
    unit: "",
    min: 0,
    max: 1024,
    description: "Cells being bled by passive balancing now.",
    read: (s) => s.balancing?.activeCells ?? null,
  },
];

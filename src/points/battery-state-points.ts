import type { Snapshot } from "../bcu/snapshot.ts";
import type { PointDefinition } from "./point.ts";

/**
 * Battery-level states in the enumerations of SunSpec model 802 (ChaSt, State, ReqInvState, Evt1), so that a
 * SunSpec map can publish them as they are. Derived from the snapshot only.
 */

/** Below this current magnitude the rack is holding (neither charging nor discharging). */
const HOLDING_CURRENT_A = 1;

/** SunSpec 802 Evt1 bits: [alarm bit (level 3), warning bit (level 1 or 2)] per protection; -1 = none. */
const EVT1_BITS: Readonly<Record<string, readonly [number, number]>> = {
  bmuCommunicationLoss: [0, 0],
  currentSensorFault: [0, 0],
  chargeOverTemperature: [1, 2],
  dischargeOverTemperature: [1, 2],
  chargeUnderTemperature: [3, 4],
  dischargeUnderTemperature: [3, 4],
  chargeOverCurrent: [5, 6],
  dischargeOverCurrent: [7, 8],
  cellOverVoltage: [9, 10],
  packOverVoltage: [9, 10],
  cellUnderVoltage: [11, 12],
  packUnderVoltage: [11, 12],
  lowSoc: [13, 14],
  cellVoltageDifference: [17, 17],
  temperatureDifference: [18, 19],
  contactorFeedbackMismatch: [20, 20],
  prechargeFailure: [20, 20],
  contactorWelded: [20, 20],
  insulationFault: [22, 22],
  doorOpen: [23, 23],
};
/** Protections without a SunSpec bit of their own: OTHER_ALARM, OTHER_WARNING. */
const EVT1_OTHER: readonly [number, number] = [25, 26];

export const SUNSPEC_EVT1_BITS: readonly string[] = [
  "COMMUNICATION_ERROR",
  "OVER_TEMP_ALARM",
  "OVER_TEMP_WARNING",
  "UNDER_TEMP_ALARM",
  "UNDER_TEMP_WARNING",
  "OVER_CHARGE_CURRENT_ALARM",
  "OVER_CHARGE_CURRENT_WARNING",
  "OVER_DISCHARGE_CURRENT_ALARM",
  "OVER_DISCHARGE_CURRENT_WARNING",
  "OVER_VOLT_ALARM",
  "OVER_VOLT_WARNING",
  "UNDER_VOLT_ALARM",
  "UNDER_VOLT_WARNING",
  "UNDER_SOC_MIN_ALARM",
  "UNDER_SOC_MIN_WARNING",
  "OVER_SOC_MAX_ALARM",
  "OVER_SOC_MAX_WARNING",
  "VOLTAGE_IMBALANCE_WARNING",
  "TEMPERATURE_IMBALANCE_ALARM",
  "TEMPERATURE_IMBALANCE_WARNING",
  "CONTACTOR_ERROR",
  "FAN_ERROR",
  "GROUND_FAULT",
  "OPEN_DOOR_ERROR",
  "CURRENT_IMBALANCE_WARNING",
  "OTHER_ALARM",
  "OTHER_WARNING",
  "RESERVED_1",
  "CONFIGURATION_ALARM",
  "CONFIGURATION_WARNING",
];

export function sunspecEvents(s: Snapshot): number | null {
  if (s.alarms.length === 0) return null;
  let word = 0;
  for (const alarm of s.alarms) {
    if (alarm.level === 0) continue;
    const [alarmBit, warningBit] = EVT1_BITS[alarm.id] ?? EVT1_OTHER;
    word |= 1 << (alarm.level === 3 ? alarmBit : warningBit);
  }
  return word >>> 0;
}

function chargeStatus(s: Snapshot): number | null {
  if (!s.contactors) return null;
  if (s.contactors.state !== "closed") return 1; // OFF
  const soc = s.estimation?.packSoc_pct ?? null;
  const current = s.measurements.current_A;
  if (current === null) return null;
  if (current <= -HOLDING_CURRENT_A) return soc !== null && soc >= 100 ? 5 : 4; // FULL, CHARGING
  if (current >= HOLDING_CURRENT_A) return soc !== null && soc <= 0 ? 2 : 3; // EMPTY, DISCHARGING
  return 6; // HOLDING
}

function bankState(s: Snapshot): number | null {
  if (s.state === "fault" || s.maxAlarmLevel === 3 || s.contactors?.state === "fault") return 99;
  if (s.state === "starting") return 2;
  if (!s.contactors) return null;
  switch (s.contactors.state) {
    case "closed":
      return 3;
    case "precharging":
    case "closing":
      return 2;
    default:
      return 1;
  }
}

export const batteryStatePoints: readonly PointDefinition[] = [
  {
    id: "battery.chargeStatus",
    type: "enum",
    unit: "",
    min: 1,
    max: 7,
    enumValues: { 1: "off", 2: "empty", 3: "discharging", 4: "charging", 5: "full", 6: "holding" },
    description: `SunSpec 802 ChaSt: 1 off (not connected), 2 empty, 3 discharging, 4 charging, 5 full, 6 holding (|current| < ${HOLDING_CURRENT_A} A).`,
    read: chargeStatus,
  },
  {
    id: "battery.bankState",
    type: "enum",
    unit: "",
    min: 1,
    max: 99,
    enumValues: { 1: "disconnected", 2: "initializing", 3: "connected", 99: "fault" },
    description: "SunSpec 802 State: 1 disconnected, 2 initializing (starting or precharging), 3 connected, 99 fault.",
    read: bankState,
  },
  {
    id: "battery.inverterRequest",
    type: "enum",
    unit: "",
    min: 0,
    max: 2,
    enumValues: { 0: "no request", 2: "stop" },
    description: "SunSpec 802 ReqInvState: 0 no request, 2 stop (the BCU asks the PCS to stop).",
    read: (s) => (s.limits ? (s.limits.stopRequested ? 2 : 0) : null),
  },
  {
    id: "battery.events",
    type: "bitfield",
    unit: "",
    min: 0,
    max: 2 ** 32 - 1,
    bits: SUNSPEC_EVT1_BITS,
    description:
      "SunSpec 802 Evt1 bits from the protections: the ALARM bit at level 3, the WARNING bit at levels 1 and 2 (communication loss, contactor and imbalance bits at any level); protections without a bit of their own set OTHER_ALARM / OTHER_WARNING.",
    read: sunspecEvents,
  },
];

import type { RackMeasurements } from "../rack-measurements.ts";
import { ALARM_INDEX } from "./alarm-ids.ts";

/** What the insulation driver (`../insulation`) hands the protection each cycle. */
export interface InsulationContext {
  /** A valid, current reading outside a self-test, Ω per volt of the nominal voltage; null: none now (hold). */
  readonly resistance_ohmPerV: number | null;
  /** The device's own insulation-fault or ground-fault bit in such a reading; null: no valid reading. */
  readonly faultReported: boolean | null;
  /** The monitor is silent, refused or did not answer, failed its self-test or reports a system failure. */
  readonly monitorFault: boolean;
}

const I = ALARM_INDEX;

/**
 * Values of the safety I/O alarms: the cabinet inputs of HVU_ContactorFb byte 2 (unknown while the feedback is
 * stale: the alarms hold, and the stale unit is contactorFeedbackMismatch's business) and the insulation context
 * (unknown without one: a BCU without the driver holds these alarms at 0).
 */
export function safetyIoValues(
  m: RackMeasurements,
  insulation: InsulationContext | undefined,
  values: Float64Array,
): void {
  const fb = m.contactorFeedback;
  if (fb === null) {
    values[I.breakerOpen] = NaN;
    values[I.hvilOpen] = NaN;
    values[I.emergencyStop] = NaN;
    values[I.fireAlarm] = NaN;
    values[I.doorOpen] = NaN;
  } else {
    values[I.breakerOpen] = !fb.breakerClosed || fb.breakerTripped ? 1 : 0;
    values[I.hvilOpen] = fb.hvilIntact ? 0 : 1;
    values[I.emergencyStop] = fb.emergencyStop ? 1 : 0;
    values[I.fireAlarm] = fb.fireAlarm ? 1 : 0;
    values[I.doorOpen] = fb.doorOpen ? 1 : 0;
  }
  if (insulation === undefined) {
    values[I.insulationResistance] = NaN;
    values[I.insulationFaultReported] = NaN;
    values[I.insulationMonitorFault] = NaN;
    return;
  }
  values[I.insulationResistance] = insulation.resistance_ohmPerV ?? NaN;
  values[I.insulationFaultReported] = insulation.faultReported === null ? NaN : insulation.faultReported ? 1 : 0;
  values[I.insulationMonitorFault] = insulation.monitorFault ? 1 : 0;
}

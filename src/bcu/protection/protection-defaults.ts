import type { AlarmId } from "./alarm-ids.ts";
import {
  resolveProtectionConfig,
  type DerateLevel,
  type DisconnectLevel,
  type OpenMode,
  type ProtectionConfig,
  type ProtectionConfigDocument,
  type ProtectionLevel,
  type LevelDocument,
  type ProtectionRowDocument,
} from "./protection-config.ts";

/*
 * Defaults for a rack of 280 Ah LFP cells (EVE LF280K / CATL 280 Ah class, 1P240S):
 * - cell voltage window 2.5-3.65 V (datasheet discharge and charge cut-off): level 3 sits on these limits, levels
 *   1 and 2 inside them;
 * - temperature: charge 0-55 degC, discharge -20-60 degC (datasheet operating ranges): level 3 on the limits;
 * - current: standard 0.5 C (140 A), maximum continuous 1 C (280 A) in both directions: level 1 above the
 *   standard current, level 3 (open at once) just above the maximum continuous current.
 * Debounce is long where the measurement is slow or noisy (temperatures every 1 s, module voltages 1 s behind the
 * cells during a current ramp) and short where the danger is fast (over-current, over-voltage while charging).
 */

function level(
  threshold: number,
  release: number,
  setDebounce_ms: number,
  clearDebounce_ms: number,
  latching = false,
): LevelDocument<ProtectionLevel> {
  return { enabled: true, threshold, release, setDebounce_ms, clearDebounce_ms, latching };
}

function derate(
  threshold: number,
  release: number,
  setDebounce_ms: number,
  clearDebounce_ms: number,
  derateFactor: number,
): LevelDocument<DerateLevel> {
  return { ...level(threshold, release, setDebounce_ms, clearDebounce_ms), derateFactor };
}

function disconnect(
  threshold: number,
  release: number,
  setDebounce_ms: number,
  clearDebounce_ms: number,
  open: OpenMode,
  openAtOnceBeyond: number | null = null,
): LevelDocument<DisconnectLevel> {
  return { ...level(threshold, release, setDebounce_ms, clearDebounce_ms, true), open, openAtOnceBeyond };
}

/** A level that is off by default; its values are what it would use when switched on. */
function off<L extends ProtectionLevel>(spec: LevelDocument<L>): LevelDocument<L> {
  return { ...spec, enabled: false };
}

const DEFAULT_TABLE: Record<AlarmId, ProtectionRowDocument> = {
  cellOverVoltage: {
    level1: level(3600, 3550, 1000, 2000),
    level2: derate(3625, 3575, 1000, 2000, 0.5),
    level3: disconnect(3650, 3600, 500, 2000, "immediateWhileCharging"),
  },
  cellUnderVoltage: {
    level1: level(2900, 3000, 2000, 2000),
    level2: derate(2800, 2950, 2000, 2000, 0.5),
    level3: disconnect(2500, 2800, 1000, 2000, "afterGrace"),
  },
  // Per series cell: x 240 = 859 / 866 / 874 V.
  packOverVoltage: {
    level1: level(3580, 3530, 2000, 2000),
    level2: derate(3610, 3560, 2000, 2000, 0.5),
    level3: disconnect(3640, 3590, 1000, 2000, "immediateWhileCharging"),
  },
  // Per series cell: x 240 = 708 / 684 / 648 V.
  packUnderVoltage: {
    level1: level(2950, 3050, 2000, 2000),
    level2: derate(2850, 3000, 2000, 2000, 0.5),
    level3: disconnect(2700, 2900, 1000, 2000, "afterGrace"),
  },
  chargeOverTemperature: {
    level1: level(45, 42, 5000, 10000),
    level2: derate(50, 47, 5000, 10000, 0.5),
    level3: disconnect(55, 50, 3000, 10000, "afterGrace"),
  },
  dischargeOverTemperature: {
    level1: level(50, 47, 5000, 10000),
    level2: derate(55, 52, 5000, 10000, 0.5),
    level3: disconnect(60, 55, 3000, 10000, "afterGrace"),
  },
  chargeUnderTemperature: {
    level1: level(5, 7, 5000, 10000),
    level2: derate(2, 5, 5000, 10000, 0.5),
    level3: disconnect(0, 3, 3000, 10000, "afterGrace"),
  },
  dischargeUnderTemperature: {
    level1: level(-10, -8, 5000, 10000),
    level2: derate(-15, -12, 5000, 10000, 0.5),
    level3: disconnect(-20, -17, 3000, 10000, "afterGrace"),
  },
  temperatureDifference: {
    level1: level(8, 6, 10000, 10000),
    level2: derate(10, 8, 10000, 10000, 0.5),
    level3: disconnect(15, 12, 10000, 10000, "afterGrace"),
  },
  cellVoltageDifference: {
    level1: level(100, 80, 5000, 5000),
    level2: derate(200, 150, 5000, 5000, 0.5),
    level3: disconnect(300, 250, 5000, 5000, "afterGrace"),
  },
  chargeOverCurrent: {
    level1: level(150, 140, 5000, 5000),
    level2: derate(200, 180, 2000, 5000, 0.5),
    level3: disconnect(300, 250, 500, 5000, "immediate"),
  },
  dischargeOverCurrent: {
    level1: level(150, 140, 5000, 5000),
    level2: derate(200, 180, 2000, 5000, 0.5),
    level3: disconnect(300, 250, 500, 5000, "immediate"),
  },
  // A warning only: the SOP takes the discharge limit down near empty, and cellUnderVoltage protects the cells.
  lowSoc: {
    level1: level(10, 12, 5000, 5000),
    level2: off(derate(5, 7, 5000, 5000, 0.5)),
    level3: off(disconnect(0, 5, 5000, 5000, "afterGrace")),
  },
  // The value is already a time (how long the BMU's cells could not be seen), so the thresholds are the timeouts
  // and there is no extra debounce. Level 3 after 2 s asks the PCS to stop; past the second timeout (3 s) the
  // contactors open at once, before the 2 s grace period would have ended.
  bmuCommunicationLoss: {
    level1: level(1000, 0, 0, 1000),
    level2: derate(1500, 0, 0, 1000, 0.5),
    level3: disconnect(2000, 0, 0, 1000, "afterGrace", 3000),
  },
  currentSensorFault: {
    level1: level(200, 0, 0, 1000),
    level2: derate(500, 0, 0, 1000, 0.5),
    level3: disconnect(1000, 0, 0, 1000, "afterGrace", 3000),
  },
  cellSumImplausible: {
    level1: level(1, 0.7, 5000, 5000),
    level2: derate(2, 1.5, 5000, 5000, 0.5),
    level3: disconnect(3, 2.5, 5000, 5000, "afterGrace"),
  },
  moduleSumImplausible: {
    level1: level(10, 7, 5000, 5000),
    level2: derate(20, 15, 5000, 5000, 0.5),
    level3: disconnect(30, 25, 5000, 5000, "afterGrace"),
  },
  // Normal latency command → coil → auxiliary contact → feedback frame → next cycle is up to ~300 ms.
  contactorFeedbackMismatch: {
    level1: level(500, 0, 0, 500),
    level2: off(derate(700, 0, 0, 500, 0.5)),
    level3: disconnect(1000, 0, 0, 500, "afterGrace"),
  },
  // Flags: a failed precharge or a weld is level 3 at once; levels 1 and 2 would add nothing.
  prechargeFailure: {
    level1: off(level(1, 0, 0, 0)),
    level2: off(derate(1, 0, 0, 0, 0.5)),
    level3: disconnect(1, 0, 0, 0, "immediate"),
  },
  contactorWelded: {
    level1: off(level(1, 0, 0, 0)),
    level2: off(derate(1, 0, 0, 0, 0.5)),
    level3: disconnect(1, 0, 0, 0, "immediate"),
  },
  // Cabinet inputs arrive every 100 ms (HVU_ContactorFb byte 2): a debounce of a few frames rides through a
  // bouncing contact, and the safety inputs stay short because the hazard is immediate.
  breakerOpen: {
    level1: off(level(1, 0, 0, 0)),
    level2: off(derate(1, 0, 0, 0, 0.5)),
    level3: disconnect(1, 0, 200, 500, "immediate"),
  },
  // Close refused while broken, clears when the loop is whole again (no reset).
  hvilOpen: {
    level1: off(level(1, 0, 0, 0)),
    level2: off(derate(1, 0, 0, 0, 0.5)),
    level3: { ...disconnect(1, 0, 200, 500, "immediate"), latching: false },
  },
  emergencyStop: {
    level1: off(level(1, 0, 0, 0)),
    level2: off(derate(1, 0, 0, 0, 0.5)),
    level3: disconnect(1, 0, 100, 500, "immediate"),
  },
  fireAlarm: {
    level1: off(level(1, 0, 0, 0)),
    level2: off(derate(1, 0, 0, 0, 0.5)),
    level3: disconnect(1, 0, 300, 1000, "immediate"),
  },
  // Level 1; the contactor machine opens and refuses a close while the door is open (contactors configuration).
  doorOpen: {
    level1: level(1, 0, 500, 500),
    level2: off(derate(1, 0, 0, 0, 0.5)),
    level3: off(disconnect(1, 0, 500, 500, "afterGrace")),
  },
  // Ω/V of the nominal voltage (768 V: 384 kΩ and 77 kΩ). Readings come every 1 s and move slowly.
  insulationResistance: {
    level1: level(500, 550, 3000, 10000),
    level2: off(derate(250, 300, 3000, 10000, 0.5)),
    level3: disconnect(100, 120, 3000, 10000, "afterGrace"),
  },
  insulationFaultReported: {
    level1: off(level(1, 0, 3000, 10000)),
    level2: off(derate(1, 0, 3000, 10000, 0.5)),
    level3: disconnect(1, 0, 3000, 10000, "afterGrace"),
  },
  // Warn at once; without insulation watching for 5 minutes, stop (the system is IT: a first fault is not yet a
  // hazard, an unnoticed second one is).
  insulationMonitorFault: {
    level1: level(1, 0, 0, 5000),
    level2: off(derate(1, 0, 0, 5000, 0.5)),
    level3: disconnect(1, 0, 300_000, 5000, "afterGrace"),
  },
};

/*
 * The LFP plateau, on the mean cell voltage (OCV 3198 mV at 8 % SOC, 3395 mV at 99 %). On it, 1 % of SOC is a few
 * mV, so 100 mV between cells is an imbalance or a weak cell. Below it (3168 mV at 5 %, 2900 mV at 1 %) the
 * capacity spread of healthy cells alone reads as 200 mV or more at the end of every discharge. The mean hardly
 * moves for one bad cell (2.9 V among 239 cells at 3.29 V: mean 3.288 V), so a sagging or shorted cell is still
 * judged. At rest, within 3400 mV the top knee adds at most ~130 mV for a 3 % spread (97-100 % SOC): level 1.
 */
// 1 mΩ: the DC resistance of a 280 Ah LFP cell over a few seconds to minutes at 25 °C (ohmic + polarisation).
const CELL_VOLTAGE_DIFFERENCE_WINDOW_mV = { low: 3200, high: 3400, cellResistance_mOhm: 1 };

/** The defaults as a configuration file writes them. A fresh copy on every call. */
export function defaultProtectionDocument(): ProtectionConfigDocument {
  return structuredClone({
    gracePeriod_ms: 2000,
    restCurrent_A: 2,
    cellVoltageDifferenceWindow_mV: CELL_VOLTAGE_DIFFERENCE_WINDOW_mV,
    table: DEFAULT_TABLE,
  });
}

export function defaultProtectionConfig(): ProtectionConfig {
  return resolveProtectionConfig(defaultProtectionDocument());
}

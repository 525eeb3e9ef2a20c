import { ALARM_INDEX } from "../protection/alarm-ids.ts";
import type { ProtectionConfig } from "../protection/protection-config.ts";

/**
 * The insulation monitor (Bender iso165C) and how its readings are judged. The alarm levels themselves are rows
 * of the protection table, in Ω/V of `nominalVoltage_V` (IEC 61557-8 practice: 100 Ω/V is the usual minimum,
 * 500 Ω/V a healthy system).
 */
export interface InsulationConfig {
  /** This BCU drives an insulation monitor on its CAN bus. */
  readonly enabled: boolean;
  /** Basis of the Ω/V levels; null: the rack's nominal voltage (cells in series × the cell's nominal voltage). */
  readonly nominalVoltage_V: number | null;
  /**
   * One measuring device per IT system: true when this monitor measures while the contactors are closed; false
   * when the PCS's own monitor watches the connected system, and this one measures only with the contactors open
   * (decoupled and switched off while closed).
   */
  readonly measuresWhileClosed: boolean;
  /** Threshold sent to the device for its own warning bit, Ω/V; null: the protection table's level 1. */
  readonly deviceWarning_ohmPerV: number | null;
  /** Threshold sent to the device for its own insulation-fault bit, Ω/V; null: the protection table's level 3. */
  readonly deviceError_ohmPerV: number | null;
  readonly unlockPassword: number;
  /** A request with no response within this is sent again. */
  readonly requestTimeout_ms: number;
  /** Repetitions of an unanswered request before the monitor counts as faulty. */
  readonly requestRetries: number;
  /** No IMD_Info (sent every 1 s) for this long: the monitor is faulty. */
  readonly silenceTimeout_ms: number;
  /** The self-test must be reported done within this. */
  readonly selfTestTimeout_ms: number;
  /** After a fault, the start-up is tried again after this. */
  readonly restartDelay_ms: number;
}

export function defaultInsulationConfig(): InsulationConfig {
  return {
    enabled: true,
    nominalVoltage_V: null,
    measuresWhileClosed: true,
    deviceWarning_ohmPerV: null,
    deviceError_ohmPerV: null,
    unlockPassword: 0,
    requestTimeout_ms: 500,
    requestRetries: 3,
    silenceTimeout_ms: 5000,
    selfTestTimeout_ms: 30_000,
    restartDelay_ms: 10_000,
  };
}

/** The device's threshold ranges (iso165C: error 30–1000 kΩ, warning 40–2000 kΩ). */
export const IMD_ERROR_THRESHOLD_RANGE_kOhm = [30, 1000] as const;
export const IMD_WARNING_THRESHOLD_RANGE_kOhm = [40, 2000] as const;

/** What the insulation driver works with: the configuration with the basis and device thresholds resolved. */
export interface InsulationSettings extends InsulationConfig {
  readonly basis_V: number;
  readonly deviceWarning_kOhm: number;
  readonly deviceError_kOhm: number;
}

/** The rack data the basis needs. */
export interface InsulationRackLike {
  readonly bmuCount: number;
  readonly cellsPerBmu: number;
  readonly cell: { readonly nominalVoltage_V: number };
}

/**
 * Resolves the basis (768 V for the default 240 cells × 3.2 V) and the device thresholds in kΩ, rounded and held
 * inside the device's ranges: by default the table's 500 Ω/V and 100 Ω/V give 384 kΩ and 77 kΩ.
 */
export function resolveInsulationSettings(
  config: InsulationConfig,
  rack: InsulationRackLike,
  protection: ProtectionConfig,
): InsulationSettings {
  const basis_V = config.nominalVoltage_V ?? rack.bmuCount * rack.cellsPerBmu * rack.cell.nominalVoltage_V;
  const row = protection.table[ALARM_INDEX.insulationResistance];
  const warning = config.deviceWarning_ohmPerV ?? row.level1?.threshold ?? 500;
  const error = config.deviceError_ohmPerV ?? row.level3?.threshold ?? 100;
  const kOhm = (ohmPerV: number, [min, max]: readonly [number, number]) =>
    Math.min(max, Math.max(min, Math.round((ohmPerV * basis_V) / 1000)));
  return {
    ...config,
    basis_V,
    deviceWarning_kOhm: kOhm(warning, IMD_WARNING_THRESHOLD_RANGE_kOhm),
    deviceError_kOhm: kOhm(error, IMD_ERROR_THRESHOLD_RANGE_kOhm),
  };
}

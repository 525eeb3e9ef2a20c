/** Protection: the table, the per-level alarm state machine, its actions and the fault reset. */
export { ALARM_COUNT, ALARM_IDS, ALARM_INDEX, isAlarmId } from "./alarm-ids.ts";
export type { AlarmApplies, AlarmDefinition, AlarmDirection, AlarmId } from "./alarm-ids.ts";
export type { ProtectionContext } from "./alarm-inputs.ts";
export type { InsulationContext } from "./safety-io-inputs.ts";
export {
  checkProtectionConfig,
  OPEN_MODES,
  resolveProtectionConfig,
  type DerateLevel,
  type DisconnectLevel,
  type OpenMode,
  type ProtectionConfig,
  type ProtectionConfigDocument,
  type ProtectionConfigIssue,
  type ProtectionLevel,
  type ProtectionRow,
  type ProtectionRowLevels,
} from "./protection-config.ts";
export { defaultProtectionConfig, defaultProtectionDocument } from "./protection-defaults.ts";
export {
  createProtectionState,
  evaluateProtection,
  type AlarmLevel,
  type AlarmStatus,
  type OpenRequest,
  type ProtectionOutput,
  type ProtectionState,
} from "./protection.ts";
export { requestFaultReset, type FaultResetResult } from "./fault-reset.ts";

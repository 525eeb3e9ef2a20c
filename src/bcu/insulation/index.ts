/** Insulation monitoring: the Bender iso165C driver and the settings of its readings. */
export {
  defaultInsulationConfig,
  IMD_ERROR_THRESHOLD_RANGE_kOhm,
  IMD_WARNING_THRESHOLD_RANGE_kOhm,
  resolveInsulationSettings,
  type InsulationConfig,
  type InsulationRackLike,
  type InsulationSettings,
} from "./insulation-config.ts";
export {
  createImdDriverState,
  IMD_READING_MAX_AGE_MS,
  stepImdDriver,
  type ImdDriverInput,
  type ImdDriverOutput,
  type ImdDriverPhase,
  type ImdDriverState,
  type InsulationView,
} from "./imd-driver.ts";

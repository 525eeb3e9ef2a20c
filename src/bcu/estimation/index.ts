/** Estimation: SOC, SOH and SOP of the rack. The cycle calls `createEstimationState` once, then `stepEstimation`. */
export { defaultEstimationConfig, type EstimationConfig, type TemperatureDerateRow } from "./config.ts";
export { stepEstimation } from "./estimation.ts";
export { createEstimationState, persistEstimation, persistedEstimationAt, type EstimationState } from "./state.ts";
export type { CellRatings, EstimationOutput, PersistedEstimation, Sop } from "./types.ts";

/** Passive balancing: which cells bleed, per BMU mask. */
export {
  checkBalancingConfig,
  defaultBalancingConfig,
  type BalancingConfig,
  type BalancingConfigIssue,
  type BalancingWhile,
} from "./balancing-config.ts";
export { createBalancingState, stepBalancing, type BalancingOutput, type BalancingState } from "./balancing.ts";

/** Contactors: the precharge sequence, feedback supervision and weld detection. */
export { defaultContactorConfig, type ContactorConfig } from "./contactor-config.ts";
export { NO_CONTACTOR_FAULTS, type ContactorFaults } from "./contactor-faults.ts";
export {
  createContactorState,
  stepContactors,
  type ContactorCommandOut,
  type ContactorMachineState,
  type ContactorRequest,
  type ContactorRequestResult,
  type ContactorState,
  type ContactorStepInput,
  type ContactorStepResult,
} from "./contactor-machine.ts";

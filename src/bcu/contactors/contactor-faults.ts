/**
 * What the contactor state machine found wrong, handed to the protection on the next cycle (whose table decides
 * the levels and actions). Values, not verdicts: the thresholds live in the protection table.
 */
export interface ContactorFaults {
  /**
   * How long the auxiliary contacts have differed from the command (for the contactor that differs longest), the
   * feedback has been missing, or a commanded coil has reported a fault; 0 when all agree.
   */
  readonly feedbackMismatch_ms: number;
  /** The last precharge timed out; stays true until the feedback confirms every contactor open. */
  readonly prechargeFailed: boolean;
  /** After an open command, a main contactor stays closed (feedback), current flows, or the link keeps the pack voltage. */
  readonly welded: boolean;
}

export const NO_CONTACTOR_FAULTS: ContactorFaults = { feedbackMismatch_ms: 0, prechargeFailed: false, welded: false };

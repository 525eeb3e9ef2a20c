/** The contactor sequence and its supervision. Defaults for a ~770 V rack with a 5 mF PCS DC link. */
export interface ContactorConfig {
  /** Main+ closes once the DC link (IVT U2) reaches this share of the pack voltage (IVT U1). */
  readonly prechargeTarget_pct: number;
  /** Precharge fails when the link has not reached the target within this time. */
  readonly prechargeTimeout_ms: number;
  /** After the open command, the weld check waits this long before judging feedback, current and link voltage. */
  readonly weldCheckDelay_ms: number;
  /** A current above this after the weld-check delay means a main contactor still conducts. */
  readonly weldCurrent_A: number;
  /**
   * The link still at or above this share of the pack voltage after the weld-check delay means a weld; null
   * switches the check off (for a PCS that keeps its DC link charged from the AC side).
   */
  readonly weldLinkVoltage_pct: number | null;
  /** Close once at start-up, as if a close command had arrived, when the rack's measurements are available. */
  readonly closeAtStartup: boolean;
  /** Ask the contactor unit to trip the DC breaker while a weld is detected (the breaker then needs a hand). */
  readonly shuntTripOnWeld: boolean;
  /**
   * The main contactors' rated breaking current. Opening above it draws an arc that welds them: above it the BCU
   * trips the DC breaker instead and opens the contactors once the current is below it (or the breaker is open).
   */
  readonly ratedBreakingCurrent_A: number;
  /** Open the contactors when the cabinet door opens (as an open command). */
  readonly openOnDoorOpen: boolean;
  /** Refuse a close while the cabinet door is open. */
  readonly refuseCloseWhileDoorOpen: boolean;
}

/*
 * Precharge: the simulated link (5 mF through 30 ohm) reaches 95 % in 3 tau = 450 ms; 2 s leaves room for a
 * larger link. The link bleeds through ~20 kohm (tau ~100 s): 2 s after opening it has lost ~2 %, so a link still
 * at >= 99 % of the pack is held up by a closed path.
 */
export function defaultContactorConfig(): ContactorConfig {
  return {
    prechargeTarget_pct: 95,
    prechargeTimeout_ms: 2000,
    weldCheckDelay_ms: 2000,
    weldCurrent_A: 5,
    weldLinkVoltage_pct: 99,
    closeAtStartup: false,
    shuntTripOnWeld: true,
    ratedBreakingCurrent_A: 1500,
    openOnDoorOpen: true,
    refuseCloseWhileDoorOpen: true,
  };
}

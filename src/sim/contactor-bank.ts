import type { ContactorSet } from "../can/codecs/messages.ts";

export const CONTACTOR_NAMES = ["mainPositive", "mainNegative", "precharge"] as const;
export type ContactorName = (typeof CONTACTOR_NAMES)[number];

/** Time from coil energised to contacts (main and auxiliary) closed, and from coil dropped to contacts open. */
export const CONTACTOR_CLOSE_DELAY_ms = 20;
export const CONTACTOR_OPEN_DELAY_ms = 10;

/**
 * Shunt release energised → breaker contacts open: the release, the latch and the mechanism of a moulded-case DC
 * breaker take a few tens of ms (20–50 ms in datasheets).
 */
export const BREAKER_TRIP_DELAY_ms = 30;
/**
 * The simulated contactors' rated breaking current: opening above it draws an arc that welds the contacts (which
 * is why the BCU trips the breaker instead of opening contactors under a larger current).
 */
export const CONTACTOR_BREAKING_CURRENT_A = 1500;

/** One DC contactor with its coil and auxiliary contact; time is passed in. */
export class Contactor {
  coilEnergised = false;
  closed = false;
  /** Injected: the contacts stay closed once they have closed, whatever the coil does. */
  welded = false;
  /** Injected: the coil cannot pull in (open coil); the unit reports it. */
  coilFault = false;
  private coilChangedAtMs = -Infinity;

  driveCoil(on: boolean, nowMs: number): void {
    const energised = on && !this.coilFault;
    if (energised !== this.coilEnergised) {
      this.coilEnergised = energised;
      this.coilChangedAtMs = nowMs;
    }
  }

  update(nowMs: number): void {
    const since = nowMs - this.coilChangedAtMs;
    if (this.coilEnergised && !this.closed && since >= CONTACTOR_CLOSE_DELAY_ms) this.closed = true;
    if (!this.coilEnergised && this.closed && !this.welded && since >= CONTACTOR_OPEN_DELAY_ms) this.closed = false;
  }
}

/**
 * The rack's switchgear: three contactors, the DC breaker (with shunt trip) and the cabinet inputs the contactor
 * unit reports. The emergency stop cuts the coils in hardware.
 */
export class ContactorBank {
  readonly contactors: Record<ContactorName, Contactor> = {
    mainPositive: new Contactor(),
    mainNegative: new Contactor(),
    precharge: new Contactor(),
  };
  breakerClosed = true;
  breakerTripped = false;
  hvilIntact = true;
  emergencyStop = false;
  fireAlarm = false;
  doorOpen = false;
  /** When a commanded shunt trip opens the breaker (NaN: none pending). */
  breakerTripDueAtMs = NaN;
  /** When the breaker last tripped (shunt trip or by itself); NaN before. */
  breakerTrippedAtMs = NaN;
  /** Current through the contacts, A, set by the physics each step (an opening contact breaks it). */
  current_A = 0;
  /** Contactors welded by opening above their breaking current, in order. */
  readonly arcWelds: ContactorName[] = [];

  /** Applies the coil drive the unit wants now (all false when it has no valid command). */
  drive(requested: ContactorSet, shuntTrip: boolean, nowMs: number): void {
    const allowed = !this.emergencyStop;
    for (const name of CONTACTOR_NAMES) this.contactors[name].driveCoil(allowed && requested[name], nowMs);
    // The shunt release acts once energised; the breaker then stays open until closed by hand.
    if (shuntTrip && this.breakerClosed && Number.isNaN(this.breakerTripDueAtMs)) {
      this.breakerTripDueAtMs = nowMs + BREAKER_TRIP_DELAY_ms;
    }
    this.update(nowMs);
  }

  update(nowMs: number): void {
    if (nowMs >= this.breakerTripDueAtMs) this.tripBreaker(this.breakerTripDueAtMs);
    for (const name of CONTACTOR_NAMES) {
      const contactor = this.contactors[name];
      const wasClosed = contactor.closed;
      contactor.update(nowMs);
      if (wasClosed && !contactor.closed && Math.abs(this.current_A) > CONTACTOR_BREAKING_CURRENT_A) {
        // Opened under more than it can break: the arc welds the contacts.
        contactor.closed = true;
        contactor.welded = true;
        this.arcWelds.push(name);
      }
    }
  }

  /** The breaker opens (shunt trip, or by itself): it interrupts the current at once. */
  tripBreaker(atMs: number): void {
    this.breakerTripDueAtMs = NaN;
    if (!this.breakerClosed) return;
    this.breakerClosed = false;
    this.breakerTripped = true;
    this.breakerTrippedAtMs = atMs;
    this.current_A = 0;
  }

  /** The breaker is closed again by hand. */
  closeBreakerByHand(): void {
    this.breakerClosed = true;
    this.breakerTripped = false;
  }

  closedSet(): ContactorSet {
    const c = this.contactors;
    return { mainPositive: c.mainPositive.closed, mainNegative: c.mainNegative.closed, precharge: c.precharge.closed };
  }

  coilFaultSet(): ContactorSet {
    const c = this.contactors;
    return {
      mainPositive: c.mainPositive.coilFault,
      mainNegative: c.mainNegative.coilFault,
      precharge: c.precharge.coilFault,
    };
  }

  /** Pack and DC link are connected through main+ and main− (and the breaker). */
  connected(): boolean {
    const c = this.contactors;
    return this.breakerClosed && c.mainNegative.closed && c.mainPositive.closed;
  }

  /** The link charges from the pack through the precharge resistor. */
  precharging(): boolean {
    const c = this.contactors;
    return this.breakerClosed && c.mainNegative.closed && c.precharge.closed && !c.mainPositive.closed;
  }
}

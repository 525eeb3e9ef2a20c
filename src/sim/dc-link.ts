/** Resistance that discharges the DC link when it is disconnected (PCS input bleeder), Ω. */
export const DC_LINK_BLEED_RESISTANCE_ohm = 20_000;

/**
 * The PCS's DC-link capacitor on the far side of the contactors. While precharging it charges from the pack
 * through the precharge resistor (τ = R·C, 5 mF · 30 Ω = 150 ms, so 95 % after 3τ = 450 ms); while connected it
 * sits at the pack voltage; while disconnected it decays through the bleeder. Each RC is stepped exactly.
 */
export class DcLink {
  voltage_V = 0;

  constructor(
    readonly capacitance_F: number,
    readonly prechargeResistance_ohm: number,
  ) {}

  /**
   * Charges towards `packVoltage_V` through the precharge resistor for `dt_s`; returns the mean current drawn
   * from the pack over the step (A, + = discharge of the pack).
   */
  precharge(dt_s: number, packVoltage_V: number): number {
    const decay = Math.exp(-dt_s / (this.prechargeResistance_ohm * this.capacitance_F));
    const next = packVoltage_V + (this.voltage_V - packVoltage_V) * decay;
    const current_A = dt_s > 0 ? (this.capacitance_F * (next - this.voltage_V)) / dt_s : 0;
    this.voltage_V = next;
    return current_A;
  }

  /** Disconnected: decays through the bleeder. */
  bleed(dt_s: number): void {
    this.voltage_V *= Math.exp(-dt_s / (DC_LINK_BLEED_RESISTANCE_ohm * this.capacitance_F));
  }

  /** Connected: the link is the pack voltage. */
  connect(packVoltage_V: number): void {
    this.voltage_V = packVoltage_V;
  }
}

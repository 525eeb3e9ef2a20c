import { lfpEnergyBetween_Wh_per_Ah } from "./lfp-ocv.ts";

/**
 * Energy the rack gives from now to empty, and from full to empty, in kWh: each cell's OCV integrated over the
 * SOC it would travel while the rack delivers `discharge_Ah` (it stops when its emptiest cell is empty), less
 * the resistive loss at a steady `current_A` (all three resistances of the equivalent circuit).
 */
export function rackEnergy_kWh(
  soc: Float64Array,
  capacity_Ah: Float64Array,
  r0_mOhm: Float64Array,
  r1_mOhm: Float64Array,
  r2_mOhm: Float64Array,
  discharge_Ah: number,
  charge_Ah: number,
  current_A: number,
): { remaining_kWh: number; full_kWh: number } {
  let remaining_Wh = 0;
  let full_Wh = 0;
  const total_Ah = discharge_Ah + charge_Ah;
  for (let i = 0; i < soc.length; i++) {
    const c = capacity_Ah[i];
    const s = soc[i];
    const low = s - discharge_Ah / c;
    // A · mΩ = mV; / 1000 = V: the Wh lost per Ah delivered.
    const lossPerAh_Wh = (current_A * (r0_mOhm[i] + r1_mOhm[i] + r2_mOhm[i])) / 1000;
    remaining_Wh += c * lfpEnergyBetween_Wh_per_Ah(low, s) - lossPerAh_Wh * discharge_Ah;
    full_Wh += c * lfpEnergyBetween_Wh_per_Ah(low, s + charge_Ah / c) - lossPerAh_Wh * total_Ah;
  }
  return { remaining_kWh: Math.max(0, remaining_Wh / 1000), full_kWh: Math.max(0, full_Wh / 1000) };
}

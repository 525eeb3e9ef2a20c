import { lfpEnergyToSoc_Wh_per_Ah } from "./lfp-ocv.ts";

/**
 * True SOC of a series string: Qdis / (Qdis + Qchg), with Qdis = min_i(soc_i·C_i) the charge the string can
 * still deliver and Qchg = min_i((1 − soc_i)·C_i) the charge it can still take. It is 1 exactly when the first
 * cell is full and 0 exactly when the first cell is empty.
 */
export function seriesStringSoc(soc: ArrayLike<number>, capacity_Ah: ArrayLike<number>): number {
  const { deliverable_Ah, chargeable_Ah } = seriesStringCharge_Ah(soc, capacity_Ah);
  const total = deliverable_Ah + chargeable_Ah;
  return total > 0 ? deliverable_Ah / total : 0;
}

/** Qdis and Qchg of `seriesStringSoc`, in Ah (never negative). */
export function seriesStringCharge_Ah(
  soc: ArrayLike<number>,
  capacity_Ah: ArrayLike<number>,
): { deliverable_Ah: number; chargeable_Ah: number } {
  let deliverable = Infinity;
  let chargeable = Infinity;
  for (let i = 0; i < soc.length; i++) {
    const s = Math.min(1, Math.max(0, soc[i]));
    deliverable = Math.min(deliverable, s * capacity_Ah[i]);
    chargeable = Math.min(chargeable, (1 - s) * capacity_Ah[i]);
  }
  if (soc.length === 0) return { deliverable_Ah: 0, chargeable_Ah: 0 };
  return { deliverable_Ah: deliverable, chargeable_Ah: chargeable };
}

/** Energy stored in all cells above their own 0 % (discharge-branch OCV, 25 °C), Wh. */
export function storedEnergy_Wh(soc: ArrayLike<number>, capacity_Ah: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < soc.length; i++) sum += capacity_Ah[i] * lfpEnergyToSoc_Wh_per_Ah(soc[i]);
  return sum;
}

/**
 * Energy the string could deliver from now until its first cell is empty (at open-circuit voltage, i.e. at a
 * vanishing current: losses in R0 and the RC pairs are not subtracted), Wh.
 */
export function deliverableEnergy_Wh(soc: ArrayLike<number>, capacity_Ah: ArrayLike<number>): number {
  const { deliverable_Ah } = seriesStringCharge_Ah(soc, capacity_Ah);
  let sum = 0;
  for (let i = 0; i < soc.length; i++) {
    const c = capacity_Ah[i];
    const s = Math.min(1, Math.max(0, soc[i]));
    sum += c * (lfpEnergyToSoc_Wh_per_Ah(s) - lfpEnergyToSoc_Wh_per_Ah(s - deliverable_Ah / c));
  }
  return sum;
}

/**
 * Where between the OCV branches the cells sit: +1 after charging, −1 after discharging. LFP keeps the branch it
 * came from while resting, so the state moves only with charge throughput: a full swing after
 * `throughput_pct` of SOC in one direction (first-order, as in the usual one-state hysteresis model).
 *
 * @param removedFraction SOC removed over the interval (fraction of capacity, + = discharge).
 */
export function updateHysteresis(h: number, removedFraction: number, throughput_pct: number): number {
  const k = Math.min(1, Math.abs(removedFraction) / (throughput_pct / 100));
  const target = removedFraction > 0 ? -1 : 1;
  return removedFraction === 0 ? h : h + (target - h) * k;
}

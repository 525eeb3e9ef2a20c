/**
 * The rack's SOC from its cells, and the published SOC that follows it without jumping.
 *
 * Cells in series share one current, so the rack can give until its emptiest cell (in Ah) is empty and take
 * until its fullest one is full: Qdis = min(soc·C), Qchg = min((1 − soc)·C), and the rack SOC is
 * Qdis / (Qdis + Qchg). This blends by itself toward the highest cell near full and the lowest near empty, and
 * is exactly 100 % when a cell can take no more and 0 % when a cell can give no more.
 */
export interface RackCharge {
  /** Charge the rack can still give / take, Ah. */
  readonly discharge_Ah: number;
  readonly charge_Ah: number;
  /** Qdis / (Qdis + Qchg), fraction. */
  readonly soc: number;
}

export function rackCharge(cellSoc: Float64Array, cellCapacity_Ah: Float64Array): RackCharge {
  let dis = Infinity;
  let chg = Infinity;
  for (let i = 0; i < cellSoc.length; i++) {
    const s = cellSoc[i];
    const c = cellCapacity_Ah[i];
    const d = s * c;
    const q = (1 - s) * c;
    if (d < dis) dis = d;
    if (q < chg) chg = q;
  }
  dis = Math.max(0, dis);
  chg = Math.max(0, chg);
  const total = dis + chg;
  return { discharge_Ah: dis, charge_Ah: chg, soc: total > 0 ? dis / total : 0 };
}

export interface PublishedSocLimits {
  /** Published SOC may move this many times faster than the current explains. */
  readonly rateFactor: number;
  /** Plus this at any current (%/min), so a correction made at rest still arrives. */
  readonly restRate_pct_per_min: number;
  /** |current| below this has no direction (rest: sensor offset and noise). */
  readonly deadband_A: number;
}

/**
 * Moves the published SOC toward `target` (fractions), by at most what the current explains times the factor
 * plus the rest rate, and never against the current: while charging it does not fall, while discharging it
 * does not rise (an integrator would be confused by a SOC that goes the wrong way).
 *
 * @param current_A + = discharge; 0 when unknown.
 */
export function stepPublishedSoc(
  published: number,
  target: number,
  current_A: number,
  capacity_Ah: number,
  dtMs: number,
  limits: PublishedSocLimits,
): number {
  const hours = dtMs / 3_600_000;
  const coulomb = (Math.abs(current_A) * hours) / capacity_Ah;
  const maxStep = limits.rateFactor * coulomb + (limits.restRate_pct_per_min / 100) * (dtMs / 60_000);
  let step = Math.max(-maxStep, Math.min(maxStep, target - published));
  if (current_A <= -limits.deadband_A && step < 0) step = 0;
  if (current_A >= limits.deadband_A && step > 0) step = 0;
  return Math.max(0, Math.min(1, published + step));
}

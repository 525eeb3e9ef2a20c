import { lfpMeanOcv_mV } from "./lfp-ocv.ts";

/**
 * State of power from the cell equivalent circuit (OCV + R0 + two RC pairs): for a horizon t, the constant
 * current at which the most-limited cell reaches its voltage limit at t. Per cell i:
 *
 *   V(t) = E − s·I·t/C − I·R0 − V1·e1 − I·R1·(1 − e1) − V2·e2 − I·R2·(1 − e2),   ek = exp(−t/τk)
 *
 * with E the cell's present OCV (its voltage with the ohmic drop and the tracked polarisation V1, V2 added
 * back) and s the OCV slope over the SOC the horizon would use, from where E sits on the OCV curve. Both come
 * from the measurement, not from the SOC estimate, so a wrong SOC can neither make the limit unsafe nor starve
 * the rack; the ends of LFP are steep, so the limit falls there by itself.
 * Solving V(t) = limit for I is linear. Sign: + = discharge; both limits are returned as magnitudes ≥ 0.
 */
export interface SopCells {
  /** Present OCV per cell from the measurement, mV. */
  readonly ocv_mV: Float64Array;
  /** Polarisation voltages (+ under discharge), mV. */
  readonly v1_mV: Float64Array;
  readonly v2_mV: Float64Array;
  /** Where each cell's OCV sits on the curve (SOC read from `ocv_mV`), fraction. */
  readonly socAtOcv: Float64Array;
  readonly capacity_Ah: Float64Array;
  /** Resistances at the cells' present temperature, mΩ. */
  readonly r0_mOhm: Float64Array;
  readonly r1_mOhm: Float64Array;
  readonly r2_mOhm: Float64Array;
}

export interface EcmLimit {
  /** Highest current (A, ≥ 0) for which no cell passes its limit within the horizon. */
  current_A: number;
  /** Pack voltage at the end of the horizon at that current, V. */
  packVoltage_V: number;
  /** Index of the cell that sets the limit. */
  limitingCell: number;
}

export interface EcmHorizon {
  readonly horizon_s: number;
  /**
   * The largest current asked about: the OCV slope is taken over the SOC this current would use in the
   * horizon, a conservative secant near the ends.
   */
  readonly ratedCurrent_A: number;
}

/** The limit for one horizon (see `ecmLimits` for the rack's three in one pass over the cells). */
export function ecmLimit(
  cells: SopCells,
  direction: "charge" | "discharge",
  horizon_s: number,
  tau1_s: number,
  tau2_s: number,
  voltageLimit_mV: number,
  ratedCurrent_A: number,
): EcmLimit {
  const out: EcmLimits = [newEcmLimit(), newEcmLimit(), newEcmLimit()];
  const one = { horizon_s, ratedCurrent_A };
  const horizons: EcmHorizons = [one, one, one];
  const spans = horizonSpans_Ah(horizons);
  const n = cells.ocv_mV.length;
  const slopes = createOcvSlopes(n);
  for (let i = 0; i < n; i++) {
    const soc = cells.socAtOcv[i];
    const invCapacity = 1 / cells.capacity_Ah[i];
    const ocvAtSoc = lfpMeanOcv_mV(soc);
    fillOcvSlopes(slopes, i, soc, ocvAtSoc, spans.long_Ah * invCapacity, spans.short_Ah * invCapacity, direction);
  }
  ecmLimits(cells, direction, horizons, tau1_s, tau2_s, voltageLimit_mV, out, slopes);
  return out[0];
}

/**
 * The charge each horizon's rated current moves, Ah: the first horizon's (`long_Ah`) and the larger of the two
 * short ones' (`short_Ah`); the OCV secants are taken over these (divided by each cell's capacity).
 */
export function horizonSpans_Ah(horizons: EcmHorizons): { long_Ah: number; short_Ah: number } {
  const [h0, h1, h2] = horizons;
  return {
    long_Ah: (h0.ratedCurrent_A * h0.horizon_s) / 3600,
    short_Ah: Math.max(h1.ratedCurrent_A * h1.horizon_s, h2.ratedCurrent_A * h2.horizon_s) / 3600,
  };
}

/** The rack's three horizons: the continuous one first, then two short ones (60 s and 10 s). */
export type EcmHorizons = readonly [EcmHorizon, EcmHorizon, EcmHorizon];
export type EcmLimits = [EcmLimit, EcmLimit, EcmLimit];

export function newEcmLimit(): EcmLimit {
  return { current_A: 0, packVoltage_V: 0, limitingCell: -1 };
}

/**
 * The limits for the three horizons in one pass over the cells (240 cells × 3 horizons × 2 directions every
 * cycle, so the pass is written out per horizon: a loop over horizons inside the loop over cells costs twice as
 * much). Results go to `out[k]` for `horizons[k]`. The first horizon gets its own OCV secant; the other two share
 * one over the larger SOC span of the two (they are short: the span is under 1 %, where the secant hardly
 * depends on its length).
 */
export function ecmLimits(
  cells: SopCells,
  direction: "charge" | "discharge",
  horizons: EcmHorizons,
  tau1_s: number,
  tau2_s: number,
  voltageLimit_mV: number,
  out: EcmLimits,
  slopes: OcvSlopes,
): void {
  const sign = direction === "discharge" ? 1 : -1;
  const [h0, h1, h2] = horizons;
  const e10 = Math.exp(-h0.horizon_s / tau1_s);
  const e11 = Math.exp(-h1.horizon_s / tau1_s);
  const e12 = Math.exp(-h2.horizon_s / tau1_s);
  const e20 = Math.exp(-h0.horizon_s / tau2_s);
  const e21 = Math.exp(-h1.horizon_s / tau2_s);
  const e22 = Math.exp(-h2.horizon_s / tau2_s);
  const hours0 = h0.horizon_s / 3600;
  const hours1 = h1.horizon_s / 3600;
  const hours2 = h2.horizon_s / 3600;
  const halfRated = h0.ratedCurrent_A / 2;
  let best0 = Infinity;
  let best1 = Infinity;
  let best2 = Infinity;
  let cell0 = -1;
  let cell1 = -1;
  let cell2 = -1;
  let sumBase0 = 0;
  let sumBase1 = 0;
  let sumBase2 = 0;
  let sumR0 = 0;
  let sumR1 = 0;
  let sumR2 = 0;
  const { ocv_mV, v1_mV, v2_mV, capacity_Ah, r0_mOhm, r1_mOhm, r2_mOhm } = cells;
  const n = ocv_mV.length;
  for (let i = 0; i < n; i++) {
    const ocv = ocv_mV[i];
    const v1 = v1_mV[i];
    const v2 = v2_mV[i];
    const invCapacity = 1 / capacity_Ah[i];
    const r0 = r0_mOhm[i];
    const r1 = r1_mOhm[i];
    const r2 = r2_mOhm[i];
    const longSlope = slopes.long_mV[i];
    const shortSlope = slopes.short_mV[i];
    // Per horizon: the cell's open-circuit voltage at its end with the polarisation decayed (base), and the
    // resistance the current meets over it (ohmic + RC charged + OCV slope × SOC moved), mV and mΩ.
    const base0 = ocv - v1 * e10 - v2 * e20;
    const base1 = ocv - v1 * e11 - v2 * e21;
    const base2 = ocv - v1 * e12 - v2 * e22;
    const rh0 = r0 + r1 * (1 - e10) + r2 * (1 - e20) + longSlope * hours0 * invCapacity;
    const rh1 = r0 + r1 * (1 - e11) + r2 * (1 - e21) + shortSlope * hours1 * invCapacity;
    const rh2 = r0 + r1 * (1 - e12) + r2 * (1 - e22) + shortSlope * hours2 * invCapacity;
    sumBase0 += base0;
    sumBase1 += base1;
    sumBase2 += base2;
    sumR0 += rh0;
    sumR1 += rh1;
    sumR2 += rh2;
    const headroom0 = sign * (base0 - voltageLimit_mV);
    const headroom1 = sign * (base1 - voltageLimit_mV);
    const headroom2 = sign * (base2 - voltageLimit_mV);
    // Most cells do not set the limit: headroom/rh is compared with the best so far without dividing (rh > 0).
    if (headroom0 < best0 * rh0) {
      let current = headroom0 > 0 ? headroom0 / rh0 : 0;
      // The secant over the rated span is safe but, near an end, far too steep for a smaller current: level l's
      // secant (span/2^l) is exact for currents up to rated/2^l, so any limit it gives up to that is safe too.
      let levelCap = halfRated;
      for (let level = 1; level <= SECANT_LEVELS && current < levelCap && headroom0 > 0; level++) {
        const fineSlope = slopes.longFine_mV[i * SECANT_LEVELS + level - 1];
        const rhFine = rh0 + (fineSlope - longSlope) * hours0 * invCapacity;
        current = Math.max(current, Math.min(headroom0 / rhFine, levelCap));
        levelCap /= 2;
      }
      if (current < best0) {
        best0 = current;
        cell0 = i;
      }
    }
    if (headroom1 < best1 * rh1) {
      best1 = headroom1 > 0 ? headroom1 / rh1 : 0;
      cell1 = i;
    }
    if (headroom2 < best2 * rh2) {
      best2 = headroom2 > 0 ? headroom2 / rh2 : 0;
      cell2 = i;
    }
  }
  // A NaN in any cell's inputs shows in the sums (the comparisons above would skip that cell): no limit then.
  if (!Number.isFinite(sumBase0 + sumBase1 + sumBase2 + sumR0 + sumR1 + sumR2)) cell0 = cell1 = cell2 = -1;
  // mV − A·mΩ = mV.
  setLimit(out[0], best0, cell0, (sumBase0 - sign * best0 * sumR0) / 1000);
  setLimit(out[1], best1, cell1, (sumBase1 - sign * best1 * sumR1) / 1000);
  setLimit(out[2], best2, cell2, (sumBase2 - sign * best2 * sumR2) / 1000);
}

function setLimit(o: EcmLimit, best_A: number, cell: number, packVoltage_V: number): void {
  o.current_A = cell < 0 ? 0 : best_A;
  o.packVoltage_V = cell < 0 ? 0 : packVoltage_V;
  o.limitingCell = cell;
}

/**
 * Finer spans of the first horizon: level l (1..SECANT_LEVELS) is the secant over span/2^l, exact for currents up
 * to rated/2^l. Near an end of the curve the secant over the rated span is far too steep for the small current a
 * nearly empty (or full) rack can still take; each level gives a limit that is safe up to its own current.
 */
export const SECANT_LEVELS = 4;

/**
 * OCV secants per cell, precomputed by the caller (`fillOcvSlopes`), mV per unit SOC: over the first horizon's span
 * (`long_mV`), over its finer spans (`longFine_mV[i * SECANT_LEVELS + l - 1]` for level l) and over the short
 * horizons' largest span (`short_mV`).
 */
export interface OcvSlopes {
  readonly long_mV: Float64Array;
  readonly longFine_mV: Float64Array;
  readonly short_mV: Float64Array;
}

export function createOcvSlopes(cells: number): OcvSlopes {
  return {
    long_mV: new Float64Array(cells),
    longFine_mV: new Float64Array(cells * SECANT_LEVELS),
    short_mV: new Float64Array(cells),
  };
}

/** A span that ends beyond this SOC (toward full; 1 − this toward empty) reaches a steep end of the LFP curve. */
const FINE_SECANTS_FROM_END = 0.9;

/**
 * Cell i's secants for one direction, at `soc` on the curve (`ocvAtSoc_mV` = lfpMeanOcv_mV(soc)), over the SOC
 * spans (fractions) of the first horizon (`longSpan`) and of the short ones (`shortSpan`). The finer levels only
 * matter where the long span reaches a steep end; elsewhere the long secant serves every level (the bound then
 * equals level 0's: no gain, no risk) and the lookups are saved.
 */
export function fillOcvSlopes(
  slopes: OcvSlopes,
  i: number,
  soc: number,
  ocvAtSoc_mV: number,
  longSpan: number,
  shortSpan: number,
  direction: "charge" | "discharge",
): void {
  const longSlope = ocvSecant(soc, ocvAtSoc_mV, longSpan, direction);
  slopes.long_mV[i] = longSlope;
  slopes.short_mV[i] = ocvSecant(soc, ocvAtSoc_mV, shortSpan, direction);
  const k0 = i * SECANT_LEVELS;
  const reachesEnd =
    direction === "charge" ? soc + longSpan > FINE_SECANTS_FROM_END : soc - longSpan < 1 - FINE_SECANTS_FROM_END;
  if (!reachesEnd) {
    slopes.longFine_mV.fill(longSlope, k0, k0 + SECANT_LEVELS);
    return;
  }
  for (let l = 0, span = longSpan / 2; l < SECANT_LEVELS; l++, span /= 2) {
    slopes.longFine_mV[k0 + l] = ocvSecant(soc, ocvAtSoc_mV, span, direction);
  }
}

/**
 * |OCV(soc) − OCV(soc ∓ span)| / span on the mean curve, with `ocvAtSoc_mV` = lfpMeanOcv_mV(soc) looked up once
 * for several spans: the slope a current moving the SOC by `span` toward the end of `direction` meets (the span
 * shortened where it would leave 0..1).
 */
function ocvSecant(soc: number, ocvAtSoc_mV: number, span: number, direction: "charge" | "discharge"): number {
  return secant(soc, ocvAtSoc_mV, Math.max(0.002, span), direction === "discharge" ? 1 : -1);
}

function secant(soc: number, ocvHere: number, span: number, sign: number): number {
  const target = soc - sign * span;
  const far = target < 0 ? 0 : target > 1 ? 1 : target;
  const moved = soc > far ? soc - far : far - soc;
  if (moved < 1e-6) return 0;
  const d = ocvHere - lfpMeanOcv_mV(far);
  return (d < 0 ? -d : d) / moved;
}

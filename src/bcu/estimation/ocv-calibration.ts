import type { EstimationConfig } from "./config.ts";
import { lfpOcvSlope_mV_per_pct, lfpSocFromOcv } from "./lfp-ocv.ts";

/** What one OCV reading says about a cell's SOC: a value and its σ (both fractions of capacity). */
export interface OcvReading {
  readonly soc: number;
  readonly sigma: number;
}

/** Slope floor: the flattest LFP plateau still moves about 0.1 mV per %; below that the table is noise. */
const MIN_SLOPE_mV_per_pct = 0.1;
/** An OCV reading is never trusted beyond this (the table is not the cell). */
const MIN_SIGMA = 0.003;

/**
 * σ of a cell voltage against the OCV table, mV: the configured table-and-relaxation σ, more in the cold, plus
 * the part of the hysteresis the branch state `h` leaves open (|h| = 1: the branch is known; 0: it is not).
 */
export function ocvVoltageSigma_mV(
  temperature_degC: number,
  h: number,
  halfHysteresis_mV: number,
  config: EstimationConfig,
): number {
  const cold = Math.max(0, 25 - temperature_degC) * config.ocvUncertaintyPerKelvinBelow25_mV;
  const branch = (1 - Math.abs(h)) * halfHysteresis_mV;
  return Math.hypot(config.ocvUncertainty_mV + cold, branch);
}

/**
 * Reads a cell's SOC from its OCV. σ = σV / slope at that point: on the LFP plateau (≈0.2 mV/%) a reading says
 * almost nothing (σ of tens of %), at the steep ends (tens of mV/%) it pins the SOC within a fraction of 1 %.
 */
export function readOcv(ocv_mV: number, temperature_degC: number, h: number, sigma_mV: number): OcvReading {
  const soc = lfpSocFromOcv(ocv_mV, temperature_degC, h);
  const slope = Math.max(MIN_SLOPE_mV_per_pct, lfpOcvSlope_mV_per_pct(soc));
  return { soc, sigma: Math.max(MIN_SIGMA, sigma_mV / slope / 100) };
}

/**
 * Fuses an OCV reading with the counted SOC (σ `sigma`), weighting each by its variance (a scalar Kalman
 * update). Returns the new SOC and σ in `out` (allocation-free: called for every cell of the rack).
 */
export function fuseOcvReading(
  soc: number,
  sigma: number,
  reading: OcvReading,
  out: { soc: number; sigma: number },
): void {
  const p = sigma * sigma;
  const r = reading.sigma * reading.sigma;
  const gain = p / (p + r);
  out.soc = soc + gain * (reading.soc - soc);
  out.sigma = Math.sqrt((1 - gain) * p);
}

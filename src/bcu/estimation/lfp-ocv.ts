/**
 * Open-circuit voltage of an LFP (LiFePO4 / graphite) cell against state of charge: the BCU's own table, from
 * published rested-OCV curves of large prismatic LFP storage cells (EVE LF280K class, CATL 280 Ah class) at
 * 25 °C, with the usual two plateaus (≈3.29 V and ≈3.33 V) and the steep ends. It is deliberately not the
 * simulator's table: the BCU must work with a table that is close to the cell, never identical to it.
 *
 * SOC is a fraction 0..1 here. 0 = the cell can give no more at the discharge cut-off, 1 = it can take no more
 * at the charge cut-off (the ends are what the end calibrations set, so the table's ends matter least).
 *
 * Hysteresis: after charging the rested voltage sits above the mean curve, after discharging below it, by
 * `HALF_HYSTERESIS_mV` (about 10 mV on the plateaus for LFP; less at the ends where the phases are single).
 * `h` in -1..1 says where between the branches the cell is (+1 = charge branch).
 */

const SOC_POINTS = [
  0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8,
  0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 1,
];
const OCV_25DEGC_mV = [
  2650, 2900, 3020, 3100, 3168, 3195, 3210, 3232, 3250, 3261, 3271, 3280, 3286, 3290, 3292, 3294, 3297, 3308, 3320,
  3327, 3330, 3332, 3334, 3340, 3350, 3362, 3395, 3480,
];
const HALF_HYSTERESIS_mV = [
  0, 2, 4, 6, 8, 9, 10, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 10, 10, 10, 10, 10, 8, 6, 4, 2, 0,
];
/** Entropic temperature coefficient, mV/K (small for LFP: under 0.2 mV/K except near the ends). */
const TEMPERATURE_COEFFICIENT_mV_per_K = [
  -0.6, -0.5, -0.4, -0.3, -0.2, -0.15, -0.1, -0.05, 0, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.02, 0, 0, 0, 0, 0, 0,
  0, -0.05, -0.1, -0.2, -0.3,
];

/** Grid step of the precomputed tables: 0.1 % SOC. */
const GRID_STEPS = 1000;
const REFERENCE_DEGC = 25;

function interpolateTable(values: readonly number[], soc: number): number {
  if (soc <= 0) return values[0];
  if (soc >= 1) return values[values.length - 1];
  let k = 1;
  while (SOC_POINTS[k] < soc) k++;
  const f = (soc - SOC_POINTS[k - 1]) / (SOC_POINTS[k] - SOC_POINTS[k - 1]);
  return values[k - 1] + f * (values[k] - values[k - 1]);
}

/** Precomputed on a uniform grid so a lookup is one multiply and one interpolation (240 cells every cycle). */
const gridOcv_mV = new Float64Array(GRID_STEPS + 1);
const gridHalfHysteresis_mV = new Float64Array(GRID_STEPS + 1);
const gridTemperatureCoefficient = new Float64Array(GRID_STEPS + 1);
/** ∫₀^soc OCV d(soc), in V (× capacity in Ah gives Wh). */
const gridEnergy_V = new Float64Array(GRID_STEPS + 1);
for (let k = 0; k <= GRID_STEPS; k++) {
  const soc = k / GRID_STEPS;
  gridOcv_mV[k] = interpolateTable(OCV_25DEGC_mV, soc);
  gridHalfHysteresis_mV[k] = interpolateTable(HALF_HYSTERESIS_mV, soc);
  gridTemperatureCoefficient[k] = interpolateTable(TEMPERATURE_COEFFICIENT_mV_per_K, soc);
  gridEnergy_V[k] = k === 0 ? 0 : gridEnergy_V[k - 1] + (gridOcv_mV[k - 1] + gridOcv_mV[k]) / 2000 / GRID_STEPS;
}

function gridLookup(grid: Float64Array, soc: number): number {
  if (!(soc > 0)) return grid[0];
  if (soc >= 1) return grid[GRID_STEPS];
  const x = soc * GRID_STEPS;
  const k = Math.floor(x);
  return grid[k] + (x - k) * (grid[k + 1] - grid[k]);
}

/** Rested OCV of a cell at `soc` (0..1), temperature and hysteresis state `h` (-1 discharge .. +1 charge branch). */
export function lfpOcv_mV(soc: number, temperature_degC: number, h: number): number {
  return (
    gridLookup(gridOcv_mV, soc) +
    h * gridLookup(gridHalfHysteresis_mV, soc) +
    (temperature_degC - REFERENCE_DEGC) * gridLookup(gridTemperatureCoefficient, soc)
  );
}

/**
 * Slope dOCV/dSOC in mV per 1 % SOC at `soc`, over a ±0.5 % window (the plateaus give about 0.1–0.5 mV/%,
 * the ends tens of mV/%). This is what an OCV reading can say: an SOC uncertainty of σV / slope.
 */
export function lfpOcvSlope_mV_per_pct(soc: number): number {
  const lo = Math.max(0, soc - 0.005);
  const hi = Math.min(1, soc + 0.005);
  return (gridLookup(gridOcv_mV, hi) - gridLookup(gridOcv_mV, lo)) / ((hi - lo) * 100);
}

/**
 * SOC (0..1) whose OCV is `ocv_mV` at that temperature and hysteresis state; clamped to 0..1 outside the table.
 * The curve is monotonic, so a bisection on the grid is exact to the grid step.
 */
export function lfpSocFromOcv(ocv_mV: number, temperature_degC: number, h: number): number {
  if (ocv_mV <= lfpOcv_mV(0, temperature_degC, h)) return 0;
  if (ocv_mV >= lfpOcv_mV(1, temperature_degC, h)) return 1;
  let lo = 0;
  let hi = GRID_STEPS;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (lfpOcv_mV(mid / GRID_STEPS, temperature_degC, h) < ocv_mV) lo = mid;
    else hi = mid;
  }
  const vLo = lfpOcv_mV(lo / GRID_STEPS, temperature_degC, h);
  const vHi = lfpOcv_mV(hi / GRID_STEPS, temperature_degC, h);
  const f = vHi > vLo ? (ocv_mV - vLo) / (vHi - vLo) : 0;
  return (lo + f) / GRID_STEPS;
}

/** Energy a cell of 1 Ah gives on its mean OCV curve from `socHigh` down to `socLow`, in Wh (no losses). */
export function lfpEnergyBetween_Wh_per_Ah(socLow: number, socHigh: number): number {
  return gridLookup(gridEnergy_V, socHigh) - gridLookup(gridEnergy_V, socLow);
}

/** Half the distance between the charge and discharge OCV branches at `soc`, mV. */
export function lfpHalfHysteresis_mV(soc: number): number {
  return gridLookup(gridHalfHysteresis_mV, soc);
}

/** Inverse table on a uniform voltage grid (mean branch, 25 °C) for the per-cell, per-cycle lookups of SOP. */
const INVERSE_MIN_mV = 2400;
const INVERSE_STEP_mV = 0.5;
const INVERSE_STEPS = 2800;
const gridInverseSoc = new Float64Array(INVERSE_STEPS + 1);
for (let k = 0; k <= INVERSE_STEPS; k++) {
  gridInverseSoc[k] = lfpSocFromOcv(INVERSE_MIN_mV + k * INVERSE_STEP_mV, REFERENCE_DEGC, 0);
}

/**
 * Fast SOC from OCV on the mean curve at 25 °C (one lookup; `lfpSocFromOcv` is the exact one). Good where the
 * curve is steep; on the plateau any SOC it returns has the same (flat) slope, which is all SOP asks of it.
 */
export function lfpSocFromOcvFast(ocv_mV: number): number {
  const x = (ocv_mV - INVERSE_MIN_mV) / INVERSE_STEP_mV;
  if (!(x > 0)) return 0;
  if (x >= INVERSE_STEPS) return 1;
  const k = Math.floor(x);
  return gridInverseSoc[k] + (x - k) * (gridInverseSoc[k + 1] - gridInverseSoc[k]);
}

/** Mean-branch OCV at 25 °C, mV: the one lookup SOP needs for OCV differences (hysteresis and temperature cancel). */
export function lfpMeanOcv_mV(soc: number): number {
  return gridLookup(gridOcv_mV, soc);
}

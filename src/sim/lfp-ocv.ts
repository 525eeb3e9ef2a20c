/**
 * Open-circuit voltage of an LFP/graphite cell (e.g. EVE LF280K or CATL 280 Ah) as a function of SOC, of the
 * hysteresis state and of temperature.
 *
 * Where the numbers come from (see docs/simulator.md, "Sources"):
 * - shape: the two graphite-stage plateaus of LFP/graphite, ~3.26–3.29 V below ~60 % SOC and ~3.32–3.34 V
 *   above ~70 %, a steep knee below ~10 % and above ~97 %; rested values of ~3.40 V at 100 %, ~3.29 V at 50 %
 *   and ~3.22–3.25 V at 20 % as published for LiFePO4 cells, 2.5 V at 0 % (the datasheet discharge cut-off).
 * - hysteresis: the charge branch lies above the discharge branch by 5–25 mV on the plateaus even after long
 *   rests (ACCURE, "Battery hysteresis effect"); we use ~15–20 mV on the plateaus, less at the ends.
 * - temperature: the entropic coefficient dU/dT of LFP/graphite is a fraction of a mV/K and changes sign over
 *   SOC (Forgez et al., J. Power Sources 195 (2010) 2961); we use a coarse table of that order.
 *
 * The curve is precomputed on a uniform 0.1 % grid so a lookup is one multiply and one linear interpolation.
 */

/** Breakpoints, SOC 0..1. */
const SOC_POINTS = [
  0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99, 1,
];
/** Rested OCV after discharging to this SOC, V at 25 °C. */
const DISCHARGE_BRANCH_V = [
  2.5, 2.85, 3.0, 3.08, 3.15, 3.19, 3.205, 3.225, 3.245, 3.265, 3.278, 3.285, 3.29, 3.3, 3.318, 3.322, 3.326, 3.332,
  3.34, 3.37, 3.4,
];
/** Rested OCV after charging to this SOC, V at 25 °C. */
const CHARGE_BRANCH_V = [
  2.6, 2.95, 3.08, 3.14, 3.19, 3.215, 3.23, 3.25, 3.265, 3.285, 3.298, 3.303, 3.31, 3.322, 3.334, 3.337, 3.34, 3.345,
  3.355, 3.385, 3.42,
];
/** Entropic coefficient dU/dT, mV/K. */
const ENTROPIC_SOC = [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1];
const ENTROPIC_mV_PER_K = [0.3, 0.1, -0.05, -0.08, -0.05, -0.1, -0.2];

/** Slope used outside 0..1 (over-charge / over-discharge): the voltage keeps running away, V per unit SOC. */
const SLOPE_BELOW_EMPTY_V = 20;
const SLOPE_ABOVE_FULL_V = 8;

export const OCV_REFERENCE_TEMPERATURE_degC = 25;

const GRID_STEPS = 1000;

function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]) return ys[i - 1] + ((ys[i] - ys[i - 1]) * (x - xs[i - 1])) / (xs[i] - xs[i - 1]);
  }
  return ys[ys.length - 1];
}

function tabulate(f: (soc: number) => number): Float64Array {
  const table = new Float64Array(GRID_STEPS + 2);
  for (let i = 0; i <= GRID_STEPS + 1; i++) table[i] = f(Math.min(i, GRID_STEPS) / GRID_STEPS);
  return table;
}

/** Midpoint between the branches, half the gap between them, and dU/dT in V/K, on the uniform grid. */
const MID_V = tabulate(
  (s) => (interpolate(SOC_POINTS, DISCHARGE_BRANCH_V, s) + interpolate(SOC_POINTS, CHARGE_BRANCH_V, s)) / 2,
);
const HALF_GAP_V = tabulate(
  (s) => (interpolate(SOC_POINTS, CHARGE_BRANCH_V, s) - interpolate(SOC_POINTS, DISCHARGE_BRANCH_V, s)) / 2,
);
const ENTROPIC_V_PER_K = tabulate((s) => interpolate(ENTROPIC_SOC, ENTROPIC_mV_PER_K, s) / 1000);

/**
 * OCV in V. `hysteresis` is the state h in [-1, 1]: -1 = on the discharge branch, +1 = on the charge branch.
 * Outside 0..1 the curve is extended linearly and steeply (a cell driven past full or empty).
 */
export function lfpOcv_V(soc: number, hysteresis: number, temperature_degC: number): number {
  let extension = 0;
  let s = soc;
  if (s < 0) {
    extension = s * SLOPE_BELOW_EMPTY_V;
    s = 0;
  } else if (s > 1) {
    extension = (s - 1) * SLOPE_ABOVE_FULL_V;
    s = 1;
  }
  const x = s * GRID_STEPS;
  const i = x | 0;
  const f = x - i;
  const mid = MID_V[i] + (MID_V[i + 1] - MID_V[i]) * f;
  const half = HALF_GAP_V[i] + (HALF_GAP_V[i + 1] - HALF_GAP_V[i]) * f;
  const dUdT = ENTROPIC_V_PER_K[i] + (ENTROPIC_V_PER_K[i + 1] - ENTROPIC_V_PER_K[i]) * f;
  return mid + hysteresis * half + dUdT * (temperature_degC - OCV_REFERENCE_TEMPERATURE_degC) + extension;
}

/** Discharge-branch OCV at 25 °C (the branch a cell follows while it delivers energy). */
export function lfpDischargeOcv_V(soc: number): number {
  return lfpOcv_V(soc, -1, OCV_REFERENCE_TEMPERATURE_degC);
}

/** ∫₀^soc of the discharge-branch OCV dSOC, in V (× capacity in Ah = Wh), tabulated for the energy truth. */
const ENERGY_INTEGRAL_V = (() => {
  const table = new Float64Array(GRID_STEPS + 2);
  for (let i = 1; i <= GRID_STEPS + 1; i++) {
    const a = lfpDischargeOcv_V((i - 1) / GRID_STEPS);
    const b = lfpDischargeOcv_V(Math.min(i, GRID_STEPS) / GRID_STEPS);
    table[i] = table[i - 1] + (i <= GRID_STEPS ? ((a + b) / 2) * (1 / GRID_STEPS) : 0);
  }
  return table;
})();

/** Energy a cell of 1 Ah holds between SOC 0 and `soc` on the discharge branch at 25 °C, Wh per Ah. */
export function lfpEnergyToSoc_Wh_per_Ah(soc: number): number {
  const s = Math.min(1, Math.max(0, soc));
  const x = s * GRID_STEPS;
  const i = x | 0;
  return ENERGY_INTEGRAL_V[i] + (ENERGY_INTEGRAL_V[i + 1] - ENERGY_INTEGRAL_V[i]) * (x - i);
}

/** The breakpoints, for tests and docs. */
export const LFP_OCV_TABLE = {
  soc: SOC_POINTS,
  discharge_V: DISCHARGE_BRANCH_V,
  charge_V: CHARGE_BRANCH_V,
} as const;

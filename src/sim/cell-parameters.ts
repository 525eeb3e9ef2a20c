/**
 * Equivalent-circuit parameters of one 280 Ah LFP cell: R0 in series with two RC pairs, all scaled with SOC and
 * temperature. Sources (docs/simulator.md, "Sources"):
 * - R0: 280 Ah LFP cells (EVE LF280K class) are specified at ≤ 0.25 mΩ AC 1 kHz; the DC ohmic part is
 *   somewhat higher, we take 0.30 mΩ at 25 °C and mid SOC. The RC pairs (charge transfer, tens of seconds;
 *   diffusion, several minutes) add ~0.5 mΩ so that the DC resistance is ~0.8 mΩ, in line with the 1–2 × AC
 *   value users report for these cells and with generalized LFP ECMs in which the resistance scales with
 *   1/capacity (Torregrosa et al., Energy 284 (2023) 129316).
 * - SOC dependence: resistance rises steeply below ~10 % and above ~95 % SOC (SOC-dependent prismatic LFP
 *   models, e.g. Abo-Elyousr et al., EPE 4 (2012) 447).
 * - Temperature: Arrhenius-like (Torregrosa et al. 2023); Ea = 24 kJ/mol doubles the resistance from 25 to 5 °C.
 * - Hysteresis: Plett's one-state model (J. Power Sources 134 (2004) 262): h moves exponentially towards the
 *   branch of the current's direction with charge throughput; 3 % of capacity per e-fold.
 * - Self-discharge: LFP cells lose about 3–4 % per year at room temperature (GWL, "What is the real
 *   self-discharge of the LFP cells?").
 */

export const CELL_R0_REFERENCE_ohm = 0.3e-3;
export const CELL_R1_REFERENCE_ohm = 0.2e-3;
export const CELL_R2_REFERENCE_ohm = 0.3e-3;
/** Time constants are kept fixed (C scales inversely with R), so one exp per step serves every cell. */
export const CELL_TAU1_s = 20;
export const CELL_TAU2_s = 400;

export const CELL_RESISTANCE_REFERENCE_degC = 25;
const ACTIVATION_ENERGY_J_PER_mol = 24_000;
const GAS_CONSTANT_J_PER_mol_K = 8.314;

/** Charge throughput, as a fraction of capacity, that moves the hysteresis state 1/e of the way to its branch. */
export const HYSTERESIS_THROUGHPUT_FRACTION = 0.03;

/** Mean self-discharge, fraction of capacity per year. */
export const SELF_DISCHARGE_PER_YEAR = 0.035;

const RESISTANCE_SOC = [0, 0.05, 0.1, 0.2, 0.3, 0.7, 0.9, 0.95, 0.98, 1];
const RESISTANCE_SOC_FACTOR = [3.0, 1.8, 1.3, 1.1, 1.0, 1.0, 1.05, 1.2, 1.6, 3.0];

const GRID_STEPS = 200;
const SOC_FACTOR_GRID = (() => {
  const table = new Float64Array(GRID_STEPS + 2);
  for (let g = 0; g <= GRID_STEPS + 1; g++) {
    const soc = Math.min(g, GRID_STEPS) / GRID_STEPS;
    let k = 1;
    while (k < RESISTANCE_SOC.length - 1 && soc > RESISTANCE_SOC[k]) k++;
    const x0 = RESISTANCE_SOC[k - 1];
    const x1 = RESISTANCE_SOC[k];
    table[g] =
      RESISTANCE_SOC_FACTOR[k - 1] +
      ((RESISTANCE_SOC_FACTOR[k] - RESISTANCE_SOC_FACTOR[k - 1]) * (soc - x0)) / (x1 - x0);
  }
  return table;
})();

/** Multiplier of R0, R1 and R2 for this SOC (1 on the plateau), clamped at the table ends. */
export function resistanceSocFactor(soc: number): number {
  const s = soc < 0 ? 0 : soc > 1 ? 1 : soc;
  const x = s * GRID_STEPS;
  const i = x | 0;
  return SOC_FACTOR_GRID[i] + (SOC_FACTOR_GRID[i + 1] - SOC_FACTOR_GRID[i]) * (x - i);
}

/** Multiplier of R0, R1 and R2 at this temperature (1 at 25 °C, > 1 when colder). */
export function resistanceTemperatureFactor(temperature_degC: number): number {
  const kelvin = temperature_degC + 273.15;
  const reference = CELL_RESISTANCE_REFERENCE_degC + 273.15;
  return Math.exp((ACTIVATION_ENERGY_J_PER_mol / GAS_CONSTANT_J_PER_mol_K) * (1 / kelvin - 1 / reference));
}

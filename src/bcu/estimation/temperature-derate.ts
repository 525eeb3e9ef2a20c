import type { TemperatureDerateRow } from "./config.ts";

/**
 * The datasheet's temperature table: the highest charge and discharge current (C) at a cell temperature,
 * interpolated linearly between rows; 0 outside the table (e.g. no charge below 0 °C when the 0 °C row says 0).
 */
export function temperatureLimit_C(
  table: readonly TemperatureDerateRow[],
  temperature_degC: number,
  direction: "charge" | "discharge",
): number {
  const n = table.length;
  if (n === 0 || !(temperature_degC >= table[0].temperature_degC) || temperature_degC > table[n - 1].temperature_degC) {
    return 0;
  }
  for (let k = 1; k < n; k++) {
    const hi = table[k];
    if (temperature_degC <= hi.temperature_degC) {
      const lo = table[k - 1];
      const span = hi.temperature_degC - lo.temperature_degC;
      const f = span > 0 ? (temperature_degC - lo.temperature_degC) / span : 1;
      return pick(lo, direction) + f * (pick(hi, direction) - pick(lo, direction));
    }
  }
  return pick(table[n - 1], direction);
}

function pick(row: TemperatureDerateRow, direction: "charge" | "discharge"): number {
  return direction === "charge" ? row.charge_C : row.discharge_C;
}

/**
 * The rack's limit is that of its worst cell. The table rises, holds, then falls with temperature, so over the
 * cells' range its lowest value is at the coldest or at the hottest sensor.
 */
export function rackTemperatureLimit_C(
  table: readonly TemperatureDerateRow[],
  minTemperature_degC: number,
  maxTemperature_degC: number,
  direction: "charge" | "discharge",
): number {
  return Math.min(
    temperatureLimit_C(table, minTemperature_degC, direction),
    temperatureLimit_C(table, maxTemperature_degC, direction),
  );
}

/**
 * SOC derate near the ends: full current until `start` (fraction of the fullest cell for charge), falling
 * linearly to `floor` (fraction of the limit) at the end. Never 0: the cells must still reach the voltage at
 * which the end calibration sets their SOC; the voltage limits, not this, stop them there.
 */
export function socDerateFactor(socTowardEnd: number, start: number, floor: number): number {
  if (socTowardEnd <= start) return 1;
  const f = (1 - socTowardEnd) / (1 - start);
  return Math.max(floor, Math.min(1, floor + (1 - floor) * f));
}

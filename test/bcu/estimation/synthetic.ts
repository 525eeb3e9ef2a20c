import type { RackMeasurements } from "../../../src/bcu/rack-measurements.ts";
import type { RackTopology } from "../../../src/bcu/rack-topology.ts";
import type { CellRatings } from "../../../src/bcu/estimation/types.ts";

/** A small rack for tests: 2 modules × 4 cells, 2 sensors each. */
export const TOPOLOGY: RackTopology = { bmuCount: 2, firstBmuNode: 1, cellsPerBmu: 4, temperatureSensorsPerBmu: 2 };
export const CELL: CellRatings = { capacity_Ah: 280, nominalVoltage_V: 3.2, maxVoltage_V: 3.65, minVoltage_V: 2.5 };

/**
 * RackMeasurements as `assessMeasurements` would give them, from plain numbers: NaN in `cellVoltage_mV` or
 * `temperature_degC` marks that value invalid.
 */
export function measurements(input: {
  timeMs: number;
  cellVoltage_mV: number[];
  temperature_degC?: number[];
  current_A: number | null;
  currentTimeMs?: number;
}): RackMeasurements {
  const cells = Float64Array.from(input.cellVoltage_mV);
  const cellValid = Uint8Array.from(input.cellVoltage_mV, (v) => (Number.isNaN(v) ? 0 : 1));
  const temps = Float64Array.from(input.temperature_degC ?? [25, 25, 25, 25]);
  const tempValid = Uint8Array.from(temps, (t) => (Number.isNaN(t) ? 0 : 1));
  const extreme = (values: Float64Array, valid: Uint8Array, pick: (a: number, b: number) => boolean) => {
    let index = -1;
    for (let i = 0; i < values.length; i++) {
      if (valid[i] === 1 && (index < 0 || pick(values[i], values[index]))) index = i;
    }
    return index < 0 ? null : { value: values[index], index };
  };
  const validCells = cellValid.reduce((a, b) => a + b, 0);
  const validTemps = tempValid.reduce((a, b) => a + b, 0);
  const sum = (values: Float64Array, valid: Uint8Array) => values.reduce((a, v, i) => a + (valid[i] ? v : 0), 0);
  return {
    timeMs: input.timeMs,
    cellVoltage_mV: cells,
    cellVoltageValid: cellValid,
    validCellCount: validCells,
    cellVoltageMin: extreme(cells, cellValid, (a, b) => a < b),
    cellVoltageMax: extreme(cells, cellValid, (a, b) => a > b),
    cellVoltageAverage_mV: validCells > 0 ? sum(cells, cellValid) / validCells : null,
    cellVoltageSum_V: validCells === cells.length ? sum(cells, cellValid) / 1000 : null,
    temperature_degC: temps,
    temperatureValid: tempValid,
    validTemperatureCount: validTemps,
    temperatureMin: extreme(temps, tempValid, (a, b) => a < b),
    temperatureMax: extreme(temps, tempValid, (a, b) => a > b),
    temperatureAverage_degC: validTemps > 0 ? sum(temps, tempValid) / validTemps : null,
    current_A: input.current_A,
    currentTimeMs: input.currentTimeMs ?? input.timeMs,
    packVoltage_V: null,
    linkVoltage_V: null,
    currentSensorTemperature_degC: null,
    currentSensorOk: input.current_A !== null,
    contactorFeedback: null,
    bmus: [],
    staleNodes: [],
  };
}

export function uniform(value: number, count = 8): number[] {
  return new Array<number>(count).fill(value);
}

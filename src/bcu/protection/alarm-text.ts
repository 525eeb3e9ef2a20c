import type { RackMeasurements } from "../rack-measurements.ts";
import { cellPosition, sensorPosition, type RackTopology } from "../rack-topology.ts";
import { ALARM_IDS, ALARM_INDEX } from "./alarm-ids.ts";
import type { InputTracking } from "./alarm-inputs.ts";

const I = ALARM_INDEX;

/** Factor from the table unit to the reported unit: the pack voltage is configured per series cell (mV), reported in V. */
export function reportScale(alarm: number, topology: RackTopology): number {
  return alarm === I.packOverVoltage || alarm === I.packUnderVoltage
    ? (topology.bmuCount * topology.cellsPerBmu) / 1000
    : 1;
}

const DECIMALS: Record<string, number> = { mV: 0, V: 1, degC: 0, K: 0, A: 1, "%": 1, ms: 0, flag: 0, "Ω/V": 0 };

/** "3712 mV", "866.4 V", "3 flag" → "set" for flags. */
export function formatValue(value: number, unit: string): string {
  if (unit === "flag") return value >= 1 ? "set" : "clear";
  const decimals = DECIMALS[unit] ?? 2;
  const shown = unit === "degC" ? "°C" : unit;
  return `${value.toFixed(decimals)} ${shown}`;
}

/** Where the worst value is, for messages: "module 3, cell 7". Empty when it has no place. */
export function locate(alarm: number, m: RackMeasurements, track: InputTracking, topology: RackTopology): string {
  const cell = (index: number): string => {
    const p = cellPosition(topology, index);
    return `module ${p.module}, cell ${p.cell}`;
  };
  const sensor = (index: number): string => {
    const p = sensorPosition(topology, index);
    return `module ${p.module}, sensor ${p.sensor}`;
  };
  const bmu = (index: number): string => `module ${index + 1}, BMU node ${topology.firstBmuNode + index}`;
  switch (alarm) {
    case I.cellOverVoltage:
      return m.cellVoltageMax === null ? "" : cell(m.cellVoltageMax.index);
    case I.cellUnderVoltage:
      return m.cellVoltageMin === null ? "" : cell(m.cellVoltageMin.index);
    case I.cellVoltageDifference:
      return m.cellVoltageMax === null || m.cellVoltageMin === null
        ? ""
        : `highest ${cell(m.cellVoltageMax.index)}, lowest ${cell(m.cellVoltageMin.index)}`;
    case I.chargeOverTemperature:
    case I.dischargeOverTemperature:
      return m.temperatureMax === null ? "" : sensor(m.temperatureMax.index);
    case I.chargeUnderTemperature:
    case I.dischargeUnderTemperature:
      return m.temperatureMin === null ? "" : sensor(m.temperatureMin.index);
    case I.temperatureDifference:
      return m.temperatureMax === null || m.temperatureMin === null
        ? ""
        : `hottest ${sensor(m.temperatureMax.index)}, coldest ${sensor(m.temperatureMin.index)}`;
    case I.bmuCommunicationLoss:
      return track.worstSilentBmu < 0 ? "" : bmu(track.worstSilentBmu);
    case I.cellSumImplausible:
      return track.worstCellSumBmu < 0 ? "" : bmu(track.worstCellSumBmu);
    default:
      return "";
  }
}

export function alarmTitle(alarm: number): string {
  return ALARM_IDS[alarm].title;
}

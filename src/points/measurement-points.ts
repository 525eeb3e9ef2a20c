import type { Snapshot } from "../bcu/snapshot.ts";
import type { PointDefinition } from "./point.ts";

const BCU_STATES = ["starting", "ready", "running", "fault"] as const;

function cellModule(s: Snapshot, index: number | undefined): number | null {
  return index === undefined ? null : Math.floor(index / s.topology.cellsPerBmu) + 1;
}
function cellInModule(s: Snapshot, index: number | undefined): number | null {
  return index === undefined ? null : (index % s.topology.cellsPerBmu) + 1;
}
function sensorModule(s: Snapshot, index: number | undefined): number | null {
  return index === undefined ? null : Math.floor(index / s.topology.temperatureSensorsPerBmu) + 1;
}
function sensorInModule(s: Snapshot, index: number | undefined): number | null {
  return index === undefined ? null : (index % s.topology.temperatureSensorsPerBmu) + 1;
}
const mV = (v: number | undefined): number | null => (v === undefined ? null : v / 1000);

/** Points of the BCU itself and of the live measurements. */
export const measurementPoints: readonly PointDefinition[] = [
  {
    id: "bcu.heartbeat",
    type: "integer",
    unit: "",
    min: 0,
    max: 65535,
    description: "Counter the BCU increments every cycle (wraps at 65536); a PCS that sees it stop must stop.",
    alwaysKnown: true,
    read: (s) => s.sequence % 65536,
  },
  {
    id: "bcu.heartbeatSeconds",
    type: "integer",
    unit: "",
    min: 0,
    max: 65535,
    description: "Seconds of BCU time (wraps at 65536): changes once per second, as SunSpec 802 Hb expects.",
    alwaysKnown: true,
    read: (s) => Math.floor(s.timeMs / 1000) % 65536,
  },
  {
    id: "bcu.state",
    type: "enum",
    unit: "",
    min: 0,
    max: BCU_STATES.length - 1,
    enumValues: Object.fromEntries(BCU_STATES.map((name, i) => [i, name])),
    description: "Operating state: 0 starting, 1 ready, 2 running, 3 fault.",
    read: (s) => BCU_STATES.indexOf(s.state),
  },
  {
    id: "pack.voltage",
    type: "float",
    unit: "V",
    min: 0,
    max: 1500,
    description: "Rack voltage on the battery side of the contactors (current sensor U1).",
    read: (s) => s.measurements.packVoltage_V,
  },
  {
    id: "pack.linkVoltage",
    type: "float",
    unit: "V",
    min: 0,
    max: 1500,
    description: "DC-link voltage on the PCS side of the contactors (current sensor U2).",
    read: (s) => s.measurements.linkVoltage_V,
  },
  {
    id: "pack.current",
    type: "float",
    unit: "A",
    min: -2000,
    max: 2000,
    description: "Rack current, positive = discharge.",
    read: (s) => s.measurements.current_A,
  },
  {
    id: "pack.power",
    type: "float",
    unit: "kW",
    min: -1500,
    max: 1500,
    description: "Rack power (pack voltage × current), positive = discharge.",
    read: (s) => {
      const { current_A, packVoltage_V } = s.measurements;
      return current_A === null || packVoltage_V === null ? null : (current_A * packVoltage_V) / 1000;
    },
  },
  {
    id: "pack.cellVoltageSum",
    type: "float",
    unit: "V",
    min: 0,
    max: 1500,
    description: "Sum of all cell voltages (unknown while any cell is stale or invalid).",
    read: (s) => s.measurements.cellVoltageSum_V,
  },
  {
    id: "cell.voltageMin",
    type: "float",
    unit: "V",
    min: 0,
    max: 5,
    description: "Lowest valid cell voltage.",
    read: (s) => mV(s.measurements.cellVoltageMin?.value),
  },
  {
    id: "cell.voltageMinModule",
    type: "integer",
    unit: "",
    min: 1,
    max: 32,
    description: "Module (1-based) of the lowest cell.",
    read: (s) => cellModule(s, s.measurements.cellVoltageMin?.index),
  },
  {
    id: "cell.voltageMinCell",
    type: "integer",
    unit: "",
    min: 1,
    max: 32,
    description: "Cell number within its module (1-based) of the lowest cell.",
    read: (s) => cellInModule(s, s.measurements.cellVoltageMin?.index),
  },
  {
    id: "cell.voltageMax",
    type: "float",
    unit: "V",
    min: 0,
    max: 5,
    description: "Highest valid cell voltage.",
    read: (s) => mV(s.measurements.cellVoltageMax?.value),
  },
  {
    id: "cell.voltageMaxModule",
    type: "integer",
    unit: "",
    min: 1,
    max: 32,
    description: "Module (1-based) of the highest cell.",
    read: (s) => cellModule(s, s.measurements.cellVoltageMax?.index),
  },
  {
    id: "cell.voltageMaxCell",
    type: "integer",
    unit: "",
    min: 1,
    max: 32,
    description: "Cell number within its module (1-based) of the highest cell.",
    read: (s) => cellInModule(s, s.measurements.cellVoltageMax?.index),
  },
  {
    id: "cell.voltageAverage",
    type: "float",
    unit: "V",
    min: 0,
    max: 5,
    description: "Average of the valid cell voltages.",
    read: (s) => (s.measurements.cellVoltageAverage_mV === null ? null : s.measurements.cellVoltageAverage_mV / 1000),
  },
  {
    id: "cell.voltageSpread",
    type: "float",
    unit: "V",
    min: 0,
    max: 5,
    description:
      "Highest minus lowest valid cell voltage, every cycle (the cellVoltageDifference alarm judges it only on the LFP plateau).",
    read: (s) => {
      const { cellVoltageMin, cellVoltageMax } = s.measurements;
      return cellVoltageMin && cellVoltageMax ? (cellVoltageMax.value - cellVoltageMin.value) / 1000 : null;
    },
  },
  {
    id: "temperature.min",
    type: "float",
    unit: "degC",
    min: -40,
    max: 215,
    description: "Lowest valid cell temperature sensor reading.",
    read: (s) => s.measurements.temperatureMin?.value ?? null,
  },
  {
    id: "temperature.minModule",
    type: "integer",
    unit: "",
    min: 1,
    max: 32,
    description: "Module (1-based) of the lowest temperature.",
    read: (s) => sensorModule(s, s.measurements.temperatureMin?.index),
  },
  {
    id: "temperature.minSensor",
    type: "integer",
    unit: "",
    min: 1,
    max: 36,
    description: "Sensor number within its module (1-based) of the lowest temperature.",
    read: (s) => sensorInModule(s, s.measurements.temperatureMin?.index),
  },
  {
    id: "temperature.max",
    type: "float",
    unit: "degC",
    min: -40,
    max: 215,
    description: "Highest valid cell temperature sensor reading.",
    read: (s) => s.measurements.temperatureMax?.value ?? null,
  },
  {
    id: "temperature.maxModule",
    type: "integer",
    unit: "",
    min: 1,
    max: 32,
    description: "Module (1-based) of the highest temperature.",
    read: (s) => sensorModule(s, s.measurements.temperatureMax?.index),
  },
  {
    id: "temperature.maxSensor",
    type: "integer",
    unit: "",
    min: 1,
    max: 36,
    description: "Sensor number within its module (1-based) of the highest temperature.",
    read: (s) => sensorInModule(s, s.measurements.temperatureMax?.index),
  },
  {
    id: "temperature.average",
    type: "float",
    unit: "degC",
    min: -40,
    max: 215,
    description: "Average of the valid temperature readings.",
    read: (s) => s.measurements.temperatureAverage_degC,
  },
  {
    id: "can.staleNodeCount",
    type: "integer",
    unit: "",
    min: 0,
    max: 34,
    description: "Nodes (BMUs, current sensor, contactor unit) whose frames stopped arriving.",
    read: (s) => s.measurements.staleNodes.length,
  },
];

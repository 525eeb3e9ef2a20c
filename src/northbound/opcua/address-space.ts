import { DataType, StatusCodes, makeEUInformation } from "node-opcua";
import type { EUInformation, Namespace, UAObject, UAVariable } from "node-opcua";
import type { RackTopology } from "../../bcu/rack-topology.ts";
import type { Snapshot } from "../../bcu/snapshot.ts";
import { findPoint } from "../../points/catalog.ts";
import type { Nameplate, PointDefinition } from "../../points/point.ts";
import { RACK_MODEL, type DerivedValue } from "./model.ts";
import { cellVoltage, derivedValue, pointValue, sensorTemperature, type PublishedValue } from "./value-quality.ts";

/** One variable of the tree and how it reads a snapshot. */
export interface VariableBinding {
  readonly variable: UAVariable;
  readonly dataType: DataType;
  readonly read: (snapshot: Snapshot) => PublishedValue;
  /** The trend point whose history the variable shows (catalog id, `cell.M.C.voltage`, `sensor.M.S.temperature`). */
  readonly historyPoint?: string;
}

export interface RackAddressSpace {
  readonly rack: UAObject;
  readonly bindings: readonly VariableBinding[];
  /** Catalog ids the model names that the catalog does not have (yet): their variables are left out. */
  readonly missingPoints: readonly string[];
}

/** UNECE codes (OPC UA Part 8 EUInformation) of the units the catalog uses. */
const UNITS: Readonly<Record<string, readonly [code: string, symbol: string, name: string]>> = {
  V: ["VLT", "V", "volt"],
  mV: ["2Z", "mV", "millivolt"],
  A: ["AMP", "A", "ampere"],
  W: ["WTT", "W", "watt"],
  kW: ["KWT", "kW", "kilowatt"],
  kWh: ["KWH", "kWh", "kilowatt hour"],
  Ah: ["AMH", "Ah", "ampere hour"],
  "%": ["P1", "%", "percent"],
  degC: ["CEL", "°C", "degree Celsius"],
  K: ["KEL", "K", "kelvin"],
  ms: ["C26", "ms", "millisecond"],
  s: ["SEC", "s", "second"],
};

export function engineeringUnits(unit: string): EUInformation | null {
  const entry = UNITS[unit];
  return entry ? makeEUInformation(...entry) : null;
}

const POINT_DATA_TYPES: Readonly<Record<PointDefinition["type"], DataType>> = {
  float: DataType.Double,
  integer: DataType.Int32,
  boolean: DataType.Boolean,
  enum: DataType.Int32,
  bitfield: DataType.UInt32,
};

interface VariableSpec {
  readonly parent: UAObject;
  readonly nodeId: string;
  readonly browseName: string;
  readonly displayName?: string;
  readonly description: string;
  readonly dataType: DataType;
  readonly unit: string;
  readonly range: { readonly low: number; readonly high: number } | null;
}

function addVariable(namespace: Namespace, spec: VariableSpec): UAVariable {
  const common = {
    componentOf: spec.parent,
    nodeId: `s=${spec.nodeId}`,
    browseName: spec.browseName,
    displayName: spec.displayName ?? spec.browseName,
    description: spec.description,
    dataType: DataType[spec.dataType],
    // Exception based: values are pushed once per BCU cycle, a monitored item's sampling interval is then the
    // window in which changes are gathered, and no timer per monitored item runs (3,000 items at 100 ms).
    minimumSamplingInterval: 0,
    accessLevel: "CurrentRead",
    userAccessLevel: "CurrentRead",
  } as const;
  const units = engineeringUnits(spec.unit);
  const variable =
    spec.dataType === DataType.Double && spec.range !== null
      ? namespace.addAnalogDataItem({
          ...common,
          engineeringUnitsRange: spec.range,
          ...(units ? { engineeringUnits: units } : {}),
        })
      : namespace.addVariable(common);
  variable.setValueFromSource({ dataType: DataType.Null }, StatusCodes.BadWaitingForInitialData);
  return variable;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/**
 * Builds the rack in `namespace` under Objects: the logical device `Rack` with its logical nodes (RACK_MODEL)
 * and `Modules/ModuleNN/CellNN|TmpNN`. Returns the bindings the publisher pushes every snapshot through.
 */
export function buildRackAddressSpace(
  namespace: Namespace,
  topology: RackTopology,
  nameplate: Nameplate | undefined,
): RackAddressSpace {
  const addressSpace = namespace.addressSpace;
  const rack = namespace.addObject({
    organizedBy: addressSpace.rootFolder.objects,
    nodeId: "s=Rack",
    browseName: "Rack",
    description: "The battery rack as one IEC 61850 logical device: its logical nodes, modules and cells.",
    // Alarms and conditions of the rack reach clients that subscribe to the Server object's events.
    eventNotifier: 1,
    notifierOf: addressSpace.rootFolder.objects.server,
  });
  // The rack is the source of its protections' conditions (HasEventSource from the Server object).
  addressSpace.rootFolder.objects.server.addReference({ referenceType: "HasEventSource", nodeId: rack });
  const bindings: VariableBinding[] = [];
  const missingPoints: string[] = [];

  for (const ln of RACK_MODEL) {
    const lnObject = namespace.addObject({
      componentOf: rack,
      nodeId: `s=Rack.${ln.name}`,
      browseName: ln.name,
      description: ln.description,
    });
    for (const dataObject of ln.objects) {
      const nodeId = `Rack.${ln.name}.${dataObject.name}`;
      if (typeof dataObject.source === "string") {
        const point = findPoint(dataObject.source);
        if (point === undefined) {
          missingPoints.push(dataObject.source);
          continue;
        }
        const dataType = POINT_DATA_TYPES[point.type];
        const variable = addVariable(namespace, {
          parent: lnObject,
          nodeId,
          browseName: dataObject.name,
          description: `${point.description} (point ${point.id})`,
          dataType,
          unit: point.unit,
          range: { low: point.min, high: point.max },
        });
        bindings.push({ variable, dataType, read: (s) => pointValue(point, s, nameplate), historyPoint: point.id });
      } else {
        const derived: DerivedValue = dataObject.source;
        const dataType = DataType[derived.dataType];
        const variable = addVariable(namespace, {
          parent: lnObject,
          nodeId,
          browseName: dataObject.name,
          description: derived.description,
          dataType,
          unit: derived.unit,
          range: null,
        });
        bindings.push({ variable, dataType, read: (s) => derivedValue(derived.read(s)) });
      }
    }
  }

  addModules(namespace, rack, topology, bindings);
  return { rack, bindings, missingPoints: [...new Set(missingPoints)] };
}

function addModules(namespace: Namespace, rack: UAObject, topology: RackTopology, bindings: VariableBinding[]): void {
  const modules = namespace.addObject({
    componentOf: rack,
    nodeId: "s=Rack.Modules",
    browseName: "Modules",
    description: "One object per battery module (BMU), with its cell voltages and temperature sensors.",
  });
  for (let b = 0; b < topology.bmuCount; b++) {
    const module = b + 1;
    const node = topology.firstBmuNode + b;
    const base = `Rack.Modules.Module${pad2(module)}`;
    const moduleObject = namespace.addObject({
      componentOf: modules,
      nodeId: `s=${base}`,
      browseName: `Module${pad2(module)}`,
      displayName: `Module ${module}`,
      description: `Battery module ${module}, BMU at CAN node ${node}.`,
    });
    const bmu = (s: Snapshot) => s.measurements.bmus[b];
    const add = (
      browseName: string,
      displayName: string,
      description: string,
      dataType: DataType,
      unit: string,
      range: { low: number; high: number } | null,
      read: (s: Snapshot) => PublishedValue,
      historyPoint?: string,
    ): void => {
      const variable = addVariable(namespace, {
        parent: moduleObject,
        nodeId: `${base}.${browseName}`,
        browseName,
        displayName,
        description,
        dataType,
        unit,
        range,
      });
      bindings.push({ variable, dataType, read, ...(historyPoint ? { historyPoint } : {}) });
    };
    add(
      "Comm",
      "Communication",
      "The BMU is talking (status and cell frames fresh).",
      DataType.Boolean,
      "",
      null,
      (s) => derivedValue(!(bmu(s)?.stale ?? true)),
    );
    add("Vol", "Module voltage", "Module voltage the BMU measures.", DataType.Double, "V", { low: 0, high: 200 }, (s) =>
      derivedValue(bmu(s)?.moduleVoltage_V ?? null),
    );
    add(
      "BrdTmp",
      "Board temperature",
      "BMU board temperature.",
      DataType.Double,
      "degC",
      { low: -40, high: 215 },
      (s) => derivedValue(bmu(s)?.status?.boardTemperature_degC ?? null),
    );
    add("BalAct", "Balancing active", "The BMU reports cells bleeding.", DataType.Boolean, "", null, (s) =>
      derivedValue(bmu(s)?.status?.balancingActive ?? null),
    );
    for (let c = 1; c <= topology.cellsPerBmu; c++) {
      const index = b * topology.cellsPerBmu + c - 1;
      add(
        `Cell${pad2(c)}`,
        `Cell ${c}`,
        `Voltage of cell ${c} of module ${module}.`,
        DataType.Double,
        "V",
        { low: 0, high: 5 },
        (s) => cellVoltage(s, index),
        `cell.${module}.${c}.voltage`,
      );
    }
    for (let t = 1; t <= topology.temperatureSensorsPerBmu; t++) {
      const index = b * topology.temperatureSensorsPerBmu + t - 1;
      add(
        `Tmp${pad2(t)}`,
        `Sensor ${t}`,
        `Temperature sensor ${t} of module ${module}.`,
        DataType.Double,
        "degC",
        { low: -40, high: 215 },
        (s) => sensorTemperature(s, index),
        `sensor.${module}.${t}.temperature`,
      );
    }
  }
}

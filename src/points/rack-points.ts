import type { PointDefinition } from "./point.ts";

/** The rack's build and nameplate: from the topology in the snapshot and the configuration's nameplate. */
export const rackPoints: readonly PointDefinition[] = [
  {
    id: "rack.moduleCount",
    type: "integer",
    unit: "",
    min: 1,
    max: 32,
    description: "Modules (BMUs) in the rack.",
    read: (s) => s.topology.bmuCount,
  },
  {
    id: "rack.cellCount",
    type: "integer",
    unit: "",
    min: 1,
    max: 1024,
    description: "Cells in series in the rack.",
    read: (s) => s.topology.bmuCount * s.topology.cellsPerBmu,
  },
  {
    id: "rack.ratedCapacity",
    type: "float",
    unit: "Ah",
    min: 0,
    max: 2000,
    description: "Rated (nameplate) capacity of the rack, from the configuration (rack.cell.capacity_Ah).",
    read: (_s, nameplate) => nameplate?.capacity_Ah ?? null,
  },
  {
    id: "rack.ratedEnergy",
    type: "float",
    unit: "kWh",
    min: 0,
    max: 5000,
    description: "Rated (nameplate) energy: cells x nominal cell voltage x rated capacity.",
    read: (_s, nameplate) => nameplate?.energy_kWh ?? null,
  },
];

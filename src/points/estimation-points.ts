import type { EstimationView, Snapshot } from "../bcu/snapshot.ts";
import type { PointDefinition } from "./point.ts";

type NumericKey = {
  [K in keyof EstimationView]: EstimationView[K] extends number | null ? K : never;
}[keyof EstimationView];

function estimated(key: NumericKey): (s: Snapshot) => number | null {
  return (s) => s.estimation?.[key] ?? null;
}

/** SOC, SOH and energy from estimation. Null until estimation publishes. */
export const estimationPoints: readonly PointDefinition[] = [
  {
    id: "pack.soc",
    type: "float",
    unit: "%",
    min: 0,
    max: 100,
    description: "State of charge of the rack (usable charge over capacity).",
    read: estimated("packSoc_pct"),
  },
  {
    id: "pack.soh",
    type: "float",
    unit: "%",
    min: 0,
    max: 100,
    description: "State of health: present capacity over rated capacity.",
    read: estimated("soh_pct"),
  },
  {
    id: "cell.socMin",
    type: "float",
    unit: "%",
    min: 0,
    max: 100,
    description: "Lowest cell state of charge.",
    read: estimated("cellSocMin_pct"),
  },
  {
    id: "cell.socMax",
    type: "float",
    unit: "%",
    min: 0,
    max: 100,
    description: "Highest cell state of charge.",
    read: estimated("cellSocMax_pct"),
  },
  {
    id: "pack.capacity",
    type: "float",
    unit: "Ah",
    min: 0,
    max: 2000,
    description: "Present (estimated) capacity of the rack.",
    read: estimated("capacity_Ah"),
  },
  {
    id: "pack.remainingEnergy",
    type: "float",
    unit: "kWh",
    min: 0,
    max: 5000,
    description: "Energy the rack can still deliver from now to empty.",
    read: estimated("remainingEnergy_kWh"),
  },
  {
    id: "pack.fullEnergy",
    type: "float",
    unit: "kWh",
    min: 0,
    max: 5000,
    description: "Energy of a full rack at the present capacity.",
    read: estimated("fullEnergy_kWh"),
  },
  {
    id: "estimation.valid",
    type: "boolean",
    unit: "",
    min: 0,
    max: 1,
    description:
      "True while the estimates rest on usable inputs; false: they hold their last value, do not trust them.",
    read: (s) => s.estimation?.valid ?? null,
  },
];

import type { LimitsView, Snapshot } from "../bcu/snapshot.ts";
import type { PointDefinition } from "./point.ts";

type NumericKey = { [K in keyof LimitsView]: LimitsView[K] extends number ? K : never }[keyof LimitsView];

function limit(id: string, key: NumericKey, unit: string, max: number, description: string): PointDefinition {
  return { id, type: "float", unit, min: 0, max, description, read: (s: Snapshot) => s.limits?.[key] ?? null };
}

/** What the PCS may do now (SOP and protection combined). Null until the limits are published. */
export const limitPoints: readonly PointDefinition[] = [
  limit(
    "limits.chargeCurrentMax",
    "chargeCurrentMax_A",
    "A",
    2000,
    "Largest charge current the PCS may draw now; 0 = do not charge.",
  ),
  limit(
    "limits.dischargeCurrentMax",
    "dischargeCurrentMax_A",
    "A",
    2000,
    "Largest discharge current the PCS may draw now; 0 = do not discharge.",
  ),
  limit("limits.chargePowerMax", "chargePowerMax_kW", "kW", 1500, "Largest charge power now; 0 = do not charge."),
  limit(
    "limits.dischargePowerMax",
    "dischargePowerMax_kW",
    "kW",
    1500,
    "Largest discharge power now; 0 = do not discharge.",
  ),
  limit(
    "limits.chargeCurrent10s",
    "chargeCurrent10s_A",
    "A",
    2000,
    "Charge current the rack can take for the next 10 s.",
  ),
  limit(
    "limits.dischargeCurrent10s",
    "dischargeCurrent10s_A",
    "A",
    2000,
    "Discharge current the rack can give for the next 10 s.",
  ),
  limit(
    "limits.chargeCurrent60s",
    "chargeCurrent60s_A",
    "A",
    2000,
    "Charge current the rack can take for the next 60 s.",
  ),
  limit(
    "limits.dischargeCurrent60s",
    "dischargeCurrent60s_A",
    "A",
    2000,
    "Discharge current the rack can give for the next 60 s.",
  ),
  limit("limits.maxChargeVoltage", "maxChargeVoltage_V", "V", 1500, "Highest rack voltage the PCS may charge to."),
  limit(
    "limits.minDischargeVoltage",
    "minDischargeVoltage_V",
    "V",
    1500,
    "Lowest rack voltage the PCS may discharge to.",
  ),
  {
    id: "limits.stopRequested",
    type: "boolean",
    unit: "",
    min: 0,
    max: 1,
    description: "The BCU asks the PCS to stop: a level-3 fault is active or latched.",
    read: (s) => s.limits?.stopRequested ?? null,
  },
];

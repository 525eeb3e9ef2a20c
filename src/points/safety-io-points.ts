import type { Snapshot } from "../bcu/snapshot.ts";
import type { ContactorFeedback } from "../can/codecs/messages.ts";
import type { PointDefinition } from "./point.ts";

/** A cabinet input from the contactor unit's feedback (byte 2 of 0x0A1); null while the unit is silent. */
function cabinet(s: Snapshot, read: (fb: ContactorFeedback) => boolean): boolean | null {
  const fb = s.measurements.contactorFeedback;
  return fb === null ? null : read(fb);
}

function flag(id: string, description: string, read: (s: Snapshot) => boolean | null): PointDefinition {
  return { id, type: "boolean", unit: "", min: 0, max: 1, description, read };
}

/** The DC breaker, the interlock loop, the emergency stop, fire detection, the door and insulation. */
export const safetyIoPoints: readonly PointDefinition[] = [
  flag("breaker.closed", "DC breaker closed (its auxiliary contact).", (s) => cabinet(s, (fb) => fb.breakerClosed)),
  flag("breaker.tripped", "DC breaker tripped (its alarm contact); it stays open until closed by hand.", (s) =>
    cabinet(s, (fb) => fb.breakerTripped),
  ),
  flag(
    "breaker.tripRequested",
    "The BCU energises the breaker's shunt trip (the contactors cannot interrupt).",
    (s) => s.contactors?.breakerTripRequested ?? null,
  ),
  flag("cabinet.hvilIntact", "High-voltage interlock loop intact.", (s) => cabinet(s, (fb) => fb.hvilIntact)),
  flag("cabinet.emergencyStop", "Emergency stop pressed.", (s) => cabinet(s, (fb) => fb.emergencyStop)),
  flag(
    "cabinet.fireAlarm",
    "Fire alarm: smoke, heat or gas detector, or suppression released. The EMS acts for the site.",
    (s) => cabinet(s, (fb) => fb.fireAlarm),
  ),
  flag("cabinet.doorOpen", "Cabinet door open.", (s) => cabinet(s, (fb) => fb.doorOpen)),
  {
    id: "insulation.resistance",
    type: "float",
    unit: "kOhm",
    min: 0,
    max: 65535,
    description: "Insulation resistance in use (the monitor's valid reading); unknown while none is valid.",
    read: (s) => s.insulation?.resistance_kOhm ?? null,
  },
  {
    id: "insulation.resistancePerVolt",
    type: "float",
    unit: "Ohm/V",
    min: 0,
    max: 100000,
    description: "Insulation resistance per volt of the rack's nominal voltage (what the alarm levels compare).",
    read: (s) => s.insulation?.resistance_ohmPerV ?? null,
  },
  flag(
    "insulation.measuring",
    "The BCU's insulation monitor measures now (false while decoupled for the PCS's own monitor).",
    (s) => s.insulation?.measuring ?? null,
  ),
  flag(
    "insulation.monitorFault",
    "The insulation monitor is faulty or silent: no reading is used.",
    (s) => s.insulation?.monitorFault ?? null,
  ),
];

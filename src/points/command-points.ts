import type { PointDefinition } from "./point.ts";

/**
 * Writable points. A write becomes a typed BCU command (applied at the next cycle; bcu/ may refuse it, and the
 * refusal is an event) or, for values the PCS reports, is kept for read-back. Reading a command point gives 0:
 * commands are momentary; the map server overlays the last value written where read-back matters.
 */
export const commandPoints: readonly PointDefinition[] = [
  {
    id: "command.closeContactors",
    type: "boolean",
    unit: "",
    min: 0,
    max: 1,
    description: "Write 1 (coil ON) to ask the BCU to precharge and close the contactors; 0 does nothing.",
    write: { command: (value) => (value === 1 ? "closeContactors" : null) },
    read: () => false,
  },
  {
    id: "command.openContactors",
    type: "boolean",
    unit: "",
    min: 0,
    max: 1,
    description: "Write 1 (coil ON) to ask the BCU to open the contactors; 0 does nothing.",
    write: { command: (value) => (value === 1 ? "openContactors" : null) },
    read: () => false,
  },
  {
    id: "command.resetFaults",
    type: "boolean",
    unit: "",
    min: 0,
    max: 1,
    description: "Write 1 to reset latched level-3 faults whose cause is gone; 0 does nothing.",
    write: { command: (value) => (value === 1 ? "resetFaults" : null) },
    read: () => false,
  },
  {
    id: "command.setOperation",
    type: "enum",
    unit: "",
    min: 0,
    max: 2,
    enumValues: { 0: "no request", 1: "connect", 2: "disconnect" },
    description:
      "Contactor request in SunSpec 802 SetOp numbering: write 1 to connect (close), 2 to disconnect (open).",
    write: { command: (value) => (value === 1 ? "closeContactors" : value === 2 ? "openContactors" : null) },
    read: () => 0,
  },
  {
    id: "command.pcsHeartbeat",
    type: "integer",
    unit: "",
    min: 0,
    max: 65535,
    description:
      "Counter the PCS writes and changes at least once per heartbeat timeout (modbus.pcsHeartbeat); reads back the last value written.",
    write: { command: () => "pcsHeartbeat" },
    alwaysKnown: true,
    read: () => 0,
  },
  {
    id: "pcs.inverterState",
    type: "enum",
    unit: "",
    min: 0,
    max: 3,
    enumValues: { 0: "unknown", 1: "stopped", 2: "standby", 3: "started" },
    description:
      "The state the PCS reports (SunSpec 802 SetInvState): 1 stopped, 2 standby, 3 started. Kept and logged.",
    write: { command: () => null },
    read: () => null,
  },
];

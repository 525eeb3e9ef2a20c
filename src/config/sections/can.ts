import { strictObject } from "../json-schema.ts";
import { defineSection } from "../section.ts";

/** `virtual`, `socketcan:IFACE` or `candump:PATH`. */
export type CanTransportSpec = "virtual" | `socketcan:${string}` | `candump:${string}`;

export interface CanConfig {
  readonly transport: CanTransportSpec;
  readonly bitrate: number;
}

// Linux interface names are at most 15 characters (IFNAMSIZ 16 with the terminating NUL).
const TRANSPORT_PATTERN = "^(virtual|socketcan:[A-Za-z0-9_.:-]{1,15}|candump:.+)$";

export const canSection = defineSection<"can", CanConfig>({
  key: "can",
  schema: strictObject("The CAN bus the BMUs, the current sensor and the contactor unit are on.", {
    transport: {
      type: "string",
      pattern: TRANSPORT_PATTERN,
      errorHint: 'must be "virtual", "socketcan:IFACE" (e.g. "socketcan:can0") or "candump:PATH" (a candump -l log)',
      description:
        "Where frames come from: `virtual` (the in-process bus, driven by the simulator), " +
        "`socketcan:IFACE` (a Linux SocketCAN interface, e.g. `socketcan:can0`) or `candump:PATH` " +
        "(replays a `candump -l` log file).",
    },
    bitrate: {
      type: "integer",
      enum: [125000, 250000, 500000, 1000000],
      unit: "bit/s",
      description:
        "Bus bit rate. Informational: the interface's bit rate is set by the system (`ip link set can0 type can bitrate 500000`).",
    },
  }),
  defaults: { transport: "virtual", bitrate: 500000 },
});

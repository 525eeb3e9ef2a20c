import { durationMsSchema, portSchema, strictObject } from "../json-schema.ts";
import { defineSection } from "../section.ts";

export type PcsHeartbeatAction = "warn" | "openContactors";

export interface PcsHeartbeatConfig {
  readonly enabled: boolean;
  readonly timeout_ms: number;
  readonly action: PcsHeartbeatAction;
}

export interface ModbusConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  readonly map: string;
  /** "" = `<daemon.dataDir>/register-maps`. */
  readonly mapDir: string;
  /** Empty = the map's unit ids. */
  readonly unitIds: readonly number[];
  readonly wrongUnitIdResponse: "ignore" | "exception0B";
  readonly maxConnections: number;
  readonly idleTimeout_ms: number;
  readonly writesEnabled: boolean;
  readonly writeAllowList: readonly string[];
  readonly pcsHeartbeat: PcsHeartbeatConfig;
}

const IP_PATTERN = "^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$";

export const modbusSection = defineSection<"modbus", ModbusConfig>({
  key: "modbus",
  schema: strictObject(
    "Modbus TCP server the PCS polls: register map, address, limits, write security and the PCS heartbeat.",
    {
      enabled: { type: "boolean", description: "Serve Modbus TCP." },
      host: {
        type: "string",
        minLength: 1,
        description:
          'Address to listen on: "0.0.0.0" for every IPv4 interface (what a PCS on the network needs), "127.0.0.1" for this machine only.',
      },
      port: portSchema(
        "TCP port. The service uses the standard 502; the embedded demo default is 5020 (no root needed).",
      ),
      map: {
        type: "string",
        minLength: 1,
        description:
          "Register map served: a name (NAME.json in mapDir, else the shipped register-maps/) or a path to a .json file. `bcu map use` overrides it.",
      },
      mapDir: {
        type: "string",
        description:
          'Directory of the installer\'s maps (`bcu map set|add|remove` write here) and of the `bcu map use` choice; "" = <daemon.dataDir>/register-maps.',
      },
      unitIds: {
        type: "array",
        uniqueItems: true,
        items: { type: "integer", minimum: 0, maximum: 255 },
        description:
          "Unit identifiers answered (empty = the map's unitIds); other unit ids get no answer or exception 0B (wrongUnitIdResponse).",
      },
      wrongUnitIdResponse: {
        type: "string",
        enum: ["ignore", "exception0B"],
        description: "A request for another unit id: `ignore` (no answer, like a missing device) or `exception0B`.",
      },
      maxConnections: {
        type: "integer",
        minimum: 1,
        maximum: 64,
        description: "Clients connected at once; a further connection is closed at once.",
      },
      idleTimeout_ms: durationMsSchema("A connection without any request for this long is closed.", 1000, 3600000),
      writesEnabled: {
        type: "boolean",
        description: "Accept writes (commands, PCS heartbeat). False: every write gets exception 01.",
      },
      writeAllowList: {
        type: "array",
        items: { type: "string", pattern: IP_PATTERN, errorHint: "an IPv4 or IPv6 address" },
        description: "Client addresses allowed to write; empty = any client. Others get exception 01 on writes.",
      },
      pcsHeartbeat: strictObject("Supervision of the counter the PCS writes (point command.pcsHeartbeat).", {
        enabled: { type: "boolean", description: "Supervise the PCS heartbeat." },
        timeout_ms: durationMsSchema(
          "The PCS is lost when its heartbeat has not changed for this long (counted from start-up).",
          100,
          600000,
        ),
        action: {
          type: "string",
          enum: ["warn", "openContactors"],
          description:
            "When the PCS is lost: `warn` logs it; `openContactors` also asks the BCU to open the contactors.",
        },
      }),
    },
  ),
  defaults: {
    enabled: true,
    host: "127.0.0.1",
    port: 5020,
    map: "default",
    mapDir: "",
    unitIds: [],
    wrongUnitIdResponse: "ignore",
    maxConnections: 8,
    idleTimeout_ms: 60000,
    writesEnabled: true,
    writeAllowList: [],
    pcsHeartbeat: { enabled: false, timeout_ms: 5000, action: "openContactors" },
  },
});

import { readFileSync, unwatchFile, watchFile } from "node:fs";
import { join } from "node:path";
import type { BcuCommand, CommandResult } from "../../bcu/commands.ts";
import type { Snapshot } from "../../bcu/snapshot.ts";
import type { BcuConfig } from "../../config/sections.ts";
import type { Logger } from "../../daemon/log.ts";
import { nameplateOf } from "../../points/point.ts";
import { MapImage } from "./map-image.ts";
import { ACTIVE_MAP_FILE, installerMapDir, loadMap, locateMap, readActiveMapChoice } from "./map-store.ts";
import type { RegisterMap } from "./map-types.ts";
import { PcsHeartbeatSupervisor } from "./pcs-heartbeat.ts";
import { ModbusRequestHandler, type DeviceIdentity, type PointWriteRequest } from "./request-handler.ts";
import { ModbusTcpServer } from "./server.ts";

/** What the Modbus server needs of the BCU: the latest snapshot and a way to queue commands (the pipeline). */
export interface SnapshotSource {
  latest(): Snapshot | null;
  submit(command: Omit<BcuCommand, "id">): Promise<CommandResult>;
}

export interface StartModbusOptions {
  readonly config: Pick<BcuConfig, "modbus" | "daemon" | "rack">;
  readonly source: SnapshotSource;
  readonly log: Logger;
  /** Overrides `config.modbus.port` (tests: 0 for an ephemeral port). */
  readonly port?: number;
  /** Poll period of the active-map choice and the served map file; 0 = do not watch (tests). */
  readonly watchInterval_ms?: number;
  /** Clock for the heartbeat supervision (tests); default Date.now. */
  readonly nowMs?: () => number;
}

export interface RunningModbusServer {
  readonly port: number;
  /** Name of the map being served. */
  mapName(): string;
  /** Serves another map (a name or a path) from the next request on, without dropping connections. */
  useMap(nameOrPath: string): RegisterMap;
  connectionCount(): number;
  close(): Promise<void>;
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

/**
 * Starts the Modbus TCP server of the daemon: the active map (`bcu map use`, else `modbus.map`), writes turned
 * into BCU commands, the PCS heartbeat supervision, and a reload when the map choice or the map file changes.
 */
export async function startModbusServer(options: StartModbusOptions): Promise<RunningModbusServer> {
  const { config, source, log } = options;
  const modbus = config.modbus;
  const now = options.nowMs ?? Date.now;
  const mapDir = installerMapDir(modbus, config.daemon);
  const nameplate = nameplateOf(config.rack);
  let mapChoice = readActiveMapChoice(mapDir) ?? modbus.map;
  const map = loadMap(mapChoice, mapDir);
  const cells = config.rack.bmuCount * config.rack.cellsPerBmu;
  const identity: DeviceIdentity = {
    vendorName: "bcu",
    productCode: "BCU",
    revision: packageVersion(),
    vendorUrl: "",
    productName: "Battery Control Unit",
    modelName: `1P${cells}S ${config.rack.cell.chemistry} ${config.rack.cell.capacity_Ah} Ah`,
    applicationName: `bcu register map ${map.name} ${map.version}`,
  };

  const heartbeat = modbus.pcsHeartbeat.enabled
    ? new PcsHeartbeatSupervisor(modbus.pcsHeartbeat.timeout_ms, now())
    : null;
  const allowed = new Set(modbus.writeAllowList);

  const submit = (kind: BcuCommand["kind"], origin: string, value?: number): void => {
    source.submit({ kind, origin, ...(value === undefined ? {} : { value }) }).then(
      (result) => {
        if (!result.accepted) log.warn("command refused by the BCU", { command: kind, origin, reason: result.reason });
      },
      (error: unknown) => log.error("command could not be queued", { command: kind, origin, error }),
    );
  };

  const applyWrites = (writes: readonly PointWriteRequest[], client: string): void => {
    const origin = `modbus:${client}`;
    for (const { point, entry, value } of writes) {
      const kind = point.write!.command(value);
      if (point.id === "command.pcsHeartbeat") {
        if (heartbeat?.observe(value, now()) === "restored") log.info("PCS heartbeat restored", { client });
        log.debug("Modbus write", { client, point: point.id, value });
      } else {
        log.info("Modbus write", { client, point: point.id, entry: entry.name ?? point.id, value, command: kind });
      }
      if (kind) submit(kind, origin, kind === "pcsHeartbeat" ? value : undefined);
    }
  };

  const handler = new ModbusRequestHandler(new MapImage(map, nameplate), {
    latest: () => source.latest(),
    identity,
    writeRefusal: (client) => {
      if (!modbus.writesEnabled) return "writes are disabled (modbus.writesEnabled)";
      if (allowed.size > 0 && !allowed.has(client)) return `client ${client} is not in modbus.writeAllowList`;
      return null;
    },
    applyWrites,
  });

  const server = new ModbusTcpServer({
    host: modbus.host,
    port: options.port ?? modbus.port,
    unitIds: modbus.unitIds.length > 0 ? modbus.unitIds : map.unitIds,
    wrongUnitIdResponse: modbus.wrongUnitIdResponse,
    maxConnections: modbus.maxConnections,
    idleTimeout_ms: modbus.idleTimeout_ms,
    handler,
    log,
  });
  const port = await server.listen();
  log.info("Modbus TCP server listening", { host: modbus.host, port, map: map.name, version: map.version });

  const useMap = (nameOrPath: string): RegisterMap => {
    const next = loadMap(nameOrPath, mapDir);
    handler.useMap(new MapImage(next, nameplate));
    if (modbus.unitIds.length === 0) server.setUnitIds(next.unitIds);
    mapChoice = nameOrPath;
    log.info("Modbus register map now served", { map: next.name, version: next.version });
    return next;
  };

  const timers: NodeJS.Timeout[] = [];
  if (heartbeat) {
    const { timeout_ms, action } = modbus.pcsHeartbeat;
    const check = (): void => {
      if (heartbeat.check(now()) !== "lost") return;
      log.warn("PCS heartbeat lost", { timeout_ms, action });
      if (action === "openContactors") submit("openContactors", "modbus:pcs-heartbeat-timeout");
    };
    timers.push(setInterval(check, Math.max(10, Math.min(1000, timeout_ms / 4))));
  }

  const watched: string[] = [];
  const watchInterval_ms = options.watchInterval_ms ?? 1000;
  if (watchInterval_ms > 0) {
    const reload = (): void => {
      const choice = readActiveMapChoice(mapDir) ?? modbus.map;
      try {
        useMap(choice);
      } catch (error) {
        log.error("register map not reloaded; the previous one is still served", { map: choice, error });
      }
    };
    const watch = (path: string): void => {
      watched.push(path);
      watchFile(path, { interval: watchInterval_ms, persistent: false }, (current, previous) => {
        if (current.mtimeMs !== previous.mtimeMs) reload();
      });
    };
    watch(join(mapDir, ACTIVE_MAP_FILE));
    try {
      watch(locateMap(mapChoice, mapDir).path);
    } catch {
      // Located a moment ago; gone now: the next change of the choice reloads.
    }
  }

  return {
    port,
    mapName: () => handler.map.map.name,
    useMap,
    connectionCount: () => server.connectionCount,
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const path of watched) unwatchFile(path);
      await server.close();
      log.info("Modbus TCP server stopped");
    },
  };
}

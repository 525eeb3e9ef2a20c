import { resolve } from "node:path";
import type { Command } from "commander";
import { ModbusClientError, ModbusExceptionError, ModbusTcpClient } from "../../northbound/modbus/client.ts";
import { installerMapDir, loadMap, readActiveMapChoice } from "../../northbound/modbus/map-store.ts";
import { entryKey, entrySize } from "../../northbound/modbus/map-types.ts";
import type { RegisterMap } from "../../northbound/modbus/map-types.ts";
import type { ModbusTable } from "../../northbound/modbus/protocol.ts";
import { decodeEntry } from "../../northbound/modbus/value-codec.ts";
import { CliError, configOption, formatTable, jsonOption, printJson } from "../output.ts";
import type { CliContext } from "../output.ts";
import { loadConfigOrFail } from "./config.ts";

const TABLES: Readonly<Record<string, ModbusTable>> = {
  holding: "holdingRegister",
  input: "inputRegister",
  coil: "coil",
  discrete: "discreteInput",
};

function integer(text: string, what: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CliError(`${what}: expected an integer ${min}..${max}, got "${text}"`, 2);
  }
  return value;
}

/** `bcu modbus read ADDRESS [COUNT]`: read the running server as the PCS would (commissioning). */
export function registerModbusCommands(program: Command, { io }: CliContext): void {
  const modbus = program.command("modbus").description("talk to the Modbus TCP server as a PCS would");
  modbus
    .command("read")
    .description("read registers or bits and decode them with the active register map")
    .argument("<address>", "0-based address")
    .argument("[count]", "how many registers or bits", "1")
    .option("--table <table>", "holding | input | coil | discrete", "holding")
    .option("--host <host>", "server address (default: modbus.host, 127.0.0.1 for 0.0.0.0)")
    .option("--port <port>", "server port (default: modbus.port)")
    .option("--unit <id>", "unit id (default: the first of the map)")
    .option("--map <map>", "map to decode with (default: the active map)")
    .addOption(configOption())
    .addOption(jsonOption())
    .action(
      async (
        addressText: string,
        countText: string,
        options: {
          table: string;
          host?: string;
          port?: string;
          unit?: string;
          map?: string;
          config?: string;
          json?: boolean;
        },
      ) => {
        const table = TABLES[options.table];
        if (!table) throw new CliError(`--table: expected holding, input, coil or discrete, got "${options.table}"`, 2);
        const address = integer(addressText, "address", 0, 65535);
        const count = integer(countText, "count", 1, table === "coil" || table === "discreteInput" ? 2000 : 125);
        const config = loadConfigOrFail(io.cwd, options.config);
        const mapDir = resolve(io.cwd, installerMapDir(config.modbus, config.daemon));
        let map: RegisterMap | null = null;
        try {
          map = loadMap(options.map ?? readActiveMapChoice(mapDir) ?? config.modbus.map, mapDir, io.cwd);
        } catch {
          map = null; // Raw values are still worth showing.
        }
        const host = options.host ?? (config.modbus.host === "0.0.0.0" ? "127.0.0.1" : config.modbus.host);
        const port = options.port === undefined ? config.modbus.port : integer(options.port, "--port", 1, 65535);
        const unit = options.unit === undefined ? (map?.unitIds[0] ?? 1) : integer(options.unit, "--unit", 0, 255);
        let values: number[];
        let client: ModbusTcpClient | null = null;
        try {
          client = await ModbusTcpClient.connect(host, port);
          values = await client.read(table, address, count, unit);
        } catch (error) {
          if (error instanceof ModbusExceptionError || error instanceof ModbusClientError) {
            throw new CliError(`${host}:${port}: ${error.message}`);
          }
          throw error;
        } finally {
          await client?.close();
        }
        const rows = values.map((raw, i) => {
          const at = address + i;
          const entry = map?.entries.find((e) => e.table === table && e.address === at);
          const decoded =
            entry && i + entrySize(entry) <= values.length ? decodeEntry(entry, values, i, map?.wordOrder) : undefined;
          return {
            address: at,
            raw,
            hex: `0x${raw.toString(16).padStart(table === "coil" || table === "discreteInput" ? 1 : 4, "0")}`,
            entry: entry ? entryKey(entry) : "",
            value: decoded === undefined ? "" : decoded === null ? "n/a" : decoded,
          };
        });
        if (options.json === true)
          return printJson(io, { host, port, unit, table, map: map?.name ?? null, values: rows });
        io.out(
          formatTable(
            ["address", "raw", "hex", "entry", "value"],
            rows.map((r) => [
              r.address,
              r.raw,
              r.hex,
              r.entry,
              typeof r.value === "number" ? Number(r.value.toPrecision(10)) : r.value,
            ]),
          ),
        );
      },
    );
}

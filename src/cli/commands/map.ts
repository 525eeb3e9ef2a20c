import { resolve } from "node:path";
import type { Command } from "commander";
import { exportCsv, exportMarkdown, diffMaps } from "../../northbound/modbus/map-export.ts";
import {
  MapNotFoundError,
  installerMapDir,
  listMaps,
  locateMap,
  readActiveMapChoice,
  readMapDocument,
  saveMap,
  writeActiveMapChoice,
} from "../../northbound/modbus/map-store.ts";
import type { RegisterMap, RegisterMapEntry } from "../../northbound/modbus/map-types.ts";
import { entryAccess, entryKey, entrySize } from "../../northbound/modbus/map-types.ts";
import {
  RegisterMapError,
  formatMapIssue,
  parseRegisterMap,
  validateRegisterMap,
} from "../../northbound/modbus/map-validate.ts";
import { catalogRows, renderPointsMarkdown } from "../../points/points-doc.ts";
import { CliError, configOption, formatTable, jsonOption, printJson } from "../output.ts";
import type { CliContext, CliIo } from "../output.ts";
import { loadConfigOrFail } from "./config.ts";

interface CommonOptions {
  config?: string;
  json?: boolean;
}

interface EntryOptions extends CommonOptions {
  point?: string;
  name?: string;
  value?: string;
  table?: string;
  address?: string;
  type?: string;
  length?: string;
  bit?: string;
  scale?: string;
  offset?: string;
  access?: string;
  wordOrder?: string;
  sf?: string;
  unit?: string;
  description?: string;
}

function mapDirOf(io: CliIo, options: CommonOptions): string {
  const config = loadConfigOrFail(io.cwd, options.config);
  // Relative directories in the configuration are from the command's working directory.
  return resolve(io.cwd, installerMapDir(config.modbus, config.daemon));
}

function readValidMap(io: CliIo, nameOrPath: string, options: CommonOptions): { map: RegisterMap; dir: string } {
  const dir = mapDirOf(io, options);
  try {
    const location = locateMap(nameOrPath, dir, io.cwd);
    return { map: parseRegisterMap(readMapDocument(location.path), location.path), dir };
  } catch (error) {
    if (error instanceof MapNotFoundError || error instanceof RegisterMapError) throw new CliError(error.message);
    throw error;
  }
}

function number(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new CliError(`--${what}: expected a number, got "${text}"`, 2);
  return value;
}

/** The entry fields given on the command line, parsed; the map validation judges them. */
function entryFields(options: EntryOptions): Partial<Record<keyof RegisterMapEntry, unknown>> {
  const fields: Partial<Record<keyof RegisterMapEntry, unknown>> = {
    name: options.name,
    point: options.point,
    table: options.table,
    address: number(options.address, "address"),
    type: options.type,
    length: number(options.length, "length"),
    bit: number(options.bit, "bit"),
    scale: number(options.scale, "scale"),
    offset: number(options.offset, "offset"),
    access: options.access,
    wordOrder: options.wordOrder,
    sf: options.sf,
    unit: options.unit,
    description: options.description,
  };
  if (options.value !== undefined) {
    const numeric = Number(options.value);
    fields.value =
      options.value === "null"
        ? null
        : options.value.trim() !== "" && Number.isFinite(numeric)
          ? numeric
          : options.value;
  }
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function addEntryOptions(command: Command): Command {
  return command
    .option("--point <id>", "catalog point (bcu map points)")
    .option("--name <name>", "entry name (default: the point id)")
    .option("--value <value>", "a constant instead of a point (number, text, or null)")
    .option("--table <table>", "coil | discreteInput | inputRegister | holdingRegister")
    .option("--address <n>", "0-based address")
    .option("--type <type>", "bool | u16 | i16 | u32 | i32 | f32 | bitfield | string")
    .option("--length <n>", "registers of a string or bitfield")
    .option("--bit <n>", "bit of a bitfield point (bool entries)")
    .option("--scale <x>", "value = register x scale + offset")
    .option("--offset <x>", "see --scale")
    .option("--access <access>", "r | rw | w")
    .option("--word-order <order>", "big | little")
    .option("--sf <entry>", "SunSpec scale factor entry")
    .option("--unit <unit>", "unit of the register value")
    .option("--description <text>", "text for the exported table")
    .addOption(configOption())
    .addOption(jsonOption());
}

/** Validates `map` and writes it atomically into the installer's directory; prints what happened. */
function writeMap(io: CliIo, map: RegisterMap, dir: string, json: boolean, what: string): void {
  const issues = validateRegisterMap(map);
  if (issues.length > 0) {
    if (json) printJson(io, { map: map.name, written: false, errors: issues });
    else io.err(`${issues.map((issue) => `${map.name}: ${formatMapIssue(issue)}`).join("\n")}\n`);
    throw new CliError(
      json ? "" : `${map.name}: not written, ${issues.length === 1 ? "1 error" : `${issues.length} errors`}`,
    );
  }
  const path = saveMap(map, dir);
  if (json) printJson(io, { map: map.name, written: true, path, change: what });
  else io.out(`${map.name}: ${what}; wrote ${path}\n`);
}

function findEntry(map: RegisterMap, key: string): number {
  const index = map.entries.findIndex((entry) => entryKey(entry) === key);
  if (index < 0)
    throw new CliError(`${map.name} has no entry "${key}" (entries are named by "name", else by point id)`);
  return index;
}

/** `bcu map list|show|validate|points|set|add|remove|diff|export|use`. */
export function registerMapCommands(program: Command, { io }: CliContext): void {
  const map = program.command("map").description("inspect, edit and choose the Modbus register maps");

  map
    .command("list")
    .description("list the register maps: the installer's and the shipped ones, and which one is in use")
    .addOption(configOption())
    .addOption(jsonOption())
    .action((options: CommonOptions) => {
      const config = loadConfigOrFail(io.cwd, options.config);
      const dir = resolve(io.cwd, installerMapDir(config.modbus, config.daemon));
      const active = readActiveMapChoice(dir) ?? config.modbus.map;
      const rows = listMaps(dir).map((location) => {
        const document = readMapDocument(location.path) as Partial<RegisterMap>;
        const issues = validateRegisterMap(document);
        return {
          name: location.name,
          version: document.version ?? "",
          origin: location.origin,
          entries: document.entries?.length ?? 0,
          valid: issues.length === 0,
          active: location.name === active,
          path: location.path,
        };
      });
      if (options.json === true) return printJson(io, rows);
      io.out(
        formatTable(
          ["name", "version", "origin", "entries", "valid", "active"],
          rows.map((r) => [r.name, r.version, r.origin, r.entries, r.valid ? "yes" : "NO", r.active ? "*" : ""]),
        ),
      );
    });

  map
    .command("show")
    .description("print a map's entries")
    .argument("<map>", "map name or path")
    .addOption(configOption())
    .addOption(jsonOption())
    .action((name: string, options: CommonOptions) => {
      const { map: shown } = readValidMap(io, name, options);
      if (options.json === true) return printJson(io, shown);
      io.out(`${shown.name} ${shown.version}  unit ids ${shown.unitIds.join(", ")}\n`);
      io.out(
        formatTable(
          ["table", "address", "size", "type", "scale", "access", "entry", "point / value"],
          shown.entries.map((e) => [
            e.table,
            e.address,
            entrySize(e),
            e.type + (e.bit === undefined ? "" : `:${e.bit}`),
            e.scale ?? 1,
            entryAccess(e),
            entryKey(e),
            e.point ?? JSON.stringify(e.value),
          ]),
        ),
      );
    });

  map
    .command("validate")
    .description("check a map: schema, overlaps, points, ranges at scale, access, duplicates")
    .argument("<map>", "map name or path")
    .addOption(configOption())
    .addOption(jsonOption())
    .action((name: string, options: CommonOptions) => {
      const dir = mapDirOf(io, options);
      let location;
      try {
        location = locateMap(name, dir, io.cwd);
      } catch (error) {
        if (error instanceof MapNotFoundError) throw new CliError(error.message);
        throw error;
      }
      let issues;
      try {
        issues = validateRegisterMap(readMapDocument(location.path));
      } catch (error) {
        if (!(error instanceof RegisterMapError)) throw error;
        issues = [...error.issues];
      }
      if (options.json === true)
        printJson(io, { map: name, path: location.path, valid: issues.length === 0, errors: issues });
      else if (issues.length === 0) io.out(`${name}: valid\n`);
      else
        io.out(
          `${issues.map((issue) => `${name}: ${formatMapIssue(issue)}`).join("\n")}\n${name}: invalid, ${issues.length === 1 ? "1 error" : `${issues.length} errors`}\n`,
        );
      if (issues.length > 0) throw new CliError("");
    });

  map
    .command("points")
    .description("list every published point: id, type, unit, range, writable, description")
    .option("--markdown", "print docs/points.md")
    .addOption(jsonOption())
    .action((options: { json?: boolean; markdown?: boolean }) => {
      if (options.markdown === true) return void io.out(renderPointsMarkdown());
      const rows = catalogRows();
      if (options.json === true) return printJson(io, rows);
      io.out(
        formatTable(
          ["id", "type", "unit", "range", "writable"],
          rows.map((r) => [r.id, r.type, r.unit, r.range, r.writable]),
        ),
      );
    });

  addEntryOptions(
    map
      .command("set")
      .description("change fields of one entry (by name, else point id); validated, then written atomically")
      .argument("<map>", "map name or path")
      .argument("<entry>", "entry name or point id"),
  ).action((name: string, key: string, options: EntryOptions) => {
    const { map: edited, dir } = readValidMap(io, name, options);
    const fields = entryFields(options);
    if (Object.keys(fields).length === 0) throw new CliError("nothing to set: give --address, --type, --scale, ...", 2);
    const index = findEntry(edited, key);
    const entries = edited.entries.map((entry, i) =>
      i === index ? ({ ...entry, ...fields } as RegisterMapEntry) : entry,
    );
    writeMap(io, { ...edited, entries }, dir, options.json === true, `set ${Object.keys(fields).join(", ")} of ${key}`);
  });

  addEntryOptions(
    map
      .command("add")
      .description("add an entry; validated, then written atomically")
      .argument("<map>", "map name or path"),
  ).action((name: string, options: EntryOptions) => {
    const { map: edited, dir } = readValidMap(io, name, options);
    const entry = entryFields(options) as unknown as RegisterMapEntry;
    writeMap(
      io,
      { ...edited, entries: [...edited.entries, entry] },
      dir,
      options.json === true,
      `added ${entryKey(entry)}`,
    );
  });

  map
    .command("remove")
    .description("remove an entry; validated, then written atomically")
    .argument("<map>", "map name or path")
    .argument("<entry>", "entry name or point id")
    .addOption(configOption())
    .addOption(jsonOption())
    .action((name: string, key: string, options: CommonOptions) => {
      const { map: edited, dir } = readValidMap(io, name, options);
      const index = findEntry(edited, key);
      writeMap(
        io,
        { ...edited, entries: edited.entries.filter((_, i) => i !== index) },
        dir,
        options.json === true,
        `removed ${key}`,
      );
    });

  map
    .command("diff")
    .description("entries added, removed and changed from map A to map B")
    .argument("<a>", "map name or path")
    .argument("<b>", "map name or path")
    .addOption(configOption())
    .addOption(jsonOption())
    .action((a: string, b: string, options: CommonOptions) => {
      const diff = diffMaps(readValidMap(io, a, options).map, readValidMap(io, b, options).map);
      if (options.json === true) return printJson(io, diff);
      const lines = [
        ...diff.removed.map((key) => `- ${key}`),
        ...diff.added.map((key) => `+ ${key}`),
        ...diff.changed.map(
          (change) =>
            `~ ${change.entry}: ${Object.entries(change.fields)
              .map(([field, [from, to]]) => `${field} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`)
              .join(", ")}`,
        ),
      ];
      io.out(lines.length === 0 ? "no differences\n" : `${lines.join("\n")}\n`);
    });

  map
    .command("export")
    .description("the register table a PCS vendor is handed, as CSV or Markdown")
    .argument("<map>", "map name or path")
    .option("--format <format>", "csv | md", "csv")
    .addOption(configOption())
    .action((name: string, options: CommonOptions & { format: string }) => {
      if (options.format !== "csv" && options.format !== "md") {
        throw new CliError(`--format: expected csv or md, got "${options.format}"`, 2);
      }
      const { map: exported } = readValidMap(io, name, options);
      io.out(options.format === "csv" ? exportCsv(exported) : exportMarkdown(exported));
    });

  map
    .command("use")
    .description("serve this map: the running daemon switches at its next check (about 1 s), connections stay open")
    .argument("<map>", "map name or path")
    .addOption(configOption())
    .addOption(jsonOption())
    .action((name: string, options: CommonOptions) => {
      const { map: chosen, dir } = readValidMap(io, name, options);
      writeActiveMapChoice(dir, name);
      if (options.json === true) printJson(io, { map: chosen.name, version: chosen.version, active: true });
      else io.out(`${chosen.name} ${chosen.version} is now the active map\n`);
    });
}

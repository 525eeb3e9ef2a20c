import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseRegisterMap, RegisterMapError } from "./map-validate.ts";
import type { RegisterMap } from "./map-types.ts";

/** The maps shipped with bcu (register-maps/ of the package). */
export const SHIPPED_MAP_DIR = fileURLToPath(new URL("../../../register-maps/", import.meta.url));
/** File in the installer's map directory naming the map `bcu map use` chose. */
export const ACTIVE_MAP_FILE = "active-map";

/** Thrown when a map cannot be found or read; the message says where it looked. */
export class MapNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MapNotFoundError";
  }
}

export interface MapLocation {
  readonly name: string;
  readonly path: string;
  /** "installer": in the installer's directory (editable copy); "shipped": in the package. */
  readonly origin: "installer" | "shipped" | "file";
}

/** The installer's map directory: `modbus.mapDir`, or `<dataDir>/register-maps` when that is "". */
export function installerMapDir(modbus: { readonly mapDir: string }, daemon: { readonly dataDir: string }): string {
  return modbus.mapDir !== "" ? modbus.mapDir : join(daemon.dataDir, "register-maps");
}

/** Every map by name: the installer's copies first, then the shipped maps they do not shadow. */
export function listMaps(installerDir: string): MapLocation[] {
  const found = new Map<string, MapLocation>();
  for (const [dir, origin] of [
    [installerDir, "installer"],
    [SHIPPED_MAP_DIR, "shipped"],
  ] as const) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith(".json") || file.endsWith(".schema.json")) continue;
      const name = file.slice(0, -".json".length);
      if (!found.has(name)) found.set(name, { name, path: join(dir, file), origin });
    }
  }
  return [...found.values()];
}

/** Where map `nameOrPath` is: a path (contains "/" or ends in .json) or a name looked up in `listMaps`. */
export function locateMap(nameOrPath: string, installerDir: string, cwd = process.cwd()): MapLocation {
  if (nameOrPath.includes("/") || nameOrPath.endsWith(".json")) {
    const path = isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath);
    if (!existsSync(path)) throw new MapNotFoundError(`no register map file ${nameOrPath}`);
    return { name: basename(path, ".json"), path, origin: "file" };
  }
  const location = listMaps(installerDir).find((map) => map.name === nameOrPath);
  if (!location) {
    const names = listMaps(installerDir).map((map) => map.name);
    throw new MapNotFoundError(
      `no register map "${nameOrPath}" in ${installerDir} or ${SHIPPED_MAP_DIR} (known: ${names.join(", ") || "none"})`,
    );
  }
  return location;
}

/** Reads the JSON of a map without validating it (for `bcu map validate`). */
export function readMapDocument(path: string): unknown {
  const text = readFileSync(path, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RegisterMapError(path, [{ index: null, entry: null, reason: `not JSON: ${(error as Error).message}` }]);
  }
}

/** Reads and validates a map; throws `RegisterMapError` naming every problem. */
export function loadMap(nameOrPath: string, installerDir: string, cwd?: string): RegisterMap {
  const location = locateMap(nameOrPath, installerDir, cwd);
  return parseRegisterMap(readMapDocument(location.path), location.path);
}

/**
 * Writes `map` as `<dir>/<name>.json` atomically: validated first (an invalid map is never written), written to
 * a temporary file, flushed, then renamed over the old one, so a reader (the daemon) sees the old or the new
 * map, never half of one.
 */
export function saveMap(map: RegisterMap, dir: string): string {
  parseRegisterMap(map, map.name);
  const path = join(dir, `${map.name}.json`);
  writeFileAtomic(path, `${JSON.stringify(map, null, 2)}\n`);
  return path;
}

export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** The map `bcu map use` chose, or null when none was chosen (the configuration's `modbus.map` applies). */
export function readActiveMapChoice(installerDir: string): string | null {
  const path = join(installerDir, ACTIVE_MAP_FILE);
  if (!existsSync(path)) return null;
  const name = readFileSync(path, "utf8").trim();
  return name === "" ? null : name;
}

export function writeActiveMapChoice(installerDir: string, nameOrPath: string): void {
  writeFileAtomic(join(installerDir, ACTIVE_MAP_FILE), `${nameOrPath}\n`);
}

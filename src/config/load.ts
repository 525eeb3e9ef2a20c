import { readFileSync } from "node:fs";
import { defaultConfigDocument } from "./defaults.ts";
import { ConfigError } from "./errors.ts";
import { isPlainObject, mergeDeep } from "./merge.ts";
import type { BcuConfig } from "./sections.ts";
import { parseConfigText } from "./source.ts";
import { validateConfig } from "./validate.ts";

/**
 * Reads a YAML or JSON configuration file (by extension), merges it over the embedded defaults (mappings merge
 * key by key, lists and scalars replace) and validates the result. Throws `ConfigError` listing every problem,
 * each with the file, the path inside it, the line and column and the reason.
 */
export function loadConfigFile(path: string): BcuConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : `cannot read the file (${(error as Error).message})`;
    throw new ConfigError([{ file: path, path: "", reason }], { cause: error });
  }
  return loadConfigText(text, path);
}

/** `loadConfigFile` for a text already in memory; `fileName` chooses the format and names the file in errors. */
export function loadConfigText(text: string, fileName: string): BcuConfig {
  const parsed = parseConfigText(text, fileName);
  if (!isPlainObject(parsed.data)) {
    // Merging would silently drop the defaults: say what is wrong instead.
    return validateConfig(parsed.data, fileName, parsed.locate);
  }
  return validateConfig(mergeDeep(defaultConfigDocument(), parsed.data), fileName, parsed.locate);
}

/** The configuration of a command: the file when one is given, else the embedded defaults. */
export function loadConfig(path: string | undefined): BcuConfig {
  return path === undefined ? validateConfig(defaultConfigDocument(), "<embedded defaults>") : loadConfigFile(path);
}

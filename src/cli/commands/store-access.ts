import { isAbsolute, resolve } from "node:path";
import { loadConfig } from "../../config/load.ts";
import { openStoreReadOnly, type StoreDatabase } from "../../store/database.ts";
import { PersistenceError } from "../../store/errors.ts";
import { storeFilePath } from "../../store/store.ts";
import { parseDuration_ms } from "../../util/duration.ts";
import { DurationError } from "../../util/duration.ts";
import { CliError, EXIT_USAGE } from "../output.ts";
import type { CliIo } from "../output.ts";

/** The database of `--db`, else of the configuration's `store.path`, read-only; a PersistenceError becomes a CliError. */
export function openDatabaseForCli(io: CliIo, options: { config?: string; db?: string }): StoreDatabase {
  const config = options.config === undefined ? undefined : resolve(io.cwd, options.config);
  const path = options.db ?? storeFilePath(loadConfig(config));
  try {
    return openStoreReadOnly(isAbsolute(path) ? path : resolve(io.cwd, path));
  } catch (error) {
    if (error instanceof PersistenceError) throw new CliError(error.message, undefined, { cause: error });
    throw error;
  }
}

/**
 * A point in time from the command line: a duration back from now (`15m`, `2h`, `7d`) or a date and time
 * (`2024-03-01`, `2024-03-01T06:00:00Z`; without a zone it is local time).
 */
export function parseTimeOption(text: string, nowMs: number, option: string): number {
  try {
    return nowMs - parseDuration_ms(text);
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new CliError(
      `${option} "${text}" is neither a duration back from now (15m, 2h, 7d) nor a date (2024-03-01T06:00:00Z)`,
      EXIT_USAGE,
    );
  }
  return t;
}

import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { PersistenceError, SchemaVersionError, describeError } from "./errors.ts";
import { SCHEMA_VERSION, migrate, schemaVersion } from "./schema.ts";

export type StoreDatabase = Database.Database;

export interface OpenedDatabase {
  readonly db: StoreDatabase;
  /** Migrations applied by this open (empty when the file was current). */
  readonly migrated: readonly number[];
  /** Copy of the file taken before migrating it, or null. */
  readonly backupPath: string | null;
}

/**
 * Opens (creating when needed) the store's database for the daemon: WAL, so readers (`bcu events`) never block
 * the writer and a crash at any instant leaves the last committed transaction; `synchronous = FULL`, so a
 * committed transaction is on the disk before the call returns (a power cut loses nothing acknowledged).
 * A file at an older schema is copied to `<path>.v<N>.bak` first, then migrated.
 */
export function openStoreDatabase(path: string): OpenedDatabase {
  let db: StoreDatabase;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    // A CLI reader may hold the WAL briefly; wait for it rather than fail a write.
    db.pragma("busy_timeout = 2000");
  } catch (error) {
    throw new PersistenceError(`cannot open the database ${path}: ${describeError(error)}`, { cause: error });
  }
  try {
    const found = schemaVersion(db);
    if (found > SCHEMA_VERSION) throw new SchemaVersionError(path, found, SCHEMA_VERSION);
    let backupPath: string | null = null;
    if (found > 0 && found < SCHEMA_VERSION) {
      backupPath = `${path}.v${found}.bak`;
      if (!existsSync(backupPath)) db.prepare("VACUUM INTO ?").run(backupPath);
    }
    return { db, migrated: migrate(db), backupPath };
  } catch (error) {
    db.close();
    if (error instanceof SchemaVersionError) throw error;
    throw new PersistenceError(`cannot prepare the database ${path}: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Opens the database read-only for the CLI (`bcu events`, `bcu trend`), while the daemon may be writing it.
 * Throws a PersistenceError naming the file when it does not exist or cannot be read.
 */
export function openStoreReadOnly(path: string): StoreDatabase {
  if (!existsSync(path)) {
    throw new PersistenceError(
      `no database at ${path}: has the daemon run with this configuration? (store.path, daemon.dataDir)`,
    );
  }
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 2000");
    const found = schemaVersion(db);
    if (found > SCHEMA_VERSION) throw new SchemaVersionError(path, found, SCHEMA_VERSION);
    return db;
  } catch (error) {
    if (error instanceof SchemaVersionError) throw error;
    throw new PersistenceError(`cannot read the database ${path}: ${describeError(error)}`, { cause: error });
  }
}

/** `PRAGMA integrity_check`: "ok" or the problems SQLite found. */
export function integrityCheck(db: StoreDatabase): string {
  const rows = db.pragma("integrity_check") as { integrity_check: string }[];
  return rows.map((row) => row.integrity_check).join("; ");
}

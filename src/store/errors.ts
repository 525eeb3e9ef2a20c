/** Base of the store's errors; `cause` keeps the SQLite or file-system error. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
  }
}

/** Thrown when the database file cannot be opened, read or written (full disk, read-only directory, corruption). */
export class PersistenceError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PersistenceError";
  }
}

/** Thrown when a database was written by a newer bcu than this one: its schema is not understood. */
export class SchemaVersionError extends StoreError {
  constructor(path: string, found: number, known: number) {
    super(
      `${path} has schema version ${found}, this bcu knows up to ${known}: upgrade bcu, or move the file away to start a new database`,
    );
    this.name = "SchemaVersionError";
  }
}

/** Thrown for a trend point or query the store cannot answer; the message lists what it can. */
export class TrendQueryError extends StoreError {
  constructor(message: string) {
    super(message);
    this.name = "TrendQueryError";
  }
}

/** A SQLite or file-system error in words: the code when there is one, then the message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `${code}: ${error.message}` : error.message;
}

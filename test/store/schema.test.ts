import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { SchemaVersionError } from "../../src/store/errors.ts";
import { integrityCheck, openStoreDatabase, openStoreReadOnly } from "../../src/store/database.ts";
import { SCHEMA_VERSION, migrations, schemaVersion } from "../../src/store/schema.ts";
import { tempDir } from "./store-fixture.ts";

test("a new database is created at the latest schema, in WAL mode, and passes integrity_check", (t) => {
  const path = join(tempDir(t), "sub", "bcu.sqlite");
  const { db, migrated, backupPath } = openStoreDatabase(path);
  assert.deepEqual(
    migrated,
    migrations.map((m) => m.version),
  );
  assert.equal(backupPath, null);
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  assert.equal(db.pragma("synchronous", { simple: true }), 2, "FULL: a commit is on the disk when it returns");
  assert.equal(integrityCheck(db), "ok");
  db.close();
  const again = openStoreDatabase(path);
  assert.deepEqual(again.migrated, [], "reopening a current file migrates nothing");
  again.db.close();
});

test("migrations are numbered 1, 2, ... with no gap", () => {
  assert.deepEqual(
    migrations.map((m) => m.version),
    migrations.map((_, i) => i + 1),
  );
});

test("a file from a newer bcu is refused with a message that says what to do", (t) => {
  const path = join(tempDir(t), "bcu.sqlite");
  const db = new Database(path);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(
    () => openStoreDatabase(path),
    (error: unknown) => {
      assert.ok(error instanceof SchemaVersionError);
      assert.match(error.message, /upgrade bcu, or move the file away/);
      return true;
    },
  );
  assert.throws(() => openStoreReadOnly(path), SchemaVersionError);
});

test("a file that is not a database is a PersistenceError naming the file", (t) => {
  const path = join(tempDir(t), "bcu.sqlite");
  writeFileSync(path, "this is not sqlite, it is text long enough to fill a header block ".repeat(20));
  assert.throws(() => openStoreDatabase(path), {
    name: "PersistenceError",
    message: new RegExp(`${path}.*not a database`),
  });
});

test("the CLI's read-only open says where it looked when there is no database", (t) => {
  const path = join(tempDir(t), "none.sqlite");
  assert.throws(() => openStoreReadOnly(path), { name: "PersistenceError", message: /no database at .*none\.sqlite/ });
  assert.equal(existsSync(path), false, "a read-only open creates nothing");
});

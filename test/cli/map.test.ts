import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { bufferedIo } from "../../src/cli/output.ts";
import { startTestServer } from "../northbound/modbus/fixture.ts";

async function bcu(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferedIo(cwd);
  const code = await runCli(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** A work directory whose configuration keeps the installer's maps in ./maps. */
function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bcu-map-cli-"));
  writeFileSync(join(dir, "bcu.yaml"), "daemon:\n  dataDir: ./data\nmodbus:\n  mapDir: ./maps\n");
  return dir;
}

test("map validate: shipped maps valid; a bad file lists each error with its entry; exit 1", async () => {
  const dir = workDir();
  assert.deepEqual(await bcu(dir, "map", "validate", "sunspec", "-c", "bcu.yaml"), {
    code: 0,
    stdout: "sunspec: valid\n",
    stderr: "",
  });
  writeFileSync(
    join(dir, "bad.json"),
    JSON.stringify({
      name: "bad",
      version: "1",
      unitIds: [1],
      entries: [{ point: "pack.soc", table: "holdingRegister", address: 0, type: "i16", access: "rw" }],
    }),
  );
  const result = await bcu(dir, "map", "validate", "./bad.json", "-c", "bcu.yaml");
  assert.equal(result.code, 1);
  assert.equal(
    result.stdout,
    './bad.json: entries[0] pack.soc: access "rw" but point pack.soc is read-only\n./bad.json: invalid, 1 error\n',
  );
});

test("map set: validated before written; a good edit lands in the installer's copy, the shipped map untouched", async () => {
  const dir = workDir();
  const refused = await bcu(dir, "map", "set", "default", "pack.current", "--type", "u16", "-c", "bcu.yaml");
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /entries\[1\] pack\.current: type u16 too small/);
  assert.equal(existsSync(join(dir, "maps", "default.json")), false, "nothing written");
  const done = await bcu(
    dir,
    "map",
    "set",
    "default",
    "pack.current",
    "--type",
    "i32",
    "--address",
    "200",
    "-c",
    "bcu.yaml",
    "--json",
  );
  assert.equal(done.code, 0, done.stderr);
  const edited = JSON.parse(readFileSync(join(dir, "maps", "default.json"), "utf8")) as {
    entries: { point?: string; type: string; address: number }[];
  };
  const entry = edited.entries.find((e) => e.point === "pack.current")!;
  assert.deepEqual([entry.type, entry.address], ["i32", 200]);
  const diff = await bcu(dir, "map", "diff", "sunspec", "default", "-c", "bcu.yaml", "--json");
  assert.equal(diff.code, 0);
  const shippedVsInstaller = await bcu(
    dir,
    "map",
    "diff",
    join(process.cwd(), "register-maps/default.json"),
    "default",
    "-c",
    "bcu.yaml",
  );
  assert.equal(shippedVsInstaller.stdout, '~ pack.current: address 1 -> 200, type "i16" -> "i32"\n');
});

test("map add, remove, export csv, use", async () => {
  const dir = workDir();
  const added = await bcu(
    dir,
    "map",
    "add",
    "default",
    "--point",
    "pack.soc",
    "--name",
    "socAgain",
    "--table",
    "inputRegister",
    "--address",
    "0",
    "--type",
    "u16",
    "--scale",
    "0.1",
    "-c",
    "bcu.yaml",
  );
  assert.equal(added.code, 0, added.stderr);
  const csv = (await bcu(dir, "map", "export", "default", "--format", "csv", "-c", "bcu.yaml")).stdout;
  assert.match(csv, /^table,address,registers,name,point,type,scale,offset,unit,access,description\n/);
  assert.match(csv, /\nholdingRegister,0,1,pack\.voltage,pack\.voltage,u16,0\.1,0,V,r,/);
  assert.match(csv, /\ninputRegister,0,1,socAgain,pack\.soc,u16,0\.1,0,%,r,/);
  assert.equal((await bcu(dir, "map", "remove", "default", "socAgain", "-c", "bcu.yaml")).code, 0);
  assert.doesNotMatch(
    (await bcu(dir, "map", "export", "default", "--format", "md", "-c", "bcu.yaml")).stdout,
    /socAgain/,
  );
  assert.equal((await bcu(dir, "map", "use", "sunspec", "-c", "bcu.yaml")).code, 0);
  assert.equal(readFileSync(join(dir, "maps", "active-map"), "utf8"), "sunspec\n");
  const list = JSON.parse((await bcu(dir, "map", "list", "-c", "bcu.yaml", "--json")).stdout) as {
    name: string;
    active: boolean;
    origin: string;
  }[];
  assert.deepEqual(
    list.map((m) => [m.name, m.origin, m.active]),
    [
      ["default", "installer", false],
      ["sunspec", "shipped", true],
    ],
  );
});

test("map points lists the catalog with the writable flag", async () => {
  const rows = JSON.parse((await bcu(process.cwd(), "map", "points", "--json")).stdout) as {
    id: string;
    writable: string;
  }[];
  assert.equal(rows.find((r) => r.id === "command.closeContactors")?.writable, "yes");
  assert.equal(rows.find((r) => r.id === "pack.voltage")?.writable, "no");
});

test("modbus read: reads the running server and decodes with the map", async () => {
  const t = await startTestServer();
  try {
    const result = await bcu(
      process.cwd(),
      "modbus",
      "read",
      "0",
      "2",
      "--port",
      String(t.server.port),
      "--host",
      "127.0.0.1",
      "--json",
    );
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { values: { raw: number; entry: string; value: number }[] };
    assert.deepEqual(
      report.values.map((v) => [v.raw, v.entry, v.value]),
      [
        [7926, "pack.voltage", 792.6],
        [64302, "pack.current", -123.4],
      ],
    );
    const refused = await bcu(
      process.cwd(),
      "modbus",
      "read",
      "41",
      "--port",
      String(t.server.port),
      "--host",
      "127.0.0.1",
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exception 2 \(illegal data address\)/);
  } finally {
    await t.server.close();
  }
});

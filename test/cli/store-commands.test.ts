import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { bufferedIo } from "../../src/cli/output.ts";
import { silentLogger } from "../../src/daemon/log.ts";
import { startStore } from "../../src/store/store.ts";
import { attach, simRack, storeConfig, tempDir } from "../store/store-fixture.ts";

/** A database with 3 minutes of the simulated rack, events of each level and a command, ending about now. */
function recorded(t: { after: (fn: () => void) => void }): string {
  const dir = tempDir(t);
  const config = storeConfig(dir, { cellTrendInterval_s: 60 });
  const start = Math.floor((Date.now() - 200_000) / 1000) * 1000;
  const rack = simRack(config, start);
  const store = startStore({ config, log: silentLogger, nowMs: () => rack.scheduler.nowMs() });
  attach(rack, store);
  rack.scheduler.runFor(90_000);
  const now = rack.scheduler.nowMs();
  store.recordEvent({
    timeMs: now,
    kind: "alarmRaised",
    source: "cellOverVoltage",
    level: 1,
    message: "cell over voltage warning",
    value: 3.62,
    unit: "V",
  });
  store.recordEvent({
    timeMs: now,
    kind: "alarmLatched",
    source: "cellOverVoltage",
    level: 3,
    message: "cell over voltage: contactors opened",
  });
  store.recordCommand(
    { kind: "resetFaults", origin: "modbus:192.0.2.7" },
    { id: 1, kind: "resetFaults", accepted: false, reason: "the cause is still present", timeMs: now },
  );
  rack.scheduler.runFor(90_000);
  store.close(rack.scheduler.nowMs());
  return join(dir, "bcu.sqlite");
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferedIo();
  const code = await runCli(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

test("bcu events: a table, --level filters, --json keeps every field including the origin", async (t) => {
  const db = recorded(t);
  const all = await cli("events", "--db", db, "--since", "1h");
  assert.equal(all.code, 0, all.err);
  assert.match(all.out, /^time +level +kind +source +message +origin\n/);
  assert.match(all.out, /warn +alarmRaised +cellOverVoltage +cell over voltage warning \(3\.62 V\)/);
  assert.match(
    all.out,
    /info +commandRefused +resetFaults +resetFaults refused: the cause is still present +modbus:192\.0\.2\.7/,
  );
  assert.match(all.out, /bcu started/);
  const severe = await cli("events", "--db", db, "--since", "1h", "--level", "disconnect", "--json");
  const events = JSON.parse(severe.out) as { level: number; message: string; time: string }[];
  assert.deepEqual(
    events.map((e) => e.message),
    ["cell over voltage: contactors opened"],
  );
  assert.match(events[0].time, /^\d{4}-\d\d-\d\dT/);
  const none = await cli("events", "--db", db, "--since", "2099-01-01T00:00:00Z");
  assert.match(none.out, /^no events since 2099-01-01T00:00:00.000Z\n$/);
});

test("bcu trend: a pack point as table and CSV, one cell, and clear errors", async (t) => {
  const db = recorded(t);
  const csv = await cli("trend", "pack.voltage", "--db", db, "--since", "1h", "--csv");
  assert.equal(csv.code, 0, csv.err);
  const lines = csv.out.trimEnd().split("\n");
  assert.equal(lines[0], "time,value");
  assert.ok(lines.length >= 170, `one line per second (${lines.length})`);
  const [, value] = lines.at(-1)!.split(",");
  assert.ok(Number(value) > 600 && Number(value) < 900, `the default rack's pack voltage (${value})`);
  const cell = await cli("trend", "cell.1.1.voltage", "--db", db, "--since", "1h");
  assert.match(cell.out, /^time +cell\.1\.1\.voltage\n/);
  assert.match(cell.out, /\n\S+Z +3\.\d+\n/);
  const minute = await cli("trend", "pack.current", "--db", db, "--since", "1h", "--resolution", "minute", "--csv");
  assert.match(minute.out, /^time,value,min,max\n/);
  const unknown = await cli("trend", "pack.voltag", "--db", db);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown point "pack\.voltag": a catalog id \(pack\.voltage, /);
  const badSince = await cli("trend", "pack.voltage", "--db", db, "--since", "yesterday");
  assert.equal(badSince.code, 2);
  assert.match(badSince.err, /--since "yesterday" is neither a duration/);
  const noDb = await cli("events", "--db", join(tempDir(t), "missing.sqlite"));
  assert.equal(noDb.code, 1);
  assert.match(noDb.err, /no database at .*missing\.sqlite: has the daemon run/);
});

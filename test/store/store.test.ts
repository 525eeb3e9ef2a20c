import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { silentLogger } from "../../src/daemon/log.ts";
import { integrityCheck } from "../../src/store/database.ts";
import { queryEvents } from "../../src/store/event-log.ts";
import { BcuStore, startStore } from "../../src/store/store.ts";
import { EPOCH_MS, attach, simRack, storeConfig, tempDir } from "./store-fixture.ts";

test("state is written on change at most every stateWriteInterval_s, and not rewritten when unchanged", (t) => {
  const config = storeConfig(tempDir(t), { stateWriteInterval_s: 10 });
  const rack = simRack(config);
  const store = startStore({ config, log: silentLogger, nowMs: () => rack.scheduler.nowMs() });
  attach(rack, store);
  let counter = 0;
  let captures = 0;
  store.registerState({
    component: "counters",
    version: 1,
    capture: () => {
      captures++;
      return { counter };
    },
  });
  const db = store.database!;
  const writes = (): number => db.prepare("SELECT time_ms FROM state").all().length;
  const counting = rack.scheduler.every(1000, () => counter++);
  rack.scheduler.runFor(60_000);
  assert.ok(captures >= 6 && captures <= 7, `captured every 10 s, not every cycle (${captures})`);
  const row = db.prepare("SELECT time_ms, data FROM state WHERE component = 'counters'").get() as {
    time_ms: number;
    data: string;
  };
  assert.ok(rack.scheduler.nowMs() - row.time_ms <= 10_000, "the stored state is at most one interval old");
  assert.ok(JSON.parse(row.data).counter >= 50);
  // A value that stops changing is written once more (its last change), then not again.
  counting();
  rack.scheduler.runFor(11_000);
  const before = (db.prepare("SELECT time_ms FROM state").get() as { time_ms: number }).time_ms;
  rack.scheduler.runFor(60_000);
  const after = (db.prepare("SELECT time_ms FROM state").get() as { time_ms: number }).time_ms;
  assert.equal(after, before, "unchanged state is not rewritten");
  assert.equal(writes(), 1);
  store.close(rack.scheduler.nowMs());
});

test("restore: fresh state of the same rack is used; another rack, an old one or one from the future is not, with the reason logged", (t) => {
  const dir = tempDir(t);
  const config = storeConfig(dir, { stateMaxAge_s: 3600 });
  let now = EPOCH_MS;
  const first = startStore({ config, log: silentLogger, nowMs: () => now });
  first.registerState({ component: "estimation", version: 1, capture: () => ({ cellSoc: [0.5, 0.6] }) });
  assert.equal(first.flushState(now), true);
  first.close(now);

  now += 600_000;
  const second = startStore({ config, log: silentLogger, nowMs: () => now });
  const restored = second.restore();
  assert.deepEqual(restored.get("estimation")?.data, { cellSoc: [0.5, 0.6] });
  assert.equal(restored.get("estimation")?.timeMs, EPOCH_MS);
  second.close(now);

  const otherRack = { ...config, rack: { ...config.rack, cellsPerBmu: config.rack.cellsPerBmu - 1 } };
  const third = startStore({ config: otherRack, log: silentLogger, nowMs: () => now });
  assert.equal(third.restore().get("estimation"), null);
  third.close(now);

  now = EPOCH_MS + 2 * 3600_000;
  const fourth = startStore({ config, log: silentLogger, nowMs: () => now });
  assert.equal(fourth.restore().get("estimation"), null);
  now = EPOCH_MS - 60_000;
  assert.equal(fourth.restore().get("estimation"), null);
  const messages = queryEvents(fourth.database!).map((e) => e.message);
  fourth.close(now);
  assert.ok(messages.includes("persisted estimation state restored (600.0 s old)"), messages.join("\n"));
  assert.ok(messages.includes("persisted estimation state not restored: written for another rack configuration"));
  assert.ok(messages.some((m) => /not restored: 7200 s old, more than store.stateMaxAge_s \(3600 s\)/.test(m)));
  assert.ok(messages.some((m) => /not restored: its time is 60 s in the future/.test(m)));
});

test("a data directory that cannot be created: the store runs, the alarm is raised, events wait in memory", (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "file"), "");
  // A directory under a regular file cannot exist: the same for root as for the service user.
  const config = storeConfig(join(dir, "file", "data"));
  const rack = simRack(config);
  const store = startStore({ config, log: silentLogger, nowMs: () => rack.scheduler.nowMs() });
  attach(rack, store);
  assert.equal(store.persistenceOk, false);
  assert.equal(store.alarm().level, 1);
  assert.match(store.alarm().reason, /opening the database: .*ENOTDIR|not a directory/i);
  assert.equal(store.restore().get("estimation"), null);
  assert.equal(
    store.recordEvent({ timeMs: rack.scheduler.nowMs(), kind: "system", source: "cli", level: 0, message: "x" }),
    false,
  );
  rack.scheduler.runFor(120_000);
  assert.ok(rack.pipeline.status().cycles >= 1199, "the cycle kept running");
  assert.equal(rack.pipeline.status().listenerErrors, 0, "the store never threw into the pipeline");
  assert.ok(store.pendingEvents >= 3, "started, the alarm and the CLI event wait");
  store.close(rack.scheduler.nowMs());
});

test("a full disk raises the persistence alarm once, protection continues, and nothing waiting is lost when space returns", (t) => {
  const config = storeConfig(tempDir(t), { retryInterval_s: 5, failureAlarmLevel: 2 });
  const rack = simRack(config);
  const store = startStore({ config, log: silentLogger, nowMs: () => rack.scheduler.nowMs() });
  attach(rack, store);
  const alarms: number[] = [];
  store.onPersistenceChange((alarm) => alarms.push(alarm.level));
  rack.scheduler.runFor(10_000);
  const db = store.database!;
  // SQLite's page limit is the disk filling up, as SQLite sees it: SQLITE_FULL on the next page needed.
  const pages = db.pragma("page_count", { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  rack.scheduler.runFor(120_000);
  assert.equal(store.persistenceOk, false);
  assert.equal(store.alarm().level, 2);
  assert.match(store.alarm().reason, /SQLITE_FULL/);
  const during = {
    timeMs: rack.scheduler.nowMs(),
    kind: "system",
    source: "cli",
    level: 0,
    message: "during",
  } as const;
  assert.equal(store.recordEvent(during), false, "not acknowledged while the disk is full");
  assert.equal(rack.pipeline.status().listenerErrors, 0);
  db.pragma("max_page_count = 1073741823");
  rack.scheduler.runFor(15_000);
  assert.equal(store.persistenceOk, true);
  assert.deepEqual(alarms, [2, 0], "raised once, cleared once");
  const events = queryEvents(db);
  const kinds = events.map((e) => `${e.source}:${e.kind}:${e.message.split(" ")[0]}`);
  assert.ok(kinds.includes("persistence:alarmRaised:cannot"), kinds.join(", "));
  assert.ok(kinds.includes("cli:system:during"));
  assert.ok(kinds.includes("persistence:alarmCleared:the"));
  assert.equal(integrityCheck(db), "ok");
  store.close(rack.scheduler.nowMs());
});

test("close writes the final state even when unchanged, logs the stop and folds the WAL into the file", (t) => {
  const config = storeConfig(tempDir(t));
  const store = new BcuStore({ config, log: silentLogger, nowMs: () => EPOCH_MS });
  store.registerState({ component: "protection", version: 1, capture: () => ({ latched: ["cellOverVoltage"] }) });
  store.flushState(EPOCH_MS);
  store.close(EPOCH_MS + 5000);
  const reopened = new BcuStore({ config, log: silentLogger, nowMs: () => EPOCH_MS + 6000 });
  const restored = reopened.restore().get("protection");
  assert.equal(restored?.timeMs, EPOCH_MS + 5000, "the time of the final write, not of the last change");
  assert.deepEqual(restored?.data, { latched: ["cellOverVoltage"] });
  assert.equal(queryEvents(reopened.database!).at(-2)?.message, "bcu stopped");
  reopened.close();
});

test("reload: intervals and trend points are taken; another file or rack is refused and the running setup stays", (t) => {
  const config = storeConfig(tempDir(t));
  const store = startStore({ config, log: silentLogger, nowMs: () => EPOCH_MS });
  assert.throws(() => store.checkReconfigure({ ...config, store: { ...config.store, path: "/elsewhere.sqlite" } }), {
    name: "StoreError",
    message: /store\.path changed to \/elsewhere\.sqlite: restart the daemon/,
  });
  const otherRack = { ...config, rack: { ...config.rack, bmuCount: 14 } };
  assert.throws(() => store.reconfigure(otherRack), /the rack configuration changed: restart the daemon/);
  assert.throws(
    () =>
      store.checkReconfigure({ ...config, store: { ...config.store, packTrendPoints: ["pack.voltage", "pack.nope"] } }),
    /store\.packTrendPoints names unknown points: pack\.nope/,
  );
  store.reconfigure({ ...config, store: { ...config.store, packTrendPoints: ["pack.voltage"] } });
  const layouts = store.database!.prepare("SELECT items FROM trend_layout WHERE kind = 'pack'").all() as {
    items: string;
  }[];
  assert.deepEqual(layouts.at(-1), { items: '["pack.voltage"]' });
  store.close(EPOCH_MS);
});

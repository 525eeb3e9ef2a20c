import assert from "node:assert/strict";
import { test } from "node:test";
import type { Logger, LogFields } from "../../src/daemon/log.ts";
import { silentLogger } from "../../src/daemon/log.ts";
import { pointCatalog } from "../../src/points/catalog.ts";
import { openStoreDatabase } from "../../src/store/database.ts";
import { MINUTE_MS, PackTrendWriter, queryPackTrend } from "../../src/store/pack-trend.ts";
import { startStore, storeFilePath } from "../../src/store/store.ts";
import { decodeFloat32 } from "../../src/store/trend-codec.ts";
import { TrendLayouts } from "../../src/store/trend-layout.ts";
import { readsNameplate, trendedPackPoints } from "../../src/store/trended-points.ts";
import { EPOCH_MS, attach, simRack, storeConfig, tempDir } from "./store-fixture.ts";

const NAMEPLATE = ["rack.ratedCapacity", "rack.ratedEnergy"];

/** Warnings a store logs, as message and fields. */
function warningsLogger(): { log: Logger; warnings: { message: string; fields?: LogFields }[] } {
  const warnings: { message: string; fields?: LogFields }[] = [];
  const log: Logger = {
    ...silentLogger,
    warn: (message, fields) => warnings.push({ message, fields }),
    child: () => log,
  };
  return { log, warnings };
}

test("the default pack trend records every measured analog point and leaves the nameplate constants out", () => {
  const ids = trendedPackPoints([]).map((p) => p.id);
  assert.ok(ids.includes("pack.voltage") && ids.includes("pack.soc") && ids.includes("limits.chargeCurrentMax"));
  for (const id of NAMEPLATE) assert.ok(!ids.includes(id), id);
  assert.deepEqual(
    pointCatalog.filter((p) => p.type === "float" && !ids.includes(p.id)).map((p) => p.id),
    NAMEPLATE,
    "only the nameplate floats are left out",
  );
  assert.deepEqual(
    pointCatalog.filter(readsNameplate).map((p) => p.id),
    NAMEPLATE,
  );
});

test("a named list is kept in its order, less nameplate points (with a warning); an unknown id is refused", (t) => {
  assert.deepEqual(
    trendedPackPoints(["pack.current", "rack.ratedEnergy", "pack.voltage"]).map((p) => p.id),
    ["pack.current", "pack.voltage"],
  );
  assert.throws(() => trendedPackPoints(["pack.voltage", "pack.nope"]), /names unknown points: pack\.nope/);

  const { log, warnings } = warningsLogger();
  const config = storeConfig(tempDir(t), { packTrendPoints: ["pack.voltage", "rack.ratedCapacity"] });
  const store = startStore({ config, log, nowMs: () => EPOCH_MS });
  assert.deepEqual(
    store.packTrendPoints.map((p) => p.id),
    ["pack.voltage"],
  );
  assert.equal(warnings.length, 1);
  assert.deepEqual(warnings[0].fields, { points: ["rack.ratedCapacity"] });
  store.close(EPOCH_MS);
});

test("the store's rows hold exactly the trended points: no column of unknowns for the nameplate", (t) => {
  const config = storeConfig(tempDir(t));
  const rack = simRack(config);
  const store = startStore({ config, log: silentLogger, nowMs: () => rack.scheduler.nowMs() });
  attach(rack, store);
  rack.scheduler.runFor(10_000);
  const db = store.database!;
  const layouts = db.prepare("SELECT items FROM trend_layout WHERE kind = 'pack'").all() as { items: string }[];
  assert.equal(layouts.length, 1);
  const recorded = JSON.parse(layouts[0].items) as string[];
  assert.deepEqual(
    recorded,
    trendedPackPoints([]).map((p) => p.id),
  );
  assert.ok(recorded.includes("pack.voltage"));
  for (const id of NAMEPLATE) assert.ok(!recorded.includes(id), id);
  const row = db.prepare("SELECT vals FROM pack_trend ORDER BY time_ms DESC LIMIT 1").get() as { vals: Uint8Array };
  assert.equal(decodeFloat32(row.vals).length, trendedPackPoints([]).length);
  store.close(rack.scheduler.nowMs());
});

test("a database written with the old layout (nameplate columns included) still answers after the change", (t) => {
  const config = storeConfig(tempDir(t));
  // What the store wrote before: every float point of the catalog, the nameplate read without one (unknown).
  const oldPoints = pointCatalog.filter((p) => p.type === "float");
  assert.ok(oldPoints.some((p) => p.id === "rack.ratedCapacity"));
  const old = openStoreDatabase(storeFilePath(config)).db;
  const writer = new PackTrendWriter(
    old,
    new TrendLayouts(old).idOf(
      "pack",
      oldPoints.map((p) => p.id),
    ),
  );
  const first = simRack(config);
  const truth = new Map<number, number | null>();
  first.pipeline.onSnapshot("old-store", (s) => {
    if (s.timeMs % 1000 !== 0) return;
    const values = oldPoints.map((p) => p.read(s) as number | null);
    writer.write(s.timeMs, values);
    truth.set(s.timeMs, values[oldPoints.findIndex((p) => p.id === "pack.voltage")]);
  });
  first.scheduler.runFor(3 * MINUTE_MS);
  old.close();
  assert.ok(truth.size >= 179, `${truth.size} old rows`);

  const restartMs = EPOCH_MS + 3 * MINUTE_MS + 10_000;
  const second = simRack(config, restartMs);
  const store = startStore({ config, log: silentLogger, nowMs: () => second.scheduler.nowMs() });
  attach(second, store);
  second.scheduler.runFor(3 * MINUTE_MS);
  const db = store.database!;
  const layouts = new TrendLayouts(db);
  const end = second.scheduler.nowMs();

  const kinds = db.prepare("SELECT items FROM trend_layout WHERE kind = 'pack' ORDER BY id").all() as {
    items: string;
  }[];
  assert.deepEqual(
    kinds.map((k) => (JSON.parse(k.items) as string[]).filter((id) => NAMEPLATE.includes(id))),
    [NAMEPLATE, []],
    "the old layout is kept beside the new one",
  );

  const voltage = queryPackTrend(db, layouts, "pack.voltage", EPOCH_MS, end, "fine");
  const before = voltage.filter((s) => s.timeMs < restartMs);
  const after = voltage.filter((s) => s.timeMs >= restartMs);
  assert.equal(before.length, truth.size, "every old-layout sample reads back");
  for (const s of before) {
    const expected = truth.get(s.timeMs);
    if (expected === null || expected === undefined) assert.equal(s.value, null);
    else assert.ok(Math.abs(s.value! - expected) < 1e-3, `${s.value} vs ${expected}`);
  }
  assert.ok(after.length >= 179 && after.every((s) => s.value !== null), `${after.length} new-layout samples`);

  const minutes = queryPackTrend(db, layouts, "pack.voltage", EPOCH_MS, end, "minute");
  assert.deepEqual(
    minutes.slice(0, 3).map((m) => m.timeMs),
    [EPOCH_MS, EPOCH_MS + MINUTE_MS, EPOCH_MS + 2 * MINUTE_MS],
    "the old minutes are aggregated from the old rows",
  );
  assert.ok(minutes.slice(0, 3).every((m) => m.value !== null && m.min !== null && m.max !== null));

  // The nameplate reads back as what was recorded: unknown in the old rows, absent from the new ones.
  const capacity = queryPackTrend(db, layouts, "rack.ratedCapacity", EPOCH_MS, end, "fine");
  assert.equal(capacity.length, truth.size);
  assert.ok(capacity.every((s) => s.value === null && s.timeMs < restartMs));
  store.close(end);
});

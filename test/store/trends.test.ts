import assert from "node:assert/strict";
import { test } from "node:test";
import { silentLogger } from "../../src/daemon/log.ts";
import { findPoint } from "../../src/points/catalog.ts";
import { parseCellPointId, queryCellTrend } from "../../src/store/cell-trend.ts";
import { MINUTE_MS, queryPackTrend } from "../../src/store/pack-trend.ts";
import { startStore } from "../../src/store/store.ts";
import { TrendLayouts } from "../../src/store/trend-layout.ts";
import { EPOCH_MS, attach, simRack, storeConfig, tempDir } from "./store-fixture.ts";

test("pack values are stored once a second, one row per sample, and read back per point", (t) => {
  const config = storeConfig(tempDir(t), { packTrendPoints: ["pack.voltage", "pack.current", "cell.voltageMax"] });
  const rack = simRack(config);
  const store = startStore({ config, log: silentLogger, nowMs: () => rack.scheduler.nowMs() });
  attach(rack, store);
  const seen = new Map<number, number | boolean | null>();
  const voltage = findPoint("pack.voltage")!;
  rack.pipeline.onSnapshot("probe", (s) => seen.set(s.timeMs, voltage.read(s)));
  rack.scheduler.runFor(180_000);
  const db = store.database!;
  const rows = (db.prepare("SELECT count(*) AS n FROM pack_trend").get() as { n: number }).n;
  assert.ok(rows >= 179 && rows <= 181, `one row per second (${rows})`);
  const samples = queryPackTrend(db, new TrendLayouts(db), "pack.voltage", EPOCH_MS, EPOCH_MS + 180_000, "fine");
  assert.equal(samples.length, rows);
  const known = samples.filter((s) => s.value !== null);
  assert.ok(known.length > 170, "the pack voltage is known once the sensor talks");
  for (const sample of known) {
    const truth = seen.get(sample.timeMs) as number;
    assert.ok(Math.abs(sample.value! - truth) < 1e-3, `${sample.value} vs ${truth}: float32 keeps 0.001 V at 800 V`);
    assert.equal(sample.timeMs % 1000, 0, "samples on whole seconds");
  }
  const current = queryPackTrend(db, new TrendLayouts(db), "pack.current", EPOCH_MS, EPOCH_MS + 180_000, "fine");
  assert.ok(
    current.some((s) => s.value !== null && s.value < -50),
    "the night charge shows as negative current",
  );
  store.close(rack.scheduler.nowMs());
});

test("each finished minute is down-sampled to min, mean and max; retention keeps minutes after the samples are gone", (t) => {
  // 0.005 d = 7.2 min of full-rate samples.
  const config = storeConfig(tempDir(t), {
    packTrendPoints: ["pack.voltage"],
    maintenanceInterval_s: 60,
    retention: { ...storeConfig("").store.retention, packTrendFine_days: 0.005 },
  });
  const rack = simRack(config);
  const store = startStore({ config, log: silentLogger, nowMs: () => rack.scheduler.nowMs() });
  attach(rack, store);
  rack.scheduler.runFor(20 * MINUTE_MS);
  const db = store.database!;
  const layouts = new TrendLayouts(db);
  const minutes = queryPackTrend(db, layouts, "pack.voltage", EPOCH_MS, EPOCH_MS + 20 * MINUTE_MS, "minute");
  assert.equal(minutes.length, 20, "every finished minute (the sample at 20:00 finishes the 20th)");
  const oldestFine = (db.prepare("SELECT min(time_ms) AS t FROM pack_trend").get() as { t: number }).t;
  assert.ok(oldestFine >= rack.scheduler.nowMs() - 0.005 * 86_400_000 - 60_000, "old samples deleted");
  // The minute rows agree with the samples they came from, where both still exist.
  const lastMinute = minutes.at(-1)!;
  const fine = queryPackTrend(
    db,
    layouts,
    "pack.voltage",
    lastMinute.timeMs,
    lastMinute.timeMs + MINUTE_MS - 1,
    "fine",
  );
  const values = fine.map((s) => s.value!).filter((v) => v !== null);
  assert.equal(values.length, 60);
  assert.ok(Math.abs(Math.min(...values) - lastMinute.min!) < 1e-3);
  assert.ok(Math.abs(Math.max(...values) - lastMinute.max!) < 1e-3);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(Math.abs(mean - lastMinute.value!) < 1e-2);
  // auto: minutes where the samples are gone, samples from there on.
  const auto = queryPackTrend(db, layouts, "pack.voltage", EPOCH_MS, rack.scheduler.nowMs());
  assert.ok(auto[0].min !== undefined && auto.at(-1)!.min === undefined);
  assert.ok(
    auto.every((s, i) => i === 0 || s.timeMs > auto[i - 1].timeMs),
    "in time order, no overlap",
  );
  store.close(rack.scheduler.nowMs());
});

test("a minute cut by a crash is aggregated after the restart, from both runs' samples", (t) => {
  const dir = tempDir(t);
  const config = storeConfig(dir, { packTrendPoints: ["pack.voltage"] });
  const first = simRack(config);
  const before = startStore({ config, log: silentLogger, nowMs: () => first.scheduler.nowMs() });
  attach(first, before);
  first.scheduler.runFor(90_000); // dies at 1:30 without close()
  const second = simRack(config, first.scheduler.nowMs() + 10_000);
  const after = startStore({ config, log: silentLogger, nowMs: () => second.scheduler.nowMs() });
  attach(second, after);
  second.scheduler.runFor(60_000);
  const db = after.database!;
  const row = db.prepare("SELECT samples FROM pack_trend_minute WHERE time_ms = ?").get(EPOCH_MS + MINUTE_MS) as {
    samples: number;
  };
  assert.equal(row.samples, 50, "1:00..1:30 (31) before the crash + 1:41..1:59 (19) after the restart");
  after.close(second.scheduler.nowMs());
  before.database?.close();
});

test("cell voltages and temperatures: one row per sample with packed arrays, at cellTrendInterval_s", (t) => {
  const config = storeConfig(tempDir(t), { cellTrendInterval_s: 10 });
  const rack = simRack(config);
  const store = startStore({ config, log: silentLogger, nowMs: () => rack.scheduler.nowMs() });
  attach(rack, store);
  rack.scheduler.runFor(60_000);
  const last = rack.pipeline.latest()!;
  const db = store.database!;
  const rows = db.prepare("SELECT time_ms, length(voltages) AS v, length(temperatures) AS t FROM cell_trend").all() as {
    time_ms: number;
    v: number;
    t: number;
  }[];
  assert.equal(rows.length, 6);
  assert.deepEqual(rows[0], { time_ms: EPOCH_MS + 10_000, v: 240 * 2, t: 120 * 2 });
  const point = parseCellPointId("cell.15.16.voltage")!;
  const series = queryCellTrend(db, new TrendLayouts(db), point, EPOCH_MS, rack.scheduler.nowMs());
  assert.equal(series.length, 6);
  // The last sample was taken at the last cycle on a whole 10 s.
  const sampledAt = rows.at(-1)!.time_ms;
  assert.equal(sampledAt, last.timeMs - (last.timeMs % 10_000));
  assert.ok(series.at(-1)!.value! > 2.5 && series.at(-1)!.value! < 3.7);
  const temperature = queryCellTrend(
    db,
    new TrendLayouts(db),
    parseCellPointId("sensor.1.1.temperature")!,
    0,
    Infinity,
  );
  assert.ok(temperature.every((s) => s.value !== null && s.value > 0 && s.value < 60));
  assert.throws(
    () => queryCellTrend(db, new TrendLayouts(db), parseCellPointId("cell.16.1.voltage")!, 0, Infinity),
    /no cell 16\.1 in this rack: modules 1\.\.15, 1\.\.16 per module/,
  );
  store.close(rack.scheduler.nowMs());
});

test("cell point ids: cell.M.C.voltage and sensor.M.S.temperature, nothing else", () => {
  assert.deepEqual(parseCellPointId("cell.3.12.voltage"), { what: "voltage", module: 3, item: 12 });
  assert.deepEqual(parseCellPointId("sensor.2.8.temperature"), { what: "temperature", module: 2, item: 8 });
  assert.equal(parseCellPointId("cell.3.12.temperature"), null);
  assert.equal(parseCellPointId("cell.voltageMax"), null);
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  decodeContinuation,
  encodeContinuation,
  planRawRead,
  readRawPage,
  type RawRead,
} from "../../../src/northbound/opcua/history-raw.ts";
import { storeHistorySource, type HistorySource } from "../../../src/northbound/opcua/history-source.ts";
import { openStoreDatabase, type StoreDatabase } from "../../../src/store/database.ts";
import { PackTrendWriter } from "../../../src/store/pack-trend.ts";
import { TrendLayouts } from "../../../src/store/trend-layout.ts";

const MIN = 60_000;
/** 05:00 on 2024-03-01: the clock of OPC 10000-11 §4.4's examples. */
const T5 = Date.UTC(2024, 2, 1, 5, 0, 0);
const at = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return T5 + ((h - 5) * 60 + m) * MIN;
};

/** A real store database holding pack.voltage at 5:00, 5:02, 5:03, 5:05, 5:06 (value = the minute). */
function part11Store(t: { after: (fn: () => void) => void }): { db: StoreDatabase; source: HistorySource } {
  const dir = mkdtempSync(join(tmpdir(), "bcu-history-"));
  const { db } = openStoreDatabase(join(dir, "bcu.sqlite"));
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const writer = new PackTrendWriter(db, new TrendLayouts(db).idOf("pack", ["pack.voltage"]));
  for (const m of [0, 2, 3, 5, 6]) writer.write(T5 + m * MIN, [500 + m]);
  return { db, source: storeHistorySource({ database: db }, ["pack.voltage"]) };
}

/** Every page of a read, the labels the spec's table uses: "5:02", FIRST/LAST for a bound not found. */
function readAll(source: HistorySource, read: RawRead | null, cap = 1000): { pages: string[][] } {
  assert.ok(read, "a valid request");
  const pages: string[][] = [];
  let next: RawRead | null = read;
  while (next && pages.length < 20) {
    const page = readRawPage(source, "pack.voltage", next, cap);
    pages.push(
      page.items.map((item) => {
        const time = item.kind === "sample" ? item.sample.timeMs : item.timeMs;
        const minutes = 5 * 60 + (time - T5) / MIN;
        const label = `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
        return item.kind === "sample" ? label : `bound(${label})`;
      }),
    );
    next = page.next;
  }
  return { pages };
}

// OPC 10000-11 §4.4 Table 1 (values at 5:00, 5:02, 5:03, 5:05, 5:06), Read Raw. Each page is one response.
const TABLE: readonly [start: string | null, end: string | null, n: number, bounds: boolean, pages: string[][]][] = [
  ["5:00", "5:05", 0, true, [["5:00", "5:02", "5:03", "5:05"]]],
  ["5:00", "5:05", 0, false, [["5:00", "5:02", "5:03"]]],
  ["5:01", "5:04", 0, true, [["5:00", "5:02", "5:03", "5:05"]]],
  ["5:01", "5:04", 0, false, [["5:02", "5:03"]]],
  ["5:05", "5:00", 0, true, [["5:05", "5:03", "5:02", "5:00"]]],
  ["5:05", "5:00", 0, false, [["5:05", "5:03", "5:02"]]],
  ["5:04", "5:01", 0, true, [["5:05", "5:03", "5:02", "5:00"]]],
  ["5:04", "5:01", 0, false, [["5:03", "5:02"]]],
  ["4:59", "5:05", 0, true, [["bound(4:59)", "5:00", "5:02", "5:03", "5:05"]]],
  ["4:59", "5:05", 0, false, [["5:00", "5:02", "5:03"]]],
  ["5:01", "5:07", 0, true, [["5:00", "5:02", "5:03", "5:05", "5:06", "bound(5:07)"]]],
  ["5:01", "5:07", 0, false, [["5:02", "5:03", "5:05", "5:06"]]],
  ["5:00", "5:05", 3, true, [["5:00", "5:02", "5:03"], ["5:05"]]],
  ["5:00", "5:05", 3, false, [["5:00", "5:02", "5:03"]]],
  ["5:01", "5:04", 3, true, [["5:00", "5:02", "5:03"], ["5:05"]]],
  ["5:05", "5:00", 3, true, [["5:05", "5:03", "5:02"], ["5:00"]]],
  [
    "4:59",
    "5:05",
    3,
    true,
    [
      ["bound(4:59)", "5:00", "5:02"],
      ["5:03", "5:05"],
    ],
  ],
  ["5:01", "5:07", 3, false, [["5:02", "5:03", "5:05"], ["5:06"]]],
  ["5:00", null, 3, true, [["5:00", "5:02", "5:03"]]],
  ["5:01", null, 3, true, [["5:00", "5:02", "5:03"]]],
  ["5:01", null, 3, false, [["5:02", "5:03", "5:05"]]],
  [null, "5:04", 3, true, [["5:05", "5:03", "5:02"]]],
  [null, "5:04", 3, false, [["5:03", "5:02", "5:00"]]],
  ["4:59", null, 3, true, [["bound(4:59)", "5:00", "5:02"]]],
  [null, "5:07", 3, true, [["bound(5:07)", "5:06", "5:05"]]],
];

test("ReadRaw answers the time domains and bounds of OPC 10000-11 §4.4 Table 1", (t) => {
  const { source } = part11Store(t);
  for (const [start, end, n, bounds, pages] of TABLE) {
    const read = planRawRead({
      startMs: start === null ? null : at(start),
      endMs: end === null ? null : at(end),
      numValuesPerNode: n,
      returnBounds: bounds,
    });
    assert.deepEqual(readAll(source, read).pages, pages, `start ${start}, end ${end}, n ${n}, bounds ${bounds}`);
  }
});

test("fewer than two of start, end and numValuesPerNode is not a request", () => {
  assert.equal(planRawRead({ startMs: at("5:00"), endMs: null, numValuesPerNode: 0, returnBounds: false }), null);
  assert.equal(planRawRead({ startMs: null, endMs: null, numValuesPerNode: 10, returnBounds: false }), null);
});

test("the server's cap splits a read into pages that together return every value once", (t) => {
  const { source } = part11Store(t);
  const read = planRawRead({ startMs: at("4:00"), endMs: at("6:00"), numValuesPerNode: 0, returnBounds: false });
  assert.deepEqual(readAll(source, read, 2).pages, [["5:00", "5:02"], ["5:03", "5:05"], ["5:06"]]);
  const backward = planRawRead({ startMs: at("6:00"), endMs: at("4:00"), numValuesPerNode: 0, returnBounds: false });
  assert.deepEqual(readAll(source, backward, 2).pages, [["5:06", "5:05"], ["5:03", "5:02"], ["5:00"]]);
});

test("a range without data is an empty read, not an error", (t) => {
  const { source } = part11Store(t);
  const read = planRawRead({ startMs: at("3:00"), endMs: at("4:00"), numValuesPerNode: 10, returnBounds: false });
  assert.deepEqual(readAll(source, read).pages, [[]]);
});

test("a continuation point comes back as the read it was made from, for its node only", () => {
  const read = planRawRead({ startMs: at("5:00"), endMs: at("5:05"), numValuesPerNode: 2, returnBounds: true })!;
  const point = encodeContinuation("ns=1;s=Rack.ZBAT1.Vol", read);
  assert.deepEqual(decodeContinuation("ns=1;s=Rack.ZBAT1.Vol", point), read);
  assert.equal(decodeContinuation("ns=1;s=Rack.ZBAT1.Amp", point), null);
  assert.equal(decodeContinuation("ns=1;s=Rack.ZBAT1.Vol", Buffer.from("1")), null);
  const forged = Buffer.from(JSON.stringify({ tag: "bcu-history-1", nodeId: "n", read: { ...read, pageSize: -1 } }));
  assert.equal(decodeContinuation("n", forged), null);
});

test("minute aggregates stand where full-rate samples expired; unknown values stay null", (t) => {
  const { db, source } = part11Store(t);
  // Retention deleted the samples before 5:03: the minutes 5:00 and 5:02 remain as aggregates.
  db.prepare("DELETE FROM pack_trend WHERE time_ms < ?").run(at("5:03"));
  new PackTrendWriter(db, new TrendLayouts(db).idOf("pack", ["pack.voltage"])).write(at("5:07"), [null]);
  const samples = source.readPoint("pack.voltage", at("5:00"), at("5:10"), 0);
  assert.deepEqual(
    samples.map((s) => [(s.timeMs - T5) / MIN, s.value, s.min !== undefined]),
    [
      [0, 500, true],
      [2, 502, true],
      [3, 503, false],
      [5, 505, false],
      [6, 506, false],
      [7, null, false],
    ],
  );
  assert.deepEqual(
    source.readPoint("pack.voltage", at("5:00"), at("5:10"), 2, true).map((s) => (s.timeMs - T5) / MIN),
    [7, 6],
  );
});

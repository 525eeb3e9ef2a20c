import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { BcuEvent } from "../../src/bcu/events.ts";
import { openStoreDatabase } from "../../src/store/database.ts";
import { EventLog, queryEvents } from "../../src/store/event-log.ts";
import { tempDir } from "./store-fixture.ts";

const event = (timeMs: number, level: 0 | 1 | 2 | 3, message: string, extra: Partial<BcuEvent> = {}): BcuEvent => ({
  timeMs,
  kind: "alarmRaised",
  source: "cellOverVoltage",
  level,
  message,
  ...extra,
});

test("events come back as written, filtered by time and level, oldest first", (t) => {
  const { db } = openStoreDatabase(join(tempDir(t), "bcu.sqlite"));
  const log = new EventLog(db);
  const ids = log.append([
    event(1000, 1, "warn", { value: 3.61, threshold: 3.6, unit: "V" }),
    event(2000, 3, "trip"),
    {
      timeMs: 3000,
      kind: "command",
      source: "closeContactors",
      level: 0,
      message: "accepted",
      origin: "modbus:192.0.2.7",
    },
  ]);
  assert.deepEqual(ids, [1, 2, 3]);
  assert.deepEqual(queryEvents(db)[0], {
    id: 1,
    timeMs: 1000,
    kind: "alarmRaised",
    source: "cellOverVoltage",
    level: 1,
    message: "warn",
    value: 3.61,
    threshold: 3.6,
    unit: "V",
  });
  assert.equal(queryEvents(db)[2].origin, "modbus:192.0.2.7");
  assert.deepEqual(
    queryEvents(db, { sinceMs: 1500 }).map((e) => e.id),
    [2, 3],
  );
  assert.deepEqual(
    queryEvents(db, { minLevel: 1 }).map((e) => e.id),
    [1, 2],
  );
  assert.deepEqual(
    queryEvents(db, { limit: 2 }).map((e) => e.id),
    [2, 3],
    "the newest two, oldest first",
  );
  db.close();
});

test("the event log is append-only: an update is refused by the database itself", (t) => {
  const { db } = openStoreDatabase(join(tempDir(t), "bcu.sqlite"));
  new EventLog(db).append([event(1000, 3, "trip")]);
  assert.throws(() => db.prepare("UPDATE events SET level = 0").run(), /append-only/);
  assert.equal(queryEvents(db)[0].level, 3);
  db.close();
});

test("retention deletes events by age, then the oldest beyond the row limit; ids never come back", (t) => {
  const { db } = openStoreDatabase(join(tempDir(t), "bcu.sqlite"));
  const log = new EventLog(db);
  log.append(Array.from({ length: 250 }, (_, i) => event(i * 1000, 0, `e${i}`)));
  assert.equal(log.applyRetention(50_000, 1_000_000), 50, "older than 50 s");
  assert.equal(log.applyRetention(0, 120), 80, "beyond 120 rows");
  const left = queryEvents(db);
  assert.equal(left.length, 120);
  assert.equal(left[0].message, "e130");
  assert.deepEqual(log.append([event(999_000, 0, "next")]), [251], "AUTOINCREMENT: a deleted id is not reused");
  db.close();
});

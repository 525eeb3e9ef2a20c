import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ALARM_IDS } from "../../src/bcu/protection/alarm-ids.ts";
import { findPoint, pointCatalog } from "../../src/points/catalog.ts";
import { renderPointsMarkdown } from "../../src/points/points-doc.ts";
import { rackSnapshot } from "../northbound/modbus/fixture.ts";

test("docs/points.md is generated from the catalog and up to date (bcu map points --markdown > docs/points.md)", () => {
  assert.equal(readFileSync(new URL("../../docs/points.md", import.meta.url), "utf8"), renderPointsMarkdown());
});

test("alarm words: bit i is ALARM_IDS[i], set at that level or above", () => {
  const s = rackSnapshot(); // cellOverVoltage level 2, chargeOverTemperature level 3 latched
  const bit = (id: string) => 2 ** ALARM_IDS.findIndex((alarm) => alarm.id === id);
  assert.equal(findPoint("alarms.level1Word")!.read(s), bit("cellOverVoltage") + bit("chargeOverTemperature"));
  assert.equal(findPoint("alarms.level2Word")!.read(s), bit("cellOverVoltage") + bit("chargeOverTemperature"));
  assert.equal(findPoint("alarms.level3Word")!.read(s), bit("chargeOverTemperature"));
  assert.equal(findPoint("alarms.latchedWord")!.read(s), bit("chargeOverTemperature"));
  assert.equal(findPoint("alarms.level1Word")!.read(rackSnapshot({ alarms: [] })), null);
});

test("SunSpec Evt1: OVER_TEMP_ALARM at level 3, OVER_VOLT_WARNING at level 2", () => {
  assert.equal(findPoint("battery.events")!.read(rackSnapshot()), (1 << 1) | (1 << 10));
});

test("every point reads a value of its type within its range from a full snapshot", () => {
  const s = rackSnapshot();
  for (const point of pointCatalog) {
    const value = point.read(s, { capacity_Ah: 280, energy_kWh: 215 });
    if (value === null || typeof value === "boolean") continue;
    assert.ok(value >= point.min && value <= point.max, `${point.id} = ${value} outside ${point.min}..${point.max}`);
  }
});

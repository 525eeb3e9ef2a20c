import { test } from "node:test";
import assert from "node:assert/strict";
import { ALARM_IDS } from "../../../src/bcu/protection/alarm-ids.ts";
import { checkProtectionConfig, resolveProtectionConfig } from "../../../src/bcu/protection/protection-config.ts";
import { defaultProtectionConfig, defaultProtectionDocument } from "../../../src/bcu/protection/protection-defaults.ts";
import { ConfigError, loadConfigText } from "../../../src/config/index.ts";

test("the default table has a row for every alarm id, in ALARM_IDS order, and passes its check", () => {
  const config = defaultProtectionConfig();
  assert.deepEqual(
    config.table.map((row) => row.id),
    ALARM_IDS.map((d) => d.id),
  );
  assert.deepEqual(checkProtectionConfig(config), []);
  for (const d of ALARM_IDS) assert.ok(d.title.length > 0 && d.description.length > 20, d.id);
});

test("the defaults sit on the 280 Ah LFP datasheet limits", () => {
  const row = (id: string) => defaultProtectionConfig().table.find((r) => r.id === id)!;
  assert.equal(row("cellOverVoltage").level3!.threshold, 3650);
  assert.equal(row("cellUnderVoltage").level3!.threshold, 2500);
  assert.equal(row("chargeOverTemperature").level3!.threshold, 55);
  assert.equal(row("chargeUnderTemperature").level3!.threshold, 0);
  assert.equal(row("dischargeOverTemperature").level3!.threshold, 60);
  assert.equal(row("dischargeUnderTemperature").level3!.threshold, -20);
  assert.equal(row("chargeOverCurrent").level3!.open, "immediate");
  assert.equal(row("cellOverVoltage").level3!.open, "immediateWhileCharging");
  assert.equal(row("lowSoc").level3, null, "low SOC is a warning");
});

test("a level switched off in the file is null for the program", () => {
  const document = defaultProtectionDocument();
  const table = {
    ...document.table,
    lowSoc: { ...document.table.lowSoc, level1: { ...document.table.lowSoc.level1, enabled: false } },
  };
  const config = resolveProtectionConfig({ ...document, table });
  assert.equal(config.table.find((r) => r.id === "lowSoc")!.level1, null);
});

test("the check: release on the wrong side, levels out of order, a fail-safe level 3 removed", () => {
  const base = defaultProtectionConfig();
  const table = base.table.map((row) => {
    if (row.id === "cellOverVoltage") return { ...row, level1: { ...row.level1!, release: 3700 } };
    if (row.id === "cellUnderVoltage") return { ...row, level2: { ...row.level2!, threshold: 2950 } };
    if (row.id === "bmuCommunicationLoss") return { ...row, level3: null };
    if (row.id === "currentSensorFault") return { ...row, level3: { ...row.level3!, openAtOnceBeyond: 500 } };
    return row;
  });
  const issues = checkProtectionConfig({ ...base, table });
  assert.deepEqual(
    issues.map((i) => i.path),
    [
      "table.cellOverVoltage.level1.release",
      "table.cellUnderVoltage.level2.threshold",
      "table.bmuCommunicationLoss.level3",
      "table.currentSensorFault.level3.openAtOnceBeyond",
    ],
  );
  assert.match(issues[0].reason, /must be at or below the threshold 3600 mV/);
  assert.match(issues[1].reason, /must be at or below level 1's threshold 2900 mV/);
  assert.match(issues[2].reason, /must keep its level 3 \(fail safe\)/);
});

test("a configuration file changes one level; errors name the path", () => {
  const config = loadConfigText(
    "protection:\n  table:\n    cellOverVoltage:\n      level1:\n        threshold: 3580\n",
    "bcu.yaml",
  );
  const row = config.protection.table.find((r) => r.id === "cellOverVoltage")!;
  assert.equal(row.level1!.threshold, 3580);
  assert.equal(row.level2!.threshold, 3625, "the rest of the row keeps its defaults");
  assert.throws(
    () =>
      loadConfigText("protection:\n  table:\n    cellOverVoltage:\n      level3:\n        release: 3700\n", "bcu.yaml"),
    (error: unknown) =>
      error instanceof ConfigError &&
      /bcu\.yaml:\d+:\d+ protection\.table\.cellOverVoltage\.level3\.release: must be at or below the threshold 3650 mV/.test(
        error.message,
      ),
  );
  assert.throws(
    () => loadConfigText("protection:\n  table:\n    cellOverVoltge: {}\n", "bcu.yaml"),
    (error: unknown) => error instanceof ConfigError && /cellOverVoltge/.test(error.message),
  );
});

test("cellVoltageDifferenceWindow_mV: 3200 .. 3400 mV by default, set in a file, refused empty or out of range", () => {
  assert.deepEqual(defaultProtectionConfig().cellVoltageDifferenceWindow_mV, {
    low: 3200,
    high: 3400,
    cellResistance_mOhm: 1,
  });
  const config = loadConfigText("protection:\n  cellVoltageDifferenceWindow_mV:\n    low: 3150\n", "bcu.yaml");
  assert.deepEqual(
    config.protection.cellVoltageDifferenceWindow_mV,
    { low: 3150, high: 3400, cellResistance_mOhm: 1 },
    "high keeps its default",
  );

  const refused = (text: string, pattern: RegExp) =>
    assert.throws(
      () => loadConfigText(`protection:\n  cellVoltageDifferenceWindow_mV:\n${text}`, "bcu.yaml"),
      (error: unknown) => error instanceof ConfigError && pattern.test(error.message),
      text,
    );
  refused(
    "    low: 3400\n    high: 3300\n",
    /bcu\.yaml:\d+:\d+ protection\.cellVoltageDifferenceWindow_mV\.high: must be above cellVoltageDifferenceWindow_mV\.low \(3400 mV\).*got 3300 mV/,
  );
  refused("    low: 3300\n    high: 3300\n", /cellVoltageDifferenceWindow_mV\.high: must be above .*\(3300 mV\)/);
  refused("    low: 1500\n", /protection\.cellVoltageDifferenceWindow_mV\.low: must be >= 2000 mV \(got 1500\)/);
  refused("    high: 5200\n", /protection\.cellVoltageDifferenceWindow_mV\.high: must be <= 5000 mV \(got 5200\)/);
  refused("    high: three\n", /protection\.cellVoltageDifferenceWindow_mV\.high/);
  refused(
    "    cellResistance_mOhm: -1\n",
    /protection\.cellVoltageDifferenceWindow_mV\.cellResistance_mOhm: must be >= 0/,
  );
  refused("    mean: 3300\n", /unknown key "mean" \(allowed: low, high, cellResistance_mOhm\)/);
});

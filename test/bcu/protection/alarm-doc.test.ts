import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { renderAlarmList, renderAlarmTable } from "../../../src/bcu/protection/alarm-doc.ts";
import { defaultProtectionConfig } from "../../../src/bcu/protection/protection-defaults.ts";

const doc = readFileSync(new URL("../../../docs/alarms.md", import.meta.url), "utf8");

test("docs/alarms.md holds the default table as generated from the configuration", () => {
  const block = doc.slice(doc.indexOf("<!-- alarm-table:start -->\n") + 27, doc.indexOf("\n<!-- alarm-table:end -->"));
  assert.equal(
    block,
    renderAlarmTable(defaultProtectionConfig()),
    "regenerate docs/alarms.md's table from renderAlarmTable",
  );
});

test("docs/alarms.md lists every alarm id with its title and description", () => {
  assert.ok(doc.includes(renderAlarmList()));
});

import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  ConfigError,
  defaultConfig,
  formatConfigIssue,
  loadConfigFile,
  loadConfigText,
  parseConfigText,
} from "../../src/config/index.ts";
import type { ConfigIssue } from "../../src/config/index.ts";

/** The issues `text` is rejected with, as `LINE:COL path: reason` (file name left out). */
function issuesOf(text: string, fileName: string): ConfigIssue[] {
  try {
    loadConfigText(text, fileName);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    for (const issue of error.issues) assert.equal(issue.file, fileName);
    return [...error.issues];
  }
  assert.fail("the configuration was accepted");
}

function brief(issue: ConfigIssue): string {
  return `${issue.line ?? "-"}:${issue.column ?? "-"} ${issue.path}`;
}

test("a valid YAML file is merged over the defaults, deep", () => {
  const config = loadConfigText(
    "rack:\n  bmuCount: 12\n  cell:\n    capacity_Ah: 302\ncan:\n  transport: socketcan:can0\nsimulator:\n  enabled: false\n",
    "site.yaml",
  );
  const defaults = defaultConfig();
  assert.equal(config.rack.bmuCount, 12);
  assert.equal(config.rack.cell.capacity_Ah, 302);
  assert.equal(config.rack.cell.maxVoltage_V, defaults.rack.cell.maxVoltage_V);
  assert.equal(config.rack.cellsPerBmu, 16);
  assert.equal(config.can.transport, "socketcan:can0");
  assert.equal(config.can.bitrate, 500000);
  assert.deepEqual(config.measurements, defaults.measurements);
});

test("a valid JSON file is accepted the same way", () => {
  const config = loadConfigText('{ "cycle": { "period_ms": 50 }, "daemon": { "logFormat": "text" } }', "site.json");
  assert.equal(config.cycle.period_ms, 50);
  assert.equal(config.daemon.logFormat, "text");
  assert.equal(config.rack.bmuCount, 15);
});

test("an empty file is the defaults", () => {
  assert.deepEqual(loadConfigText("", "empty.yaml"), defaultConfig());
  assert.deepEqual(loadConfigText("# nothing set yet\n", "empty.yml"), defaultConfig());
});

test("the control socket follows the data directory unless set", () => {
  assert.equal(
    loadConfigText("daemon:\n  dataDir: /var/lib/bcu\n", "a.yaml").daemon.controlSocket,
    "/var/lib/bcu/bcu.sock",
  );
  const set = loadConfigText("daemon:\n  dataDir: /var/lib/bcu\n  controlSocket: /run/bcu.sock\n", "a.yaml");
  assert.equal(set.daemon.controlSocket, "/run/bcu.sock");
});

test("several YAML errors are reported at once, in file order, with path, line and column", () => {
  const text = [
    "rack:", //                         1
    "  bmuCount: 40", //                2  above 32
    "  cellsPerBmu: sixteen", //        3  wrong type
    "  cell:", //                       4
    "    capacity_Ah: 0", //            5  must be > 0
    "can:", //                          6
    "  transport: can0", //             7  pattern
    "daemon:", //                       8
    "  logFormat: xml", //              9  enum
    "",
  ].join("\n");
  const issues = issuesOf(text, "bad.yaml");
  assert.deepEqual(issues.map(brief), [
    "2:13 rack.bmuCount",
    "3:16 rack.cellsPerBmu",
    "5:18 rack.cell.capacity_Ah",
    "7:14 can.transport",
    "9:14 daemon.logFormat",
  ]);
  assert.equal(formatConfigIssue(issues[0]), "bad.yaml:2:13 rack.bmuCount: must be <= 32 (got 40)");
  assert.equal(issues[1].reason, 'must be an integer (got "sixteen")');
  assert.equal(issues[2].reason, "must be > 0 Ah (got 0)");
  assert.match(issues[3].reason, /"socketcan:IFACE".*\(got "can0"\)/);
  assert.equal(issues[4].reason, 'must be one of "json", "text" (got "xml")');
});

test("several JSON errors are reported at once with line and column", () => {
  const text = [
    "{",
    '  "rack": { "bmuCount": "15",',
    '    "cellsPerBmu": 33 },',
    '  "cycle": { "period_ms": 1 }',
    "}",
  ].join("\n");
  const issues = issuesOf(text, "bad.json");
  assert.deepEqual(issues.map(brief), ["2:25 rack.bmuCount", "3:20 rack.cellsPerBmu", "4:27 cycle.period_ms"]);
  assert.equal(issues[0].reason, 'must be an integer (got "15")');
  assert.equal(issues[2].reason, "must be >= 10 ms (got 1)");
});

test("an unknown key is an error at the key, with a suggestion for a typo", () => {
  const text = "rack:\n  cellsPerBMU: 16\nmodbuss:\n  port: 502\ntelemetry:\n  port: 1883\n";
  const issues = issuesOf(text, "typo.yaml");
  assert.deepEqual(issues.map(brief), ["2:3 rack.cellsPerBMU", "3:1 modbuss", "5:1 telemetry"]);
  assert.equal(issues[0].reason, 'unknown key "cellsPerBMU" (did you mean "cellsPerBmu"?)');
  // A typo of a section is a typo too ...
  assert.equal(issues[1].reason, 'unknown key "modbuss" (did you mean "modbus"?)');
  // ... and a key close to none lists what is allowed.
  assert.match(issues[2].reason, /^unknown key "telemetry" \(allowed: rack, can, .*modbus, .*daemon\)$/);
});

test("wrong types name the expected type and the value found", () => {
  const issues = issuesOf("rack: 15\ncycle:\n  period_ms: [100]\nsimulator:\n  enabled: yes\n", "types.yaml");
  assert.deepEqual(
    issues.map((issue) => `${brief(issue)}: ${issue.reason}`),
    [
      "1:7 rack: must be a mapping of keys (got 15)",
      "3:14 cycle.period_ms: must be an integer (got a list)",
      '5:12 simulator.enabled: must be true or false (got "yes")',
    ],
  );
});

test("cross-field: BMU node addresses past 32 and unordered cell voltages", () => {
  const text = "rack:\n  firstBmuNode: 20\n  bmuCount: 15\n  cell:\n    minVoltage_V: 3.3\n";
  const issues = issuesOf(text, "cross.yaml");
  assert.deepEqual(issues.map(brief), ["3:13 rack.bmuCount", "5:19 rack.cell.minVoltage_V"]);
  assert.match(issues[0].reason, /node addresses up to 34.*at most 13 BMUs/);
  assert.equal(issues[1].reason, "must be below cell.nominalVoltage_V (3.2 V), got 3.3 V");
});

test("cross-field checks still run next to schema errors, without blaming a replaced value", () => {
  const text = "rack:\n  bmuCount: 32\n  firstBmuNode: 2\n  cell:\n    nominalVoltage_V: 2.4\n    minVoltage_V: low\n";
  const issues = issuesOf(text, "mixed.yaml");
  assert.deepEqual(issues.map(brief), ["2:13 rack.bmuCount", "6:19 rack.cell.minVoltage_V"]);
  assert.match(issues[1].reason, /must be a number/);
});

test("cross-section: the simulator only runs on the virtual bus", () => {
  const issues = issuesOf("can:\n  transport: candump:week.log\n", "sim.yaml");
  assert.deepEqual(issues.map(brief), ["2:14 can.transport"]);
  assert.match(issues[0].reason, /set simulator.enabled to false/);
  assert.equal(
    loadConfigText("can:\n  transport: candump:week.log\nsimulator:\n  enabled: false\n", "sim.yaml").can.transport,
    "candump:week.log",
  );
});

test("syntax errors are positioned", () => {
  assert.deepEqual(issuesOf("rack:\n  bmuCount: 15\n  bmuCount: 16\n", "dup.yaml").map(brief), ["3:3 "]);
  const json = issuesOf('{ "rack": { "bmuCount": 15, } }', "comma.json");
  assert.equal(json.length, 1);
  assert.match(json[0].reason, /^JSON syntax/);
  assert.equal(json[0].line, 1);
  assert.match(issuesOf("- just\n- a list\n", "list.yaml")[0].reason, /must be a mapping of sections/);
});

test("a file of another type is refused by its extension", () => {
  assert.match(issuesOf("rack: {}", "bcu.toml")[0].reason, /YAML \(.yaml, .yml\) or JSON \(.json\)/);
});

test("loadConfigFile reads the file and names it in errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "bcu-config-"));
  const good = join(dir, "good.yml");
  writeFileSync(good, "rack:\n  bmuCount: 2\n");
  assert.equal(loadConfigFile(good).rack.bmuCount, 2);

  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "rack:\n  bmuCount: 0\n");
  assert.throws(
    () => loadConfigFile(bad),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(formatConfigIssue(error.issues[0]), `${bad}:2:13 rack.bmuCount: must be >= 1 (got 0)`);
      return true;
    },
  );
  assert.throws(() => loadConfigFile(join(dir, "missing.yaml")), /missing\.yaml: no such file/);
});

test("parseConfigText locates keys and values, and the nearest ancestor for a default", () => {
  const parsed = parseConfigText("rack:\n  cell:\n    capacity_Ah: 280\n", "p.yaml");
  assert.deepEqual(parsed.locate(["rack", "cell", "capacity_Ah"], "value"), { line: 3, column: 18 });
  assert.deepEqual(parsed.locate(["rack", "cell", "capacity_Ah"], "key"), { line: 3, column: 5 });
  assert.deepEqual(parsed.locate(["rack", "cell", "maxVoltage_V"], "value"), { line: 3, column: 5 });
  assert.equal(parsed.locate(["daemon", "logLevel"], "value"), undefined);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDocument } from "yaml";
import { defaultConfig, loadConfigText } from "../../src/config/index.ts";
import { listConfigKeys } from "../../src/config/describe.ts";
import { configSections } from "../../src/config/sections.ts";
import { renderConfigTemplate } from "../../src/config/template.ts";

test("the starting file validates and loads as exactly the embedded defaults", () => {
  assert.deepEqual(loadConfigText(renderConfigTemplate(), "bcu.yaml"), defaultConfig());
});

test("every key of the starting file has a comment right above it", () => {
  const lines = renderConfigTemplate().split("\n");
  for (const section of configSections) {
    for (const key of listConfigKeys(section.schema, section.defaults, section.key)) {
      const indent = "  ".repeat(key.depth + 1);
      const at = lines.findIndex(
        (line) => line.startsWith(`${indent}${key.name}:`) || line === `${indent}# ${key.name}:`,
      );
      const written = lines.findIndex((line) => line.startsWith(`${indent}# ${key.name}: `));
      const index = at >= 0 ? at : written;
      assert.ok(index > 0, `${key.path} is in the file`);
      assert.match(lines[index - 1], /^\s*# \S/, `${key.path} has a comment`);
    }
  }
});

test("units and allowed values are in the comments", () => {
  const text = renderConfigTemplate();
  assert.match(text, /# Rated capacity of one cell[^\n]*Unit: Ah\. Allowed: > 0 \.\. 2000\.\n\s+capacity_Ah: 280\n/);
  assert.match(text, /Unit: ms\. Allowed: 10 \.\. 250\.\n\s+period_ms: 100\n/);
});

test("a derived default is written commented out, so it keeps following its source", () => {
  const text = renderConfigTemplate();
  assert.match(text, /Default: <dataDir>\/bcu\.sock\.\n\s+# controlSocket: data\/bcu\.sock\n/);
  const edited = text.replace("dataDir: ./data", "dataDir: /var/lib/bcu");
  assert.equal(loadConfigText(edited, "bcu.yaml").daemon.controlSocket, "/var/lib/bcu/bcu.sock");
});

test("the starting file is plain YAML with no warnings", () => {
  const doc = parseDocument(renderConfigTemplate());
  assert.deepEqual([...doc.errors, ...doc.warnings], []);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { Ajv } from "ajv";
import { parseDocument } from "yaml";
import { defaultConfig, loadConfigText } from "../../src/config/index.ts";
import { listConfigKeys } from "../../src/config/describe.ts";
import { ANNOTATION_KEYWORDS } from "../../src/config/json-schema.ts";
import { configSections } from "../../src/config/sections.ts";
import { estimationSection } from "../../src/config/sections/estimation.ts";
import { renderConfigTemplate } from "../../src/config/template.ts";
import { shapesSection } from "./shapes-fixture.ts";

/** The parsed starting file, after checking it is plain YAML with no error or warning. */
function parseTemplate(text: string): Record<string, unknown> {
  const doc = parseDocument(text);
  assert.deepEqual([...doc.errors, ...doc.warnings], []);
  return doc.toJS() as Record<string, unknown>;
}

test("the starting file validates and loads as exactly the embedded defaults", () => {
  assert.deepEqual(loadConfigText(renderConfigTemplate(), "bcu.yaml"), defaultConfig());
});

test("every key of the starting file has a comment right above it", () => {
  const text = renderConfigTemplate();
  const lines = text.split("\n");
  for (const section of configSections) {
    for (const key of listConfigKeys(section.schema, section.defaults, section.key)) {
      if (key.repeated) {
        // A field of every list item is described once, in the list's comment.
        assert.match(text, new RegExp(`\\n\\s*#\\s+${key.name}: \\S`), `${key.path} is described`);
        continue;
      }
      const indent = "  ".repeat(key.depth + 1);
      const at = lines.findIndex(
        (line) => line.startsWith(`${indent}${key.name}:`) || line === `${indent}# ${key.name}:`,
      );
      const written = lines.findIndex((line) => line.startsWith(`${indent}# ${key.name}: `));
      const index = at >= 0 ? at : written;
      assert.ok(index > 0, `${key.path} is in the file`);
      assert.match(lines[index - 1], /^\s*#\s+\S/, `${key.path} has a comment`);
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
  parseTemplate(renderConfigTemplate());
});

test("every shape of schema round-trips: the file parses back to exactly the defaults, which pass the schema", () => {
  const text = renderConfigTemplate([shapesSection]);
  const parsed = parseTemplate(text);
  assert.deepEqual(parsed, { shapes: shapesSection.defaults });
  const ajv = new Ajv({ allErrors: true, strict: true });
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword(keyword);
  const validate = ajv.compile(shapesSection.schema);
  assert.ok(validate(parsed.shapes), JSON.stringify(validate.errors));
  for (const line of text.split("\n")) assert.ok(line.length <= 116, `too wide: ${line}`);
});

test("a list or mapping default is written as a block below its key, never on the key's line", () => {
  const text = renderConfigTemplate([shapesSection]);
  assert.match(text, /\n {2}derate:\n {4}- \{ temperature_degC: -20, charge_C: 0 \}\n {4}- \{ temperature_degC: 15,/);
  assert.match(text, /\n {2}nestedRows:\n {4}- id: r1\n {6}tags:\n {8}- x\n/);
  assert.match(text, /\n {2}ports: \[ 502, 4840 \]\n/);
  assert.match(text, /\n {2}longList:\n {4}- 0\n {4}- 1\.25\n/);
  assert.match(text, /\n {4}"odd key: with colon":\n/);
  assert.match(text, /\n {2}emptyTable: \{\}\n/);
});

test("the fields of list items and of keyed entries are described once, above the list or mapping", () => {
  const text = renderConfigTemplate([shapesSection]);
  assert.match(
    text,
    /# A table of flat rows\. Allowed: at least 2 items\.\n {2}# Each item:\n {2}# {3}temperature_degC: Row temperature\. Unit: °C\.\n {2}# {3}charge_C: Charge rate\. Unit: C\. Allowed: 0 \.\. 5\.\n {2}derate:\n/,
  );
  assert.match(
    text,
    /# Each entry, under a key of your choosing:\n {2}# {3}enabled: [^\n]*\n(?: {2}#[^\n]*\n)+ {2}# {5}Each item:\n {2}# {7}after_ms: Delay\. Unit: ms\.\n/,
  );
  assert.match(
    text,
    /# Each entry, under a key of your choosing: Threshold of that id\. Unit: mV\.\n {2}thresholdsById:\n/,
  );
});

test("a mapping with only derived keys is written {} and its keys commented; uncommented, they load as resolved", () => {
  const text = renderConfigTemplate([shapesSection]);
  assert.match(text, /\n {2}paths: \{\}\n(?: {4}#[^\n]*\n)*? {4}# socket: rack-1\.sock\n/);
  assert.match(text, /\n {2}# optionalGroup:\n(?: {4}#[^\n]*\n)*? {4}# a: 1\n/);
  // Deleting "# " before each key turns the file into the resolved defaults; `paths: {}` gives way to its keys.
  const uncommented = text
    .replace("  paths: {}", "  paths:")
    .replace(/^(\s*)# ((?:socket|extra|optionalGroup|a|b):.*)$/gm, "$1$2");
  assert.deepEqual(parseTemplate(uncommented), {
    shapes: shapesSection.resolve(structuredClone(shapesSection.defaults)),
  });
});

test("a section with a table of rows (estimation) loads back as its defaults", () => {
  const text = renderConfigTemplate([estimationSection]);
  assert.deepEqual(parseTemplate(text), { estimation: estimationSection.defaults });
  assert.match(text, /\n {2}temperatureDerate:\n {4}- \{ temperature_degC: -20, charge_C: 0, discharge_C: 0 \}\n/);
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { listConfigKeys } from "../../src/config/describe.ts";
import { configSchema } from "../../src/config/schema.ts";
import type { JsonSchema } from "../../src/config/json-schema.ts";
import { findReferenceBlock, referenceBlock, renderConfigReference } from "../../src/config/reference.ts";
import { configSections } from "../../src/config/sections.ts";
import { simulatorKeyDocs } from "../../src/config/sections/simulator.ts";
import { shapesSection } from "./shapes-fixture.ts";

const docPath = new URL("../../docs/configuration.md", import.meta.url);

test("every property of the schema has a description", () => {
  const missing: string[] = [];
  const visit = (schema: JsonSchema, path: string): void => {
    if (path !== "" && typeof schema.description !== "string") missing.push(path);
    for (const [name, child] of Object.entries(schema.properties ?? {}))
      visit(child, path === "" ? name : `${path}.${name}`);
  };
  visit(configSchema(), "");
  assert.deepEqual(missing, []);
});

test("docs/configuration.md lists every key", () => {
  const doc = readFileSync(docPath, "utf8");
  for (const section of configSections) {
    for (const key of listConfigKeys(section.schema, section.defaults, section.key)) {
      assert.ok(doc.includes(`| \`${key.path}\` |`), `docs/configuration.md lacks ${key.path}`);
    }
  }
});

test("docs/configuration.md's generated reference is up to date", () => {
  const block = findReferenceBlock(readFileSync(docPath, "utf8"));
  assert.equal(
    block,
    referenceBlock(),
    "regenerate it: node bin/bcu.js config reference --update docs/configuration.md",
  );
});

test("every supplementary simulator description names an existing option", () => {
  const simulator = configSections.find((section) => section.key === "simulator");
  assert.ok(simulator);
  const paths = new Set(listConfigKeys(simulator.schema, simulator.defaults, "").map((key) => key.path.slice(1)));
  for (const path of Object.keys(simulatorKeyDocs)) assert.ok(paths.has(path), `simulator.${path} no longer exists`);
});

test("the reference documents list items, keyed entries, nullable values and derived defaults", () => {
  const reference = renderConfigReference([shapesSection]);
  const row = (path: string): string => {
    const found = reference.split("\n").find((line) => line.startsWith(`| \`${path}\` |`));
    assert.ok(found, `no row for ${path}`);
    return found;
  };
  assert.equal(
    row("shapes.derate"),
    `| \`shapes.derate\` | list of mappings | \`${JSON.stringify(shapesSection.defaults.derate)}\` |  | at least 2 items | A table of flat rows. |`,
  );
  assert.equal(
    row("shapes.derate[].charge_C"),
    "| `shapes.derate[].charge_C` | number |  | C | 0 .. 5 | Charge rate. |",
  );
  assert.equal(
    row("shapes.ports"),
    "| `shapes.ports` | list of integer | `[502,4840]` |  | at least 1 item, each 1 .. 65535 | A list of scalars. |",
  );
  assert.equal(
    row("shapes.limit_V"),
    "| `shapes.limit_V` | null or number | `850.5` | V | null or > 0 | Nullable, set. |",
  );
  assert.equal(
    row("shapes.nothing"),
    "| `shapes.nothing` | null or number | `null` |  |  | Nullable, null by default. |",
  );
  assert.equal(
    row("shapes.emptyTable.<name>.steps[].after_ms"),
    "| `shapes.emptyTable.<name>.steps[].after_ms` | number |  | ms |  | Delay. |",
  );
  assert.equal(
    row("shapes.table.cellOverVoltage.level2.threshold"),
    "| `shapes.table.cellOverVoltage.level2.threshold` | number | `3650` | mV |  | Trips beyond it. |",
  );
  assert.equal(
    row("shapes.paths.socket"),
    "| `shapes.paths.socket` | string | `<name>.sock` |  |  | Derived string. |",
  );
  assert.match(row("shapes.tricky"), /\| ``\["yes",.*"`tick`"\]`` \|/);
  // Every row has its six cells: a `|` in a text is escaped.
  for (const line of reference.split("\n").filter((text) => text.startsWith("| `"))) {
    assert.equal(line.replaceAll("\\|", "").split("|").length, 8, line);
  }
});

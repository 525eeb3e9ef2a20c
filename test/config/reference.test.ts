import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { listConfigKeys } from "../../src/config/describe.ts";
import { configSchema } from "../../src/config/schema.ts";
import type { JsonSchema } from "../../src/config/json-schema.ts";
import { findReferenceBlock, referenceBlock } from "../../src/config/reference.ts";
import { configSections } from "../../src/config/sections.ts";
import { simulatorKeyDocs } from "../../src/config/sections/simulator.ts";

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

import { stringify } from "yaml";
import { defaultConfig } from "./defaults.ts";
import { allowedValues, listConfigKeys } from "./describe.ts";
import type { ConfigKey } from "./describe.ts";
import { configSections } from "./sections.ts";
import type { ConfigSection } from "./section.ts";

const COMMENT_WIDTH = 116;

/**
 * A starting configuration file in YAML: every key at its default, each with a comment saying what it does,
 * its unit and its allowed values. A key whose default derives from another one is written commented out, so
 * that the loaded file equals the embedded defaults and the derived default keeps following its source.
 */
export function renderConfigTemplate(): string {
  const resolved = defaultConfig() as unknown as Record<string, Record<string, unknown>>;
  const lines = [
    "# bcu configuration, written by `bcu config init`. Every key is at its default: keep only what you change,",
    "# the rest comes from the embedded defaults. Check it with `bcu config validate FILE`.",
    "# Units are in the key names and comments (_ms milliseconds, _V volts, _Ah ampere-hours).",
  ];
  for (const section of configSections as readonly ConfigSection<string, unknown, unknown>[]) {
    lines.push("", ...comment(section.schema.description ?? "", ""), `${section.key}:`);
    for (const key of listConfigKeys(section.schema, section.defaults, section.key)) {
      lines.push(...renderKey(key, resolved));
    }
  }
  return `${lines.join("\n")}\n`;
}

function renderKey(key: ConfigKey, resolved: Record<string, Record<string, unknown>>): string[] {
  const indent = "  ".repeat(key.depth + 1);
  const about = [key.schema.description ?? "", key.schema.unit ? `Unit: ${key.schema.unit}.` : ""];
  const allowed = allowedValues(key.schema);
  if (allowed !== "") about.push(`Allowed: ${allowed}.`);
  const lines = comment(about.filter((part) => part !== "").join(" "), indent);
  if (key.isGroup) return [...lines, `${indent}${key.name}:`];
  if (key.defaultValue === undefined) {
    const derived = key.schema.defaultDescription ?? "none";
    const example = valueAt(resolved, key.path);
    lines.push(...comment(`Default: ${derived}.`, indent));
    if (example !== undefined) lines.push(`${indent}# ${key.name}: ${yamlValue(example, indent).trimStart()}`);
    return lines;
  }
  return [...lines, `${indent}${key.name}: ${yamlValue(key.defaultValue, indent).trimStart()}`];
}

/** A value in YAML flow-friendly form: scalars inline, mappings and lists as an indented block. */
function yamlValue(value: unknown, indent: string): string {
  const text = stringify(value).trimEnd();
  if (value === null || typeof value !== "object") return text;
  if (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0) return text;
  return `\n${text
    .split("\n")
    .map((line) => `${indent}  ${line}`)
    .join("\n")}`;
}

function valueAt(root: Record<string, unknown>, path: string): unknown {
  let node: unknown = root;
  for (const segment of path.split(".")) node = (node as Record<string, unknown> | undefined)?.[segment];
  return node;
}

/** `text` as `#` comment lines no wider than the limit. */
function comment(text: string, indent: string): string[] {
  if (text === "") return [];
  const width = COMMENT_WIDTH - indent.length - 2;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines.map((content) => `${indent}# ${content}`);
}

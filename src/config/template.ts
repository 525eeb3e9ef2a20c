import { stringify } from "yaml";
import { allowedValues, entrySchema, isGroupSchema, listItemSchema, memberNames, memberSchema } from "./describe.ts";
import type { JsonSchema } from "./json-schema.ts";
import { isPlainObject } from "./merge.ts";
import { configSections } from "./sections.ts";

/** Widest line written, comments and values alike (a value that does not fit goes into a block). */
const LINE_WIDTH = 116;

/**
 * What the template needs of a section. `resolve` is declared as a method so that every section's fits (method
 * parameters compare both ways).
 */
export interface TemplateSection {
  readonly key: string;
  readonly schema: JsonSchema;
  readonly defaults: unknown;
  resolve(raw: unknown): unknown;
}

/** Lines of the file, and whether any of them sets a value (is not commented out). */
interface Rendered {
  readonly lines: string[];
  readonly live: boolean;
}

/**
 * A starting configuration file in YAML: every key at its default, each with a comment saying what it does,
 * its unit and its allowed values. A key whose default derives from another one is written commented out, so
 * that the loaded file equals the embedded defaults and the derived default keeps following its source.
 * Lists are written as blocks (a flat row per line when it fits), their items' fields described above them.
 * `sections` is for tests: by default, the registered ones.
 */
export function renderConfigTemplate(sections: readonly TemplateSection[] = configSections): string {
  const lines = [
    "# bcu configuration, written by `bcu config init`. Every key is at its default: keep only what you change,",
    "# the rest comes from the embedded defaults. Check it with `bcu config validate FILE`.",
    "# Units are in the key names and comments (_ms milliseconds, _V volts, _Ah ampere-hours).",
  ];
  for (const section of sections) {
    const resolved = section.resolve(structuredClone(section.defaults));
    const rendered = renderKey(section.key, section.schema, section.defaults, resolved, "", false);
    lines.push("", ...rendered.lines);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * One key with its comment. `value` is the default as written in a file (`undefined`: derived or absent);
 * `resolved` the default the program sees, shown as an example when `value` is absent. `commented` writes the
 * key commented out (it sits inside a mapping that is).
 */
function renderKey(
  name: string,
  schema: JsonSchema,
  value: unknown,
  resolved: unknown,
  indent: string,
  commented: boolean,
): Rendered {
  const lines = comment(about(schema, indent === ""), indent);
  lines.push(...shape(schema, indent, ""));
  const key = flow(name) ?? name;
  if (value === undefined) lines.push(...comment(`Default: ${schema.defaultDescription ?? "none"}.`, indent));

  if (isGroupSchema(schema) && (value === undefined || isPlainObject(value))) {
    const off = commented || value === undefined;
    const inner = renderMembers(schema, value, resolved, `${indent}  `, off);
    // A mapping with nothing set in it is written `{}`: `key:` alone would be null.
    const head = off ? `${indent}# ${key}:` : inner.live ? `${indent}${key}:` : `${indent}${key}: {}`;
    return { lines: [...lines, head, ...inner.lines], live: !off };
  }
  if (value === undefined) {
    if (resolved !== undefined) lines.push(...valueLines(key, resolved, indent, true));
    return { lines, live: false };
  }
  return { lines: [...lines, ...valueLines(key, value, indent, commented)], live: !commented };
}

function renderMembers(
  schema: JsonSchema,
  value: unknown,
  resolved: unknown,
  indent: string,
  commented: boolean,
): Rendered {
  const lines: string[] = [];
  let live = false;
  for (const name of memberNames(schema, value)) {
    const child = renderKey(
      name,
      memberSchema(schema, name),
      isPlainObject(value) ? value[name] : undefined,
      isPlainObject(resolved) ? resolved[name] : undefined,
      indent,
      commented,
    );
    lines.push(...child.lines);
    live ||= child.live;
  }
  return { lines, live };
}

/** What a key does, its unit and allowed values, as one sentence run. A section says only what it is. */
function about(schema: JsonSchema, isSection: boolean): string {
  const parts = [schema.description ?? ""];
  if (!isSection) {
    if (schema.unit) parts.push(`Unit: ${schema.unit}.`);
    const allowed = allowedValues(schema);
    if (allowed !== "") parts.push(`Allowed: ${allowed}.`);
  }
  return parts.filter((part) => part !== "").join(" ");
}

/**
 * The fields every item of a list of mappings (or every entry of a mapping with keys of the user's choosing)
 * has, as comment lines under the key's own comment: they are written once, not at each item.
 */
function shape(schema: JsonSchema, indent: string, nesting: string): string[] {
  const items = listItemSchema(schema);
  if (items !== undefined && isGroupSchema(items)) {
    return [...comment("Each item:", indent, nesting), ...fields(items, indent, `${nesting}  `)];
  }
  const entry = entrySchema(schema);
  if (entry === undefined) return [];
  const head = "Each entry, under a key of your choosing:";
  if (isGroupSchema(entry)) return [...comment(head, indent, nesting), ...fields(entry, indent, `${nesting}  `)];
  const text = about(entry, false);
  return text === "" ? [] : comment(`${head} ${text}`, indent, nesting);
}

/** One comment line (wrapped) per field of a mapping schema, `nesting` deep after the `#`, sub-fields deeper. */
function fields(schema: JsonSchema, indent: string, nesting: string): string[] {
  const lines: string[] = [];
  for (const name of memberNames(schema, undefined)) {
    const field = memberSchema(schema, name);
    lines.push(...comment(`${name}: ${about(field, false)}`, indent, nesting));
    if (isGroupSchema(field)) lines.push(...fields(field, indent, `${nesting}  `));
    lines.push(...shape(field, indent, `${nesting}  `));
  }
  return lines;
}

/** `key: value` on one line when it fits, else `key:` and the value as an indented block. */
function valueLines(key: string, value: unknown, indent: string, commented: boolean): string[] {
  const mark = commented ? "# " : "";
  const inline = flow(value);
  const line = `${indent}${mark}${key}: ${inline}`;
  if (inline !== undefined && line.length <= LINE_WIDTH) return [line];
  const inner = `${indent}${mark}  `;
  return [`${indent}${mark}${key}:`, ...block(value, inner.length).map((text) => `${inner}${text}`)];
}

/** Block lines of a non-empty list or mapping: a list's items one per line in flow form when they fit. */
function block(value: unknown, width: number): string[] {
  if (!Array.isArray(value)) return yaml(value, "any").split("\n");
  return value.flatMap((item) => {
    const inline = flow(item);
    if (inline !== undefined && width + 2 + inline.length <= LINE_WIDTH) return [`- ${inline}`];
    return yaml([item], "any").split("\n");
  });
}

/**
 * A value on one line: a scalar, an empty list or mapping, or a list or mapping of scalars in flow style;
 * `undefined` when it needs a block.
 */
function flow(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") {
    const text = yaml(value, "any");
    // A multi-line string: JSON's double-quoted form is a one-line YAML scalar too.
    return text.includes("\n") ? JSON.stringify(value) : text;
  }
  const members = Array.isArray(value) ? value : Object.values(value);
  if (members.some((member) => member !== null && typeof member === "object")) return undefined;
  const text = yaml(value, "flow");
  return text.includes("\n") ? undefined : text;
}

/** `any`: block style, except `[]` and `{}` for an empty list or mapping. */
function yaml(value: unknown, style: "any" | "flow"): string {
  return stringify(value, { collectionStyle: style, lineWidth: 0 }).trimEnd();
}

/** `text` as `#` comment lines no wider than the limit; `nesting` indents every line after the `#`. */
function comment(text: string, indent: string, nesting = ""): string[] {
  if (text === "") return [];
  const hanging = nesting === "" ? "" : `${nesting}  `;
  const width = LINE_WIDTH - indent.length - 2;
  const lines: string[] = [];
  let line = nesting;
  for (const word of text.trim().split(/\s+/)) {
    if (line.trim() !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${hanging}${word}`;
    } else {
      line = line.trim() === "" ? `${line}${word}` : `${line} ${word}`;
    }
  }
  if (line.trim() !== "") lines.push(line);
  return lines.map((content) => `${indent}# ${content}`);
}

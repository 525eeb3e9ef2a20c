import type { JsonSchema } from "./json-schema.ts";
import { isPlainObject } from "./merge.ts";

/** One key of the configuration with everything the docs and the commented template say about it. */
export interface ConfigKey {
  /**
   * Dotted path, e.g. `rack.cell.capacity_Ah`. A field of every item of a list is written `list[].field`, and
   * every entry of a mapping with keys of the user's choosing `map.<name>`.
   */
  readonly path: string;
  /** Depth below the section (0 = a key of the section). */
  readonly depth: number;
  readonly name: string;
  readonly schema: JsonSchema;
  /** True for a mapping with its own keys listed after it. */
  readonly isGroup: boolean;
  /**
   * True when the key stands for the same field of every item of a list (or every entry of a free-keyed
   * mapping): it describes a shape, it is not one key of the file and has no default of its own.
   */
  readonly repeated: boolean;
  /** The default as written in a file; `undefined` when derived (see `schema.defaultDescription`) or repeated. */
  readonly defaultValue: unknown;
}

/** Placeholder name of an entry of a mapping whose keys the user chooses. */
export const ENTRY_NAME = "<name>";

/**
 * Every key under a section's schema, depth first in schema order, with its default from `defaults`. Keys that
 * appear in the defaults but not in the schema (a section that accepts any key) are listed too. Lists of
 * mappings and free-keyed mappings also list the fields of their items (`repeated`).
 */
export function listConfigKeys(schema: JsonSchema, defaults: unknown, prefix: string, depth = 0): ConfigKey[] {
  return listKeys(schema, defaults, prefix, depth, false);
}

function listKeys(
  schema: JsonSchema,
  defaults: unknown,
  prefix: string,
  depth: number,
  repeated: boolean,
): ConfigKey[] {
  const keys: ConfigKey[] = [];
  for (const name of memberNames(schema, defaults)) {
    const child = memberSchema(schema, name);
    const value = isPlainObject(defaults) ? defaults[name] : undefined;
    const path = `${prefix}.${name}`;
    const group = isGroupSchema(child);
    keys.push({ path, depth, name, schema: child, isGroup: group, repeated, defaultValue: value });
    if (group) keys.push(...listKeys(child, value, path, depth + 1, repeated));
    else keys.push(...itemKeys(child, path, depth));
  }
  const entry = entrySchema(schema);
  if (entry !== undefined && (isGroupSchema(entry) || entry.description !== undefined)) {
    const path = `${prefix}.${ENTRY_NAME}`;
    const group = isGroupSchema(entry);
    keys.push({
      path,
      depth,
      name: ENTRY_NAME,
      schema: entry,
      isGroup: group,
      repeated: true,
      defaultValue: undefined,
    });
    if (group) keys.push(...listKeys(entry, undefined, path, depth + 1, true));
    else keys.push(...itemKeys(entry, path, depth));
  }
  return keys;
}

/** The fields of the items of a list of mappings, as `path[].field` (nothing for other keys). */
function itemKeys(schema: JsonSchema, path: string, depth: number): ConfigKey[] {
  const items = listItemSchema(schema);
  if (items === undefined || !isGroupSchema(items)) return [];
  return listKeys(items, undefined, `${path}[]`, depth + 1, true);
}

/** The keys of a mapping in order: those of the schema first, then any others the defaults have. */
export function memberNames(schema: JsonSchema, defaults: unknown): string[] {
  const properties = schema.properties ?? {};
  const defaultKeys = isPlainObject(defaults) ? Object.keys(defaults) : [];
  return [...Object.keys(properties), ...defaultKeys.filter((key) => !Object.hasOwn(properties, key))];
}

/** The schema of one key of a mapping: its own, else the one every other key follows, else anything. */
export function memberSchema(schema: JsonSchema, name: string): JsonSchema {
  if (schema.properties !== undefined && Object.hasOwn(schema.properties, name)) return schema.properties[name];
  return entrySchema(schema) ?? {};
}

/** The schema every key of a free-keyed mapping follows (`additionalProperties: {...}`), if any. */
export function entrySchema(schema: JsonSchema): JsonSchema | undefined {
  return isPlainObject(schema.additionalProperties) ? (schema.additionalProperties as JsonSchema) : undefined;
}

/** The schema of the items of a list, if the key is a list with one. */
export function listItemSchema(schema: JsonSchema): JsonSchema | undefined {
  return types(schema).includes("array") && isPlainObject(schema.items) ? schema.items : undefined;
}

/** A mapping whose keys are written one per line, each with its own comment. */
export function isGroupSchema(schema: JsonSchema): boolean {
  const objectOnly = types(schema).length === 1 && types(schema)[0] === "object";
  return objectOnly && (schema.properties !== undefined || entrySchema(schema) !== undefined);
}

/**
 * The JSON types a schema allows, in order: its `type` (one or a list), else those of its `anyOf`/`oneOf`
 * branches, else `[]` (anything).
 */
export function types(schema: JsonSchema): string[] {
  const type = schema.type as unknown;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.map(String);
  const found: string[] = [];
  for (const branch of branches(schema)) {
    const inner = types(branch);
    if (inner.length === 0) return [];
    for (const t of inner) if (!found.includes(t)) found.push(t);
  }
  return found;
}

function branches(schema: JsonSchema): JsonSchema[] {
  const list = (schema.anyOf ?? schema.oneOf) as unknown;
  return Array.isArray(list) ? list.filter((branch): branch is JsonSchema => isPlainObject(branch)) : [];
}

/**
 * What values are allowed, in words: `integer, 1..32`, `one of "json", "text"`, `> 0 .. 2000`, `null or 50 .. 100`,
 * `at least 2 items`, `each 1 .. 247`.
 */
export function allowedValues(schema: JsonSchema): string {
  if (schema.enum !== undefined) return `one of ${schema.enum.map((value) => JSON.stringify(value)).join(", ")}`;
  if (schema.const !== undefined) return `exactly ${JSON.stringify(schema.const)}`;
  const alternatives = branches(schema);
  if (alternatives.length > 0) {
    // `null or 50 .. 100`: next to a branch with limits, one without is named by its type (the type column
    // already says `number or null` when no branch has any).
    const limits = alternatives.map((branch) => allowedValues(branch));
    const words = limits.every((text) => text === "")
      ? ""
      : alternatives.map((branch, i) => limits[i] || typeName(branch)).join(" or ");
    return [words, ownLimits(schema)].filter((part) => part !== "").join(", ");
  }
  return ownLimits(schema);
}

function ownLimits(schema: JsonSchema): string {
  const parts: string[] = [];
  const low =
    schema.minimum !== undefined
      ? `${schema.minimum}`
      : schema.exclusiveMinimum !== undefined
        ? `> ${schema.exclusiveMinimum}`
        : "";
  const high =
    schema.maximum !== undefined
      ? `${schema.maximum}`
      : schema.exclusiveMaximum !== undefined
        ? `< ${schema.exclusiveMaximum}`
        : "";
  if (low !== "" && high !== "") parts.push(`${low} .. ${high}`);
  else if (low !== "") parts.push(low.startsWith(">") ? low : `>= ${low}`);
  else if (high !== "") parts.push(high.startsWith("<") ? high : `<= ${high}`);
  if (schema.pattern !== undefined)
    parts.push(schema.errorHint?.replace(/^(must be|expected) /, "") ?? `matching /${schema.pattern}/`);
  if (schema.minLength === 1) parts.push("not empty");
  const items = listItemSchema(schema);
  if (items !== undefined || types(schema).includes("array")) {
    parts.push(...itemCount(schema));
    const each = items === undefined || isGroupSchema(items) ? "" : allowedValues(items);
    if (each !== "") parts.push(`each ${each}`);
  }
  return parts.join(", ");
}

function itemCount(schema: JsonSchema): string[] {
  const { minItems, maxItems } = schema;
  if (minItems !== undefined && maxItems !== undefined)
    return [minItems === maxItems ? `exactly ${minItems} items` : `${minItems} .. ${maxItems} items`];
  if (minItems !== undefined && minItems > 0) return [`at least ${minItems} item${minItems === 1 ? "" : "s"}`];
  if (maxItems !== undefined) return [`at most ${maxItems} items`];
  return [];
}

/** The JSON type of a key in words: `number`, `mapping`, `list of integer`, `number or null`. */
export function typeName(schema: JsonSchema): string {
  const found = types(schema);
  if (found.length === 0) return "any";
  return found
    .map((type) => {
      if (type === "object") return "mapping";
      if (type !== "array") return type;
      const items = listItemSchema(schema);
      if (items === undefined) return "list";
      const inner = typeName(items);
      return inner === "mapping" ? "list of mappings" : `list of ${inner}`;
    })
    .join(" or ");
}

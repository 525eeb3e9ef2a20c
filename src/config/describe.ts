import type { JsonSchema } from "./json-schema.ts";
import { isPlainObject } from "./merge.ts";

/** One key of the configuration with everything the docs and the commented template say about it. */
export interface ConfigKey {
  /** Dotted path, e.g. `rack.cell.capacity_Ah`. */
  readonly path: string;
  /** Depth below the section (0 = a key of the section). */
  readonly depth: number;
  readonly name: string;
  readonly schema: JsonSchema;
  /** True for a mapping with its own keys listed after it. */
  readonly isGroup: boolean;
  /** The default as written in a file; `undefined` when derived (see `schema.defaultDescription`). */
  readonly defaultValue: unknown;
}

/**
 * Every key under a section's schema, depth first in schema order, with its default from `defaults`. Keys that
 * appear in the defaults but not in the schema (a section that accepts any key) are listed too.
 */
export function listConfigKeys(schema: JsonSchema, defaults: unknown, prefix: string, depth = 0): ConfigKey[] {
  const keys: ConfigKey[] = [];
  const properties = schema.properties ?? {};
  const defaultKeys = isPlainObject(defaults) ? Object.keys(defaults) : [];
  const names = [...Object.keys(properties), ...defaultKeys.filter((key) => !(key in properties))];
  for (const name of names) {
    const child: JsonSchema = properties[name] ?? {};
    const value = isPlainObject(defaults) ? defaults[name] : undefined;
    const path = `${prefix}.${name}`;
    const isGroup = child.type === "object" && child.properties !== undefined;
    keys.push({ path, depth, name, schema: child, isGroup, defaultValue: value });
    if (isGroup) keys.push(...listConfigKeys(child, value, path, depth + 1));
  }
  return keys;
}

/** What values are allowed, in words: `integer, 1..32`, `one of "json", "text"`, `> 0 .. 2000`. */
export function allowedValues(schema: JsonSchema): string {
  if (schema.enum !== undefined) return `one of ${schema.enum.map((value) => JSON.stringify(value)).join(", ")}`;
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
    parts.push(schema.errorHint?.replace(/^must be /, "") ?? `matching /${schema.pattern}/`);
  if (schema.minLength === 1) parts.push("not empty");
  return parts.join(", ");
}

/** The JSON type of a key in words. */
export function typeName(schema: JsonSchema): string {
  if (schema.type === undefined) return "any";
  return schema.type === "object" ? "mapping" : schema.type === "array" ? "list" : schema.type;
}

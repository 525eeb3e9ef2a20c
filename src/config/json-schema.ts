/**
 * The subset of JSON Schema (draft-07, as ajv reads it) the configuration uses, plus three annotations of ours
 * that ajv is told about and ignores when validating:
 * - `unit`: the unit of a number, shown in the docs and in `bcu config init`'s comments;
 * - `errorHint`: the reason given instead of ajv's own when a `pattern` does not match;
 * - `defaultDescription`: the default in words when it is derived from another key (e.g. `<dataDir>/bcu.sock`).
 */
export interface JsonSchema {
  readonly type?: "object" | "integer" | "number" | "string" | "boolean" | "array" | "null";
  readonly description?: string;
  readonly unit?: string;
  readonly errorHint?: string;
  readonly defaultDescription?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  /** Other keywords pass through to ajv untouched (sections may bring their own schemas). */
  readonly [keyword: string]: unknown;
}

/** Keywords of ours that ajv must accept as annotations (its strict mode rejects unknown keywords). */
export const ANNOTATION_KEYWORDS = ["unit", "errorHint", "defaultDescription"] as const;

/**
 * An object schema whose every property is required and no other key is allowed (a typo is an error).
 * List optional keys in `optional`.
 */
export function strictObject(
  description: string,
  properties: Readonly<Record<string, JsonSchema>>,
  optional: readonly string[] = [],
): JsonSchema {
  return {
    type: "object",
    description,
    properties,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    additionalProperties: false,
  };
}

/** A TCP port, 1..65535. */
export function portSchema(description: string): JsonSchema {
  return { type: "integer", minimum: 1, maximum: 65535, description };
}

/** A whole number of milliseconds in [minimum, maximum]. */
export function durationMsSchema(description: string, minimum: number, maximum: number): JsonSchema {
  return { type: "integer", minimum, maximum, unit: "ms", description };
}

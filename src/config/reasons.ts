import type { ErrorObject } from "ajv";
import type { JsonSchema } from "./json-schema.ts";

/**
 * A reason a user can act on, for one ajv error: what was expected and what was found. `value` is the offending
 * value (ajv's `data`, with `verbose`).
 */
export function reasonFor(error: ErrorObject): string {
  const got = ` (got ${describeValue(error.data)})`;
  const parent = (error.parentSchema ?? {}) as JsonSchema;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "type":
      return `must be ${withArticle(String(params.type))}${got}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `must be ${params.comparison} ${params.limit}${parent.unit ? ` ${parent.unit}` : ""}${got}`;
    case "enum":
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}${got}`;
    case "const":
      return `must be ${JSON.stringify(params.allowedValue)}${got}`;
    case "pattern":
      return `${parent.errorHint ?? `must match /${params.pattern}/`}${got}`;
    case "minLength":
      return params.limit === 1 ? `must not be empty` : `must be at least ${params.limit} characters${got}`;
    case "additionalProperties":
      return unknownKeyReason(String(params.additionalProperty), Object.keys(parent.properties ?? {}));
    case "required":
      return `missing required key "${params.missingProperty}"`;
    default:
      return `${error.message ?? "is invalid"}${got}`;
  }
}

function unknownKeyReason(key: string, allowed: readonly string[]): string {
  const suggestion = closest(key, allowed);
  if (suggestion !== undefined) return `unknown key "${key}" (did you mean "${suggestion}"?)`;
  return allowed.length === 0 ? `unknown key "${key}"` : `unknown key "${key}" (allowed: ${allowed.join(", ")})`;
}

/** The allowed key a typo most likely meant: within edit distance 2, or differing only in case. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance =
      candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.min(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function withArticle(type: string): string {
  const names: Record<string, string> = {
    integer: "an integer",
    number: "a number",
    string: "a string",
    boolean: "true or false",
    object: "a mapping of keys",
    array: "a list",
    null: "null",
  };
  return type
    .split(",")
    .map((t) => names[t] ?? t)
    .join(" or ");
}

/** A value as the user wrote it, shortened. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import { ConfigError } from "./errors.ts";
import type { ConfigIssue } from "./errors.ts";
import { ANNOTATION_KEYWORDS } from "./json-schema.ts";
import { isPlainObject } from "./merge.ts";
import { formatDocPath, fromJsonPointer, parseDottedPath } from "./path.ts";
import type { DocPath } from "./path.ts";
import { reasonFor } from "./reasons.ts";
import { configSchema } from "./schema.ts";
import { configSections, documentChecks } from "./sections.ts";
import type { BcuConfig } from "./sections.ts";
import type { ConfigSection, SectionIssue } from "./section.ts";
import type { SourceLocator } from "./source.ts";

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
    for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword(keyword);
    compiled = ajv.compile(configSchema());
  }
  return compiled;
}

/**
 * Validates a complete configuration document (defaults already merged in) against the schema and every
 * section's cross-field checks, and returns it with derived defaults filled in. Throws `ConfigError` with every
 * issue found; `locate` (from `parseConfigText`) adds line and column to each.
 */
export function validateConfig(document: unknown, fileName: string, locate?: SourceLocator): BcuConfig {
  const issues: ConfigIssue[] = [];
  const issue = (path: DocPath, reason: string, target: "key" | "value"): ConfigIssue => ({
    file: fileName,
    path: formatDocPath(path),
    reason,
    ...locate?.(path, target),
  });

  const validate = schemaValidator();
  const schemaErrors = validate(document) ? [] : (validate.errors ?? []);
  const failedPaths: (string | number)[][] = [];
  for (const error of schemaErrors) {
    const path = errorPath(error, document);
    const target = error.keyword === "additionalProperties" ? "key" : "value";
    issues.push(issue(path, path.length === 0 ? topLevelReason(error) : reasonFor(error), target));
    failedPaths.push(path);
  }

  const resolved: Record<string, unknown> = {};
  if (isPlainObject(document)) {
    for (const section of configSections as readonly ConfigSection<string, unknown, unknown>[]) {
      const failedHere = failedPaths.filter((path) => path[0] === section.key).map((path) => path.slice(1));
      const raw =
        failedHere.length === 0 ? document[section.key] : repaired(document[section.key], section, failedHere);
      if (raw === undefined) continue;
      let value: unknown;
      let found: readonly SectionIssue[];
      try {
        value = section.resolve(raw);
        found = section.check?.(value) ?? [];
      } catch (error) {
        // A repaired copy may still trip a check written for valid data; its schema errors are reported anyway.
        if (failedHere.length > 0) continue;
        throw error;
      }
      resolved[section.key] = value;
      for (const { path: dotted, reason } of found) {
        const path = parseDottedPath(dotted);
        // A check must not complain about a value that was replaced for it: that value has its own error.
        if (failedHere.some((failed) => formatDocPath(failed) === dotted)) continue;
        issues.push(issue([section.key, ...path], reason, "value"));
      }
    }
  }

  if (issues.length === 0) {
    for (const check of documentChecks) {
      for (const found of check(resolved as BcuConfig)) {
        issues.push(issue(parseDottedPath(found.path), found.reason, "value"));
      }
    }
  }

  if (issues.length > 0) throw new ConfigError(issues.sort(byPosition));
  return resolved as BcuConfig;
}

/**
 * A copy of a section that failed its schema, with each failing value replaced by its default (an unknown key
 * removed), so its cross-field checks can still run and every error is reported at once. `undefined` when the
 * section itself is of the wrong type.
 */
function repaired(
  value: unknown,
  section: ConfigSection<string, unknown, unknown>,
  failedPaths: readonly (string | number)[][],
): unknown {
  if (!isPlainObject(value)) return undefined;
  const copy = structuredClone(value);
  for (const path of failedPaths) {
    if (path.length === 0) return undefined;
    let target: unknown = copy;
    let fallback: unknown = section.defaults;
    for (const segment of path.slice(0, -1)) {
      target = isPlainObject(target) ? target[segment] : undefined;
      fallback = isPlainObject(fallback) ? fallback[segment] : undefined;
    }
    const last = path[path.length - 1];
    if (!isPlainObject(target)) return undefined;
    if (isPlainObject(fallback) && Object.hasOwn(fallback, last)) target[last] = structuredClone(fallback[last]);
    else delete target[last];
  }
  return copy;
}

/** Where the error is: for an unknown key or a missing one, the key itself. */
function errorPath(error: ErrorObject, document: unknown): (string | number)[] {
  const path = fromJsonPointer(error.instancePath, document);
  if (error.keyword === "additionalProperties") path.push(String(error.params.additionalProperty));
  if (error.keyword === "required") path.push(String(error.params.missingProperty));
  return path;
}

function topLevelReason(error: ErrorObject): string {
  if (error.keyword === "type") {
    const sections = configSections.map((section) => section.key).join(", ");
    return `the document must be a mapping of sections (${sections})`;
  }
  return reasonFor(error);
}

/** Issues in file order; those without a position (from defaults) last, by path. */
function byPosition(a: ConfigIssue, b: ConfigIssue): number {
  const lineA = a.line ?? Infinity;
  const lineB = b.line ?? Infinity;
  if (lineA !== lineB) return lineA - lineB;
  if ((a.column ?? 0) !== (b.column ?? 0)) return (a.column ?? 0) - (b.column ?? 0);
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

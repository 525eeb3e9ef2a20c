import type { JsonSchema } from "./json-schema.ts";

/** A problem a section's cross-field check found, at `path` relative to the section (`""` = the section itself). */
export interface SectionIssue {
  readonly path: string;
  readonly reason: string;
}

/**
 * One top-level section of the configuration document. A section brings its key, its schema (with a
 * `description` on every property: the docs and `bcu config init` are generated from them) and its defaults.
 * Adding a section is one file plus one line in `sections.ts`.
 *
 * `Raw` is the section as written in a file, merged over `defaults`; `T` is what the program sees after
 * `resolve` filled the defaults that derive from other keys. They differ only when such a key exists.
 */
export interface ConfigSection<K extends string, T, Raw = T> {
  readonly key: K;
  readonly schema: JsonSchema;
  /** The embedded defaults, as they would be written in a file. */
  readonly defaults: Raw;
  /** Fills derived defaults; called on a schema-valid section. */
  readonly resolve: (raw: Raw) => T;
  /** Checks that need several fields at once; called only when the section passed its schema. */
  readonly check?: (value: T) => readonly SectionIssue[];
}

/** Declares a section whose file form and program form are the same (no derived defaults). */
export function defineSection<K extends string, T>(
  section: Omit<ConfigSection<K, T>, "resolve"> & { readonly resolve?: (raw: T) => T },
): ConfigSection<K, T> {
  return { ...section, resolve: section.resolve ?? ((raw) => raw) };
}

import type { JsonSchema } from "./json-schema.ts";
import { configSections } from "./sections.ts";

/** The JSON schema of the whole configuration document (after defaults are merged in: every section present). */
export function configSchema(): JsonSchema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "bcu configuration",
    type: "object",
    description: "Configuration of the bcu daemon. Every key has a default; a file sets only what differs.",
    properties: Object.fromEntries(configSections.map((section) => [section.key, section.schema])),
    required: configSections.map((section) => section.key),
    additionalProperties: false,
  };
}

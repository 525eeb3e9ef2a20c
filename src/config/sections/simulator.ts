import type { JsonSchema } from "../json-schema.ts";
import type { ConfigSection } from "../section.ts";
import { defineSection } from "../section.ts";

/**
 * The simulated rack. `enabled` is ours; every other key is an option of the simulator (`src/sim`), which owns
 * their schema and defaults.
 */
export interface SimulatorConfig {
  readonly enabled: boolean;
  readonly [option: string]: unknown;
}

const enabledSchema: JsonSchema = {
  type: "boolean",
  description:
    "Run the simulated rack (BMUs, current sensor, contactor unit) on the in-process CAN bus. " +
    "Only with `can.transport: virtual`.",
};

/**
 * The one place the simulator's options are wired into the configuration. Until the simulator publishes its
 * options schema, any further key under `simulator` is accepted as is. To wire it: import
 * `simulatorOptionsSchema` and `defaultSimulatorOptions` from `../../sim/options.ts` and pass them here.
 */
export function simulatorSection(
  options: { readonly schema: JsonSchema; readonly defaults: Readonly<Record<string, unknown>> } | null = null,
): ConfigSection<"simulator", SimulatorConfig> {
  const description = "The rack simulator that drives the virtual CAN bus (the embedded default runs it).";
  const schema: JsonSchema =
    options === null
      ? {
          type: "object",
          description,
          properties: { enabled: enabledSchema },
          required: ["enabled"],
          additionalProperties: true,
        }
      : {
          type: "object",
          description,
          properties: { enabled: enabledSchema, ...options.schema.properties },
          required: ["enabled", ...(options.schema.required ?? [])],
          additionalProperties: options.schema.additionalProperties ?? false,
        };
  return defineSection<"simulator", SimulatorConfig>({
    key: "simulator",
    schema,
    defaults: { enabled: true, ...options?.defaults },
  });
}

/** The configuration: one validated document, YAML or JSON, merged over the embedded defaults. */
export type { BcuConfig } from "./sections.ts";
export type { CellConfig, RackConfig } from "./sections/rack.ts";
export type { CanConfig, CanTransportSpec } from "./sections/can.ts";
export type { MeasurementsConfig } from "./sections/measurements.ts";
export type { CycleConfig } from "./sections/cycle.ts";
export type { SimulatorConfig } from "./sections/simulator.ts";
export type { DaemonConfig, LogFormat, LogLevel } from "./sections/daemon.ts";
export type { ConfigIssue } from "./errors.ts";
export type { ParsedConfigText, SourceLocator, SourcePosition } from "./source.ts";
export { ConfigError, formatConfigIssue } from "./errors.ts";
export { defaultConfig, defaultConfigDocument } from "./defaults.ts";
export { loadConfig, loadConfigFile, loadConfigText } from "./load.ts";
export { parseConfigText } from "./source.ts";
export { validateConfig } from "./validate.ts";
export { configSchema } from "./schema.ts";

import { configSections } from "./sections.ts";
import type { BcuConfig } from "./sections.ts";
import type { ConfigSection } from "./section.ts";

/** The embedded defaults as they would be written in a file (derived keys such as `daemon.controlSocket` absent). */
export function defaultConfigDocument(): Record<string, unknown> {
  return Object.fromEntries(configSections.map((section) => [section.key, structuredClone(section.defaults)]));
}

/**
 * The configuration used when no file is given: one simulated rack of 15 BMUs x 16 cells (1P240S, 280 Ah LFP,
 * about 768 V and 215 kWh) on the in-process virtual CAN bus. A fresh copy on every call.
 */
export function defaultConfig(): BcuConfig {
  const sections = configSections as readonly ConfigSection<string, unknown, unknown>[];
  return Object.fromEntries(
    sections.map((section) => [section.key, section.resolve(structuredClone(section.defaults))]),
  ) as BcuConfig;
}

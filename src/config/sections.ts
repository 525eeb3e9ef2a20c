import type { SectionIssue } from "./section.ts";
import { balancingSection } from "./sections/balancing.ts";
import { canSection } from "./sections/can.ts";
import { contactorsSection } from "./sections/contactors.ts";
import { cycleSection } from "./sections/cycle.ts";
import { daemonSection } from "./sections/daemon.ts";
import { estimationSection } from "./sections/estimation.ts";
import { insulationSection } from "./sections/insulation.ts";
import { measurementsSection } from "./sections/measurements.ts";
import { modbusSection } from "./sections/modbus.ts";
import { opcuaSection } from "./sections/opcua.ts";
import { protectionSection } from "./sections/protection.ts";
import { rackSection } from "./sections/rack.ts";
import { simulatorSection } from "./sections/simulator.ts";
import { storeSection } from "./sections/store.ts";

/**
 * Every section of the configuration document, in the order `bcu config show|init` and the docs list them.
 * Adding a section: write `sections/NAME.ts` exporting a `ConfigSection`, and add it here.
 */
export const configSections = [
  rackSection,
  canSection,
  measurementsSection,
  cycleSection,
  estimationSection,
  protectionSection,
  contactorsSection,
  insulationSection,
  balancingSection,
  simulatorSection(),
  storeSection,
  modbusSection,
  opcuaSection,
  daemonSection,
] as const;

type AnySection = (typeof configSections)[number];

/** The validated configuration, defaults filled in: one property per section. */
export type BcuConfig = { readonly [S in AnySection as S["key"]]: ReturnType<S["resolve"]> };

/**
 * Checks across sections, run when every section passed its own schema and checks. Paths are from the document
 * root.
 */
export const documentChecks: readonly ((config: BcuConfig) => readonly SectionIssue[])[] = [
  (config) =>
    // Simulated frames must never mix with a real bus or a recorded one.
    config.simulator.enabled && config.can.transport !== "virtual"
      ? [
          {
            // Reported at the transport: that is the key a file changes, the simulator being on by default.
            path: "can.transport",
            reason: `the simulator (simulator.enabled) drives the in-process bus only: with can.transport "${config.can.transport}" set simulator.enabled to false`,
          },
        ]
      : [],
];

import { join } from "node:path";
import { strictObject } from "../json-schema.ts";
import type { ConfigSection } from "../section.ts";

export type LogLevel = "error" | "warn" | "info" | "debug";
export type LogFormat = "json" | "text";

export interface DaemonConfig {
  readonly dataDir: string;
  readonly controlSocket: string;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly contactorsAtStop: ContactorsAtStop;
}

/** What the daemon does with the contactors when it stops on purpose (SIGTERM, `systemctl stop`). */
export type ContactorsAtStop = "open" | "leaveToFailSafe";

/** As written in a file: without `controlSocket` it lives in `dataDir`. */
export type DaemonConfigInput = Omit<DaemonConfig, "controlSocket"> & { readonly controlSocket?: string };

export const daemonSection: ConfigSection<"daemon", DaemonConfig, DaemonConfigInput> = {
  key: "daemon",
  schema: strictObject(
    "The daemon process: where it keeps its data, where the CLI reaches it, how it logs.",
    {
      dataDir: {
        type: "string",
        minLength: 1,
        description: "Directory of the persisted state (SQLite). Relative paths are from the working directory.",
      },
      controlSocket: {
        type: "string",
        minLength: 1,
        defaultDescription: "<dataDir>/bcu.sock",
        description: "Unix socket on which the daemon answers `bcu status` and other CLI commands.",
      },
      logLevel: {
        type: "string",
        enum: ["error", "warn", "info", "debug"],
        description: "Least severe log level written.",
      },
      contactorsAtStop: {
        type: "string",
        enum: ["open", "leaveToFailSafe"],
        description:
          "At an ordered stop: `open` commands the contactors open (after the PCS is told to stop) before the daemon " +
          "exits; `leaveToFailSafe` keeps commanding them to the end and lets the contactor unit's 500 ms " +
          "fail-safe open them once the commands stop.",
      },
      logFormat: {
        type: "string",
        enum: ["json", "text"],
        description: "`json`: one JSON object per line (for journald and log shippers); `text`: for humans.",
      },
    },
    ["controlSocket"],
  ),
  defaults: { dataDir: "./data", logLevel: "info", logFormat: "json", contactorsAtStop: "open" },
  resolve: (raw) => ({ ...raw, controlSocket: raw.controlSocket ?? join(raw.dataDir, "bcu.sock") }),
};

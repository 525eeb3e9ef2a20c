import type { Command } from "commander";
import { Option } from "commander";
import { queryEvents } from "../../store/event-log.ts";
import { configOption, formatTable, jsonOption, printJson, CliError, EXIT_USAGE } from "../output.ts";
import type { CliContext } from "../output.ts";
import { openDatabaseForCli, parseTimeOption } from "./store-access.ts";

const LEVELS: Readonly<Record<string, 0 | 1 | 2 | 3>> = { info: 0, warn: 1, derate: 2, disconnect: 3 };
const LEVEL_NAMES = ["info", "warn", "derate", "disconnect"] as const;

/** `bcu events`: the event log, read from the database (the daemon need not run). */
export function registerEventsCommands(program: Command, { io }: CliContext): void {
  program
    .command("events")
    .description(
      "show the event log: alarm transitions, commands with their origin, contactor operations, configuration changes",
    )
    .addOption(configOption())
    .option("--db <file>", "database file (default: store.path of the configuration)")
    .option(
      "--since <when>",
      "from this time: a duration back from now (15m, 2h, 7d) or a date (2024-03-01T06:00Z)",
      "1d",
    )
    .option("--until <when>", "up to this time (same forms as --since)")
    .addOption(
      new Option("--level <level>", "at least this level: info, warn, derate, disconnect (or 0..3)").default("info"),
    )
    .option("--limit <n>", "at most the newest N events", "1000")
    .addOption(jsonOption())
    .action(
      (options: {
        config?: string;
        db?: string;
        since: string;
        until?: string;
        level: string;
        limit: string;
        json?: boolean;
      }) => {
        const now = Date.now();
        const minLevel = LEVELS[options.level] ?? (/^[0-3]$/.test(options.level) ? (Number(options.level) as 0) : null);
        if (minLevel === null) {
          throw new CliError(`--level "${options.level}": use info, warn, derate, disconnect or 0..3`, EXIT_USAGE);
        }
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new CliError(`--limit "${options.limit}": a whole number >= 1`, EXIT_USAGE);
        const sinceMs = parseTimeOption(options.since, now, "--since");
        const untilMs = options.until === undefined ? undefined : parseTimeOption(options.until, now, "--until");
        const db = openDatabaseForCli(io, options);
        try {
          const events = queryEvents(db, { sinceMs, untilMs, minLevel, limit });
          if (options.json === true) {
            printJson(
              io,
              events.map((e) => ({ ...e, time: new Date(e.timeMs).toISOString() })),
            );
            return;
          }
          if (events.length === 0) {
            io.out(`no events since ${new Date(sinceMs).toISOString()}\n`);
            return;
          }
          io.out(
            formatTable(
              ["time", "level", "kind", "source", "message", "origin"],
              events.map((e) => [
                new Date(e.timeMs).toISOString(),
                LEVEL_NAMES[e.level],
                e.kind,
                e.source,
                e.message + (e.value !== undefined ? ` (${e.value}${e.unit ? " " + e.unit : ""})` : ""),
                e.origin ?? "",
              ]),
            ),
          );
        } finally {
          db.close();
        }
      },
    );
}

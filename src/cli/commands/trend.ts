import type { Command } from "commander";
import { Option } from "commander";
import { findPoint, pointCatalog } from "../../points/catalog.ts";
import { parseCellPointId, queryCellTrend } from "../../store/cell-trend.ts";
import { TrendQueryError } from "../../store/errors.ts";
import { queryPackTrend, type TrendResolution, type TrendSample } from "../../store/pack-trend.ts";
import { TrendLayouts } from "../../store/trend-layout.ts";
import { CliError, EXIT_USAGE, configOption, formatTable, jsonOption, printJson } from "../output.ts";
import type { CliContext } from "../output.ts";
import { openDatabaseForCli, parseTimeOption } from "./store-access.ts";

/** `bcu trend POINT`: a point's recorded values, read from the database (the daemon need not run). */
export function registerTrendCommands(program: Command, { io }: CliContext): void {
  program
    .command("trend")
    .description(
      "show a point's trend: a catalog point (pack.voltage, cell.voltageMax, ...) or one cell or sensor (cell.3.12.voltage, sensor.2.5.temperature)",
    )
    .argument("<point>", "point id")
    .addOption(configOption())
    .option("--db <file>", "database file (default: store.path of the configuration)")
    .option(
      "--since <when>",
      "from this time: a duration back from now (15m, 2h, 7d) or a date (2024-03-01T06:00Z)",
      "1h",
    )
    .option("--until <when>", "up to this time (same forms as --since)")
    .addOption(
      new Option("--resolution <r>", "auto: per-minute rows where the full-rate ones are gone; fine; minute")
        .choices(["auto", "fine", "minute"])
        .default("auto"),
    )
    .option("--csv", "print CSV: time,value[,min,max]")
    .addOption(jsonOption())
    .action(
      (
        point: string,
        options: {
          config?: string;
          db?: string;
          since: string;
          until?: string;
          resolution: TrendResolution;
          csv?: boolean;
          json?: boolean;
        },
      ) => {
        const now = Date.now();
        const sinceMs = parseTimeOption(options.since, now, "--since");
        const untilMs = options.until === undefined ? now : parseTimeOption(options.until, now, "--until");
        const cellPoint = parseCellPointId(point);
        if (!cellPoint && !findPoint(point)) {
          const close = pointCatalog.filter((p) => p.id.startsWith(point.split(".")[0] + ".")).map((p) => p.id);
          throw new CliError(
            `unknown point "${point}": a catalog id (${close.length > 0 ? close.slice(0, 8).join(", ") : "see 'bcu map points'"}) or cell.M.C.voltage / sensor.M.S.temperature`,
            EXIT_USAGE,
          );
        }
        const db = openDatabaseForCli(io, options);
        let samples: TrendSample[];
        try {
          const layouts = new TrendLayouts(db);
          samples = cellPoint
            ? queryCellTrend(db, layouts, cellPoint, sinceMs, untilMs)
            : queryPackTrend(db, layouts, point, sinceMs, untilMs, options.resolution);
        } catch (error) {
          if (error instanceof TrendQueryError) throw new CliError(error.message, undefined, { cause: error });
          throw error;
        } finally {
          db.close();
        }
        const withRange = samples.some((s) => s.min !== undefined);
        if (options.json === true) {
          printJson(io, { point, samples: samples.map((s) => ({ time: new Date(s.timeMs).toISOString(), ...s })) });
        } else if (options.csv === true) {
          const cell = (v: number | null | undefined): string =>
            v === null || v === undefined ? "" : String(round(v));
          io.out(withRange ? "time,value,min,max\n" : "time,value\n");
          for (const s of samples) {
            const base = `${new Date(s.timeMs).toISOString()},${cell(s.value)}`;
            io.out(withRange ? `${base},${cell(s.min)},${cell(s.max)}\n` : `${base}\n`);
          }
        } else if (samples.length === 0) {
          io.out(
            `no samples of ${point} between ${new Date(sinceMs).toISOString()} and ${new Date(untilMs).toISOString()}\n`,
          );
        } else {
          const shown = (v: number | null | undefined): string =>
            v === null || v === undefined ? "unknown" : String(round(v));
          const header = withRange ? ["time", point, "min", "max"] : ["time", point];
          io.out(
            formatTable(
              header,
              samples.map((s) => {
                const row = [new Date(s.timeMs).toISOString(), shown(s.value)];
                return withRange ? [...row, shown(s.min), shown(s.max)] : row;
              }),
            ),
          );
        }
      },
    );
}

/** float32 noise (3.299999952) is not information: 6 significant digits. */
function round(v: number): number {
  return Number(v.toPrecision(6));
}

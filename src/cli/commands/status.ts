import type { Command } from "commander";
import { CliError, configOption, jsonOption, printJson, type CliContext } from "../output.ts";
import { ControlError } from "../../daemon/control-client.ts";
import { loadConfig } from "../../config/load.ts";
import { callDaemon } from "../../daemon/control-client.ts";
import type { StatusReport } from "../../daemon/status-report.ts";

/** `bcu status`: what the running daemon sees now. */
export function registerStatusCommand(program: Command, { io }: CliContext): void {
  program
    .command("status")
    .description("Show the running daemon's pack values, extremes with positions, stale nodes and frame counters.")
    .addOption(configOption())
    .option("--socket <path>", "control socket of the daemon (default: daemon.controlSocket of the configuration)")
    .addOption(jsonOption())
    .action(async (options: { config?: string; socket?: string; json?: boolean }) => {
      const socket = options.socket ?? loadConfig(options.config).daemon.controlSocket;
      let report: StatusReport;
      try {
        report = (await callDaemon(socket, "status")) as StatusReport;
      } catch (error) {
        if (error instanceof ControlError) throw new CliError(error.message, undefined, { cause: error });
        throw error;
      }
      if (options.json) printJson(io, report);
      else io.out(formatStatus(report));
    });
}

function value(report: StatusReport, id: string, unit: string, digits: number): string {
  const v = report.points[id];
  if (v === null || v === undefined) return "unknown";
  return typeof v === "number" ? `${v.toFixed(digits)} ${unit}`.trim() : String(v);
}

function position(report: StatusReport, moduleId: string, itemId: string, itemName: string): string {
  const m = report.points[moduleId];
  const c = report.points[itemId];
  return m === null || m === undefined ? "" : ` (module ${String(m)}, ${itemName} ${String(c)})`;
}

export function formatStatus(report: StatusReport): string {
  const lines = [
    `state          ${report.state}   cycle ${report.sequence}   up ${report.uptime_s.toFixed(0)} s`,
    `pack           ${value(report, "pack.voltage", "V", 1)}   ${value(report, "pack.current", "A", 1)}   ${value(report, "pack.power", "kW", 1)}`,
    `cell min       ${value(report, "cell.voltageMin", "V", 3)}${position(report, "cell.voltageMinModule", "cell.voltageMinCell", "cell")}`,
    `cell max       ${value(report, "cell.voltageMax", "V", 3)}${position(report, "cell.voltageMaxModule", "cell.voltageMaxCell", "cell")}`,
    `temp min       ${value(report, "temperature.min", "°C", 0)}${position(report, "temperature.minModule", "temperature.minSensor", "sensor")}`,
    `temp max       ${value(report, "temperature.max", "°C", 0)}${position(report, "temperature.maxModule", "temperature.maxSensor", "sensor")}`,
    `stale nodes    ${report.staleNodes.length === 0 ? "none" : report.staleNodes.join(", ")}`,
    `frames         ${report.framesReceived}`,
  ];
  const sources = Object.entries(report.frameSources).sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }));
  for (const [source, counters] of sources) {
    const errors = Object.entries(counters.errors)
      .map(([reason, n]) => `${reason} ${String(n)}`)
      .join(", ");
    lines.push(
      `  ${source.padEnd(14)}${String(counters.frames).padStart(10)} frames${errors ? `   errors: ${errors}` : ""}`,
    );
  }
  return lines.join("\n") + "\n";
}

import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { callDaemon, ControlError } from "../../daemon/control-client.ts";
import { CliError, configOption, jsonOption, printJson, type CliContext } from "../output.ts";

/** `bcu reload`: the running daemon re-reads its configuration and register map (like SIGHUP). */
export function registerReloadCommand(program: Command, { io }: CliContext): void {
  program
    .command("reload")
    .description(
      "Ask the running daemon to re-read its configuration and register map; an invalid one is refused and the running one stays.",
    )
    .addOption(configOption())
    .option("--socket <path>", "control socket of the daemon (default: daemon.controlSocket of the configuration)")
    .addOption(jsonOption())
    .action(async (options: { config?: string; socket?: string; json?: boolean }) => {
      const socket = options.socket ?? loadConfig(options.config).daemon.controlSocket;
      try {
        const result = await callDaemon(socket, "reload");
        if (options.json) printJson(io, result);
        else io.out("reloaded\n");
      } catch (error) {
        if (error instanceof ControlError) throw new CliError(error.message, undefined, { cause: error });
        throw error;
      }
    });
}

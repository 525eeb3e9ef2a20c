import type { Command } from "commander";
import { configOption, type CliContext } from "../output.ts";
import { loadConfig } from "../../config/load.ts";
import { createLogger } from "../../daemon/log.ts";
import { startDaemon } from "../../daemon/daemon.ts";

/** `bcu run`: the daemon in the foreground (systemd runs it this way too). */
export function registerRunCommand(program: Command, _context: CliContext): void {
  program
    .command("run")
    .description(
      "Run the BCU daemon. Without --config: the embedded default, a simulated 240-cell rack on the in-process CAN bus.",
    )
    .addOption(configOption())
    .option("--can <spec>", "CAN transport, overriding the configuration: socketcan:can0, virtual, candump:FILE")
    .action(async (options: { config?: string; can?: string }) => {
      const config = loadConfig(options.config);
      const log = createLogger({ level: config.daemon.logLevel, format: config.daemon.logFormat });
      const daemon = await startDaemon({
        config,
        log,
        canSpec: options.can,
        loadConfig: () => loadConfig(options.config),
      });
      // systemd's ExecReload and `kill -HUP`: re-read the configuration; an invalid one is refused and logged.
      const onHup = () => void daemon.reload();
      process.on("SIGHUP", onHup);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info("signal received", { signal });
          process.off("SIGINT", onInt);
          process.off("SIGTERM", onTerm);
          process.off("SIGHUP", onHup);
          daemon.stop().then(resolve, (error: unknown) => {
            log.error("stop failed", { error });
            resolve();
          });
        };
        const onInt = () => stop("SIGINT");
        const onTerm = () => stop("SIGTERM");
        process.on("SIGINT", onInt);
        process.on("SIGTERM", onTerm);
      });
    });
}

import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/errors.ts";
import { registerConfigCommands } from "./commands/config.ts";
import { registerEventsCommands } from "./commands/events.ts";
import { registerMapCommands } from "./commands/map.ts";
import { registerModbusCommands } from "./commands/modbus.ts";
import { registerOpcuaCommands } from "./commands/opcua.ts";
import { registerReloadCommand } from "./commands/reload.ts";
import { registerReplayCommand } from "./commands/replay.ts";
import { registerRunCommand } from "./commands/run.ts";
import { registerSimCommand } from "./commands/sim.ts";
import { registerStatusCommand } from "./commands/status.ts";
import { registerTrendCommands } from "./commands/trend.ts";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, processIo } from "./output.ts";
import type { CliContext, CliIo } from "./output.ts";

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

/**
 * The `bcu` program with every command registered. It never exits the process: errors are thrown
 * (`CommanderError` for the command line, `CliError` and others from commands) and `runCli` turns them into exit
 * codes. A command module adds itself with one import and one `register...(program, context)` call below.
 * The program has no options of its own besides --help and --version: see `jsonOption` for why.
 */
export function buildProgram(context: CliContext): Command {
  const { io } = context;
  const program = new Command("bcu")
    .description(
      "Battery Control Unit of a C&I storage rack: CAN in, protection and estimation, Modbus TCP and OPC UA out",
    )
    .version(packageVersion(), "-V, --version", "print the version")
    .helpCommand("help [command]", "show the help of a command")
    .showHelpAfterError("(run with --help for usage)")
    // Subcommands created after these calls inherit them.
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (text, write) => write(text) });

  registerRunCommand(program, context);
  registerStatusCommand(program, context);
  registerReloadCommand(program, context);
  registerReplayCommand(program, context);
  registerSimCommand(program, context);
  registerConfigCommands(program, context);
  registerOpcuaCommands(program, context);
  registerEventsCommands(program, context);
  registerTrendCommands(program, context);
  registerMapCommands(program, context);
  registerModbusCommands(program, context);
  return program;
}

/** Runs `bcu` with `argv` (the arguments after the program name) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram({ io });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message or the help already.
      const informational = error.code === "commander.helpDisplayed" || error.code === "commander.version";
      return informational ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof CliError) {
      if (error.message !== "") io.err(`bcu: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      io.err(`bcu: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    io.err(`bcu: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

/** True when this module is the program being run: `tsx src/cli/main.ts` or `bin/bcu.js` (which imports it). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    const real = realpathSync(entry);
    return (
      real === fileURLToPath(import.meta.url) || real === fileURLToPath(new URL("../../bin/bcu.js", import.meta.url))
    );
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = await runCli(process.argv.slice(2));

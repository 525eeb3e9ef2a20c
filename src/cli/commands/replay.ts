import { createWriteStream } from "node:fs";
import type { Command } from "commander";
import { isAbsolute, resolve } from "node:path";
import { CliError, EXIT_USAGE, configOption, jsonOption, printJson, type CliContext } from "../output.ts";
import { loadConfig } from "../../config/load.ts";
import { silentLogger } from "../../daemon/log.ts";
import { replayFrames } from "../../daemon/replay.ts";
import { readCandumpFile } from "../../can/transports/candump-log.ts";
import { parseDuration_ms } from "../../util/duration.ts";
import type { CanFrame } from "../../can/frame.ts";

/** `bcu replay`: a capture through the daemon's pipeline, with the conclusions as a CSV timeline. */
export function registerReplayCommand(program: Command, { io }: CliContext): void {
  program
    .command("replay")
    .description("Feed a candump capture through the BCU pipeline and write what it concluded as a CSV timeline.")
    .argument("<file>", "candump log: lines like (1700000000.123456) can0 123#DEADBEEF")
    .addOption(configOption())
    .option("-o, --out <file>", "timeline CSV to write (time in Unix seconds, one column per point id)")
    .option("--interval <duration>", "time between timeline rows", "1s")
    .option("--speed <speed>", "fast (as fast as possible) or recorded (paced like the capture)", "fast")
    .addOption(jsonOption())
    .action(
      async (
        file: string,
        options: { config?: string; out?: string; interval: string; speed: string; json?: boolean },
      ) => {
        if (options.speed !== "fast" && options.speed !== "recorded") {
          throw new CliError(`--speed must be "fast" or "recorded", got "${options.speed}"`, EXIT_USAGE);
        }
        let interval_ms: number;
        try {
          interval_ms = parseDuration_ms(options.interval);
        } catch (error) {
          throw new CliError(`--interval: ${(error as Error).message}`, EXIT_USAGE);
        }
        const at = (path: string) => (isAbsolute(path) ? path : resolve(io.cwd, path));
        const config = loadConfig(options.config === undefined ? undefined : at(options.config));
        const out = options.out ? createWriteStream(at(options.out)) : null;
        const summary = await replayFrames({
          config,
          frames: framesOf(at(file)),
          log: silentLogger,
          interval_ms,
          speed: options.speed,
          writeLine: out ? (line) => out.write(line + "\n") : undefined,
        });
        if (out)
          await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
        const errors = Object.values(summary.pipeline.frameSources).reduce(
          (n, c) => n + Object.values(c.errors).reduce((a, b) => a + (b ?? 0), 0),
          0,
        );
        const result = { ...summary, frameErrors: errors, out: options.out ?? null };
        if (options.json) {
          printJson(io, result);
        } else {
          const span = summary.firstFrameMs === null ? 0 : ((summary.lastFrameMs ?? 0) - summary.firstFrameMs) / 1000;
          process.stdout.write(
            `replayed ${summary.frames} frames over ${span.toFixed(1)} s of capture, ${summary.pipeline.cycles} cycles, ` +
              `${errors} frame errors${options.out ? `; ${summary.rows} timeline rows in ${options.out}` : ""}\n`,
          );
        }
      },
    );
}

function* framesOf(file: string): Generator<CanFrame> {
  for (const { frame } of readCandumpFile(file)) yield frame;
}

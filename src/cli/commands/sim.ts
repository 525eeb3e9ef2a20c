import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { formatCandumpLine } from "../../can/transports/candump-log.ts";
import { VirtualCanBus } from "../../can/transports/virtual-bus.ts";
import { RackSimulator } from "../../sim/rack-simulator.ts";
import type { SimulatorOptionsInput } from "../../sim/options.ts";
import { ScriptedContactorMaster } from "../../sim/scripted-contactor-master.ts";
import { SimScheduler } from "../../time/sim-scheduler.ts";
import { parseDuration_ms } from "../../util/duration.ts";
import { CliError, EXIT_USAGE, processIo, type CliContext } from "../output.ts";

/** Simulated time per chunk: the log is written (and back-pressure honoured) between chunks. */
const CHUNK_ms = 10_000;

interface SimCommandOptions {
  readonly duration: string;
  readonly out?: string;
  readonly seed?: string;
  readonly config?: string;
  readonly closeContactors: boolean;
  readonly iface: string;
  readonly json?: boolean;
}

/**
 * `bcu sim`: runs the rack simulator in simulated time, as fast as the CPU allows, and writes every frame to a
 * candump log. Without a BCU nobody would close the contactors, so by default a scripted stand-in does.
 */
export function registerSimCommand(program: Command, context: CliContext = { io: processIo }): void {
  program
    .command("sim")
    .description(
      "Run the simulated rack in simulated time and record its CAN traffic as a candump log " +
        "(the default rack sends ~1000 frames/s: about 3.5 GB of log per simulated day).",
    )
    .option("-d, --duration <duration>", "simulated time to run, e.g. 90s, 2h, 7d", "1h")
    .option("-o, --out <file>", "candump log to write (omit to run without recording)")
    .option("--seed <n>", "seed of the simulation (overrides simulator.seed of the configuration)")
    .option("-c, --config <file>", "configuration file, YAML or JSON (default: the embedded defaults)")
    .option("--no-close-contactors", "do not put the scripted contactor master on the bus (contactors stay open)")
    .option("--iface <name>", "interface name written in the log", "can0")
    .option("--json", "print the summary as JSON")
    .action(async (options: SimCommandOptions) => {
      const summary = await runSimCommand(options, context.io.cwd);
      if (options.json === true) context.io.out(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        context.io.out(
          `simulated ${summary.simulated_s} s in ${summary.wall_s} s: ${summary.frames} frames` +
            `${summary.out === null ? "" : ` written to ${summary.out}`}; ` +
            `true pack SOC ${(summary.packSoc * 100).toFixed(1)} %\n`,
        );
      }
    });
}

export interface SimRunSummary {
  readonly simulated_s: number;
  readonly wall_s: number;
  readonly frames: number;
  readonly out: string | null;
  readonly seed: number;
  readonly packSoc: number;
}

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new CliError(`--seed must be an integer in 0..4294967295, got "${text}"`, EXIT_USAGE);
  }
  return seed;
}

async function writeChunk(stream: WriteStream, text: string): Promise<void> {
  if (text.length === 0) return;
  if (!stream.write(text)) await once(stream, "drain");
}

/** The work of `bcu sim`, callable in-process (tests). */
export async function runSimCommand(options: SimCommandOptions, cwd: string = process.cwd()): Promise<SimRunSummary> {
  let duration_ms: number;
  try {
    duration_ms = parseDuration_ms(options.duration);
  } catch (error) {
    throw new CliError(`--duration: ${(error as Error).message}`, EXIT_USAGE, { cause: error });
  }
  const seedOverride = parseSeed(options.seed);
  const config = loadConfig(options.config === undefined ? undefined : resolve(cwd, options.config));
  const { enabled: _enabled, ...configured } = config.simulator;
  const simOptions = {
    ...(configured as SimulatorOptionsInput),
    ...(seedOverride === undefined ? {} : { seed: seedOverride }),
  };

  const scheduler = new SimScheduler();
  const bus = new VirtualCanBus(scheduler);
  const sim = new RackSimulator(config.rack, simOptions, scheduler, bus.endpoint("sim"));
  const master = new ScriptedContactorMaster(scheduler, bus.endpoint("scripted-bcu"));
  const outPath = options.out === undefined ? null : resolve(cwd, options.out);
  const stream = outPath === null ? null : createWriteStream(outPath, { flags: "w" });
  const streamError = stream === null ? null : once(stream, "error").then(([error]) => error as Error);
  let lines: string[] = [];
  let frames = 0;
  bus.tap((frame) => {
    frames++;
    if (stream !== null) lines.push(formatCandumpLine(frame, options.iface));
  });

  const started = performance.now();
  sim.start();
  if (options.closeContactors) master.start();
  const end = scheduler.nowMs() + duration_ms;
  try {
    while (scheduler.nowMs() < end) {
      scheduler.runUntil(Math.min(end, scheduler.nowMs() + CHUNK_ms));
      if (stream !== null) {
        const text = lines.length === 0 ? "" : `${lines.join("\n")}\n`;
        lines = [];
        await Promise.race([writeChunk(stream, text), streamError!.then((e) => Promise.reject(e))]);
      }
    }
  } catch (error) {
    throw new CliError(`cannot write ${outPath}: ${(error as Error).message}`, 1, { cause: error });
  } finally {
    sim.stop();
    master.stop();
    if (stream !== null) {
      stream.end();
      await Promise.race([once(stream, "finish"), streamError]);
    }
  }
  return {
    simulated_s: duration_ms / 1000,
    wall_s: Number(((performance.now() - started) / 1000).toFixed(2)),
    frames,
    out: outPath,
    seed: sim.options.seed,
    packSoc: Number(sim.truth().packSoc.toFixed(4)),
  };
}

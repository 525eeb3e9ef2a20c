/**
 * One simulated day of the default rack (15 BMUs × 16 cells, 8 sensors each) at full frame rate, every frame
 * encoded by the simulator and decoded with `decodeRackFrame` on the BCU's endpoint. Goal: ≤ 60 s wall on one
 * core. `tsx bench/sim-day.ts [hours]` runs it alone (default 24 h); `npm run bench -- sim-day` runs it too.
 */
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { decodeRackFrame } from "../src/can/codecs/rack.ts";
import { VirtualCanBus } from "../src/can/transports/virtual-bus.ts";
import { SimScheduler } from "../src/time/sim-scheduler.ts";
import { RackSimulator, type RackConfigLike } from "../src/sim/rack-simulator.ts";
import { ScriptedContactorMaster } from "../src/sim/scripted-contactor-master.ts";

const DEFAULT_RACK: RackConfigLike = {
  bmuCount: 15,
  firstBmuNode: 1,
  cellsPerBmu: 16,
  temperatureSensorsPerBmu: 8,
  cell: { capacity_Ah: 280, nominalVoltage_V: 3.2 },
};

export interface SimDayFigures {
  readonly simulated_h: number;
  readonly wall_s: number;
  /** CPU time of this process (user + system) during the run; the wall time suffers when others share the cores. */
  readonly cpu_s: number;
  readonly frames: number;
  readonly framesPerSecond: number;
  readonly decodeErrors: number;
  /** Wall seconds one simulated day would take at this rate. */
  readonly wallPerSimulatedDay_s: number;
  readonly cpuPerSimulatedDay_s: number;
  readonly finalPackSoc: number;
}

export function benchSimDay(hours = 24): SimDayFigures {
  const scheduler = new SimScheduler();
  const bus = new VirtualCanBus(scheduler);
  const sim = new RackSimulator(DEFAULT_RACK, { seed: 1 }, scheduler, bus.endpoint("sim"));
  const bcu = bus.endpoint("bcu");
  let frames = 0;
  let decodeErrors = 0;
  bcu.onFrame((frame) => {
    frames++;
    if (decodeRackFrame(frame).kind === "frameError") decodeErrors++;
  });
  const master = new ScriptedContactorMaster(scheduler, bcu);
  sim.start();
  master.start();
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  scheduler.runFor(hours * 3_600_000);
  const wall_s = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpu_s = (cpu.user + cpu.system) / 1e6;
  return {
    simulated_h: hours,
    wall_s: Number(wall_s.toFixed(2)),
    cpu_s: Number(cpu_s.toFixed(2)),
    frames,
    framesPerSecond: Math.round(frames / wall_s),
    decodeErrors,
    wallPerSimulatedDay_s: Number(((wall_s * 24) / hours).toFixed(1)),
    cpuPerSimulatedDay_s: Number(((cpu_s * 24) / hours).toFixed(1)),
    finalPackSoc: Number(sim.truth().packSoc.toFixed(4)),
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const hours = process.argv[2] === undefined ? 24 : Number(process.argv[2]);
  console.log(JSON.stringify(benchSimDay(hours)));
}

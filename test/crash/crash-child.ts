/**
 * The process the SIGKILL test kills: the simulated default rack, the BCU pipeline, estimation (stepped here from
 * each snapshot, as the cycle will once it is integrated) and the store, on a clock locked to real time with an
 * offset (so that the rack charges at the ci-day profile's night rate). It prints, one per line:
 *   restored <ok|none> <meanCellSoc> <packSoc>    the estimation state it started from
 *   ready
 *   truth <timeMs> <meanCellSoc> <packSoc>        the simulator's truth, every cycle
 *   ack <message>                                 an event the store has acknowledged (on the disk)
 * Arguments: <dataDir> <clockOffsetMs> <initialSoc>
 */
import {
  createEstimationState,
  defaultEstimationConfig,
  persistEstimation,
  stepEstimation,
} from "../../src/bcu/estimation/index.ts";
import type { PersistedEstimation } from "../../src/bcu/estimation/index.ts";
import { VirtualCanBus } from "../../src/can/transports/virtual-bus.ts";
import { loadConfig } from "../../src/config/load.ts";
import { silentLogger } from "../../src/daemon/log.ts";
import { BcuPipeline } from "../../src/daemon/pipeline.ts";
import { RackSimulator } from "../../src/sim/rack-simulator.ts";
import { ScriptedContactorMaster } from "../../src/sim/scripted-contactor-master.ts";
import { startStore } from "../../src/store/store.ts";
import { SimScheduler } from "../../src/time/sim-scheduler.ts";

const [dataDir, offsetText, socText] = process.argv.slice(2);
const offsetMs = Number(offsetText);
const base = loadConfig(undefined);
const config = {
  ...base,
  daemon: { ...base.daemon, dataDir },
  store: { ...base.store, stateWriteInterval_s: 2 },
};
const out = (line: string): void => void process.stdout.write(line + "\n");
const now = (): number => Math.floor(Date.now() + offsetMs);

const scheduler = new SimScheduler(now());
const bus = new VirtualCanBus(scheduler);
const { enabled: _enabled, ...simOptions } = config.simulator;
const sim = new RackSimulator(
  config.rack,
  { ...simOptions, initialSoc: Number(socText), spread: { ...simOptions.spread, initialSoc: 0 } },
  scheduler,
  bus.endpoint("sim"),
);
const master = new ScriptedContactorMaster(scheduler, bus.endpoint("master"));
const pipeline = new BcuPipeline({ config, scheduler, log: silentLogger, transport: bus.endpoint("bcu") });
const store = startStore({ config, log: silentLogger, nowMs: () => scheduler.nowMs() });

const restored = store.restore().get("estimation")?.data as PersistedEstimation | undefined;
const estimationConfig = defaultEstimationConfig;
const estimation = createEstimationState(config.rack, config.rack.cell, estimationConfig, {
  measurements: null,
  persisted: restored ?? null,
  nowMs: scheduler.nowMs(),
});
if (!restored) {
  // First start only: seeded from the truth, so that the test measures persistence, not the OCV start's accuracy.
  const truth = sim.truth();
  estimation.soc.set(truth.cellSoc);
  estimation.needsOcvStart = false;
  estimation.publishedSoc = truth.packSoc;
}
const mean = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0) / values.length;
out(`restored ${restored ? "ok" : "none"} ${mean(estimation.soc)} ${estimation.publishedSoc}`);
store.registerState({ component: "estimation", version: 1, capture: () => persistEstimation(estimation) });

pipeline.onSnapshot("estimation+store", (snapshot) => {
  stepEstimation(estimation, snapshot.measurements, estimationConfig, snapshot.timeMs);
  store.onSnapshot(snapshot);
  const truth = sim.truth();
  out(`truth ${truth.timeMs} ${mean(truth.cellSoc)} ${truth.packSoc}`);
});
sim.start();
master.start();
pipeline.start();

let n = 0;
setInterval(() => {
  scheduler.runUntil(now());
  if (++n % 3 === 0) {
    const message = `event ${process.pid}-${n}`;
    if (store.recordEvent({ timeMs: scheduler.nowMs(), kind: "system", source: "crash-test", level: 0, message })) {
      out(`ack ${message}`);
    }
  }
}, 20);
out("ready");

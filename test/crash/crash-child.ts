/**
 * The process the SIGKILL test kills: the simulated default rack, the BCU pipeline, the store, on a clock locked to real time with an
 * offset (so that the rack charges at the ci-day profile's night rate). The estimation is the cycle's own. It prints, one per line:
 *   restored <ok|none> <meanCellSoc> <packSoc>    the estimation state it started from
 *   ready
 *   truth <timeMs> <meanCellSoc> <packSoc>        the simulator's truth, every cycle
 *   ack <message>                                 an event the store has acknowledged (on the disk)
 * Arguments: <dataDir> <clockOffsetMs> <initialSoc>
 */
import { defaultEstimationConfig, persistedEstimationAt } from "../../src/bcu/estimation/index.ts";
import type { PersistedEstimation } from "../../src/bcu/estimation/index.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createSimulatedRack } from "../../src/daemon/simulated-rack.ts";
import { silentLogger } from "../../src/daemon/log.ts";
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
const mean = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0) / values.length;

const scheduler = new SimScheduler(now());
const store = startStore({ config, log: silentLogger, nowMs: () => scheduler.nowMs() });
let persisted = store.restore().get("estimation")?.data as PersistedEstimation | undefined;
const restored = persisted !== undefined;
const simulator = { initialSoc: Number(socText), spread: { ...config.simulator.spread, initialSoc: 0 } };
const rack = createSimulatedRack({ config, scheduler, simulator, persisted: { estimation: persisted ?? null } });
if (!persisted) {
  // First start only: the BCU starts from the truth, so that the test measures persistence, not the OCV start.
  const truth = rack.simulator.truth();
  persisted = persistedEstimationAt(
    config.rack,
    config.rack.cell,
    defaultEstimationConfig,
    truth.cellSoc,
    truth.packSoc,
    scheduler.nowMs(),
  );
  rack.stop();
  rack.simulator.stop();
}
const running = restored
  ? rack
  : createSimulatedRack({ config, scheduler, simulator, persisted: { estimation: persisted } });
out(`restored ${restored ? "ok" : "none"} ${mean(persisted.cellSoc)} ${persisted.packSoc}`);
store.registerState({ component: "estimation", version: 1, capture: () => running.pipeline.persistedEstimation() });

running.pipeline.onSnapshot("store", (snapshot) => {
  store.onSnapshot(snapshot);
  const truth = running.simulator.truth();
  out(`truth ${truth.timeMs} ${mean(truth.cellSoc)} ${truth.packSoc}`);
});

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

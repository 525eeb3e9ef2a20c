import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Snapshot } from "../../src/bcu/snapshot.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { BcuConfig } from "../../src/config/sections.ts";
import type { StoreConfig } from "../../src/config/sections/store.ts";
import type { BcuPipeline } from "../../src/daemon/pipeline.ts";
import type { RackSimulator } from "../../src/sim/rack-simulator.ts";
import { createSimulatedRack } from "../../src/daemon/simulated-rack.ts";
import { SimScheduler } from "../../src/time/sim-scheduler.ts";
import type { BcuStore } from "../../src/store/store.ts";
import { type StoreOwnConfig } from "../../src/store/store.ts";

/** 2024-03-01T01:00:00Z: inside the ci-day profile's night charge, so current flows. */
export const EPOCH_MS = Date.UTC(2024, 2, 1, 1, 0, 0);

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "bcu-store-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The embedded default configuration with the store in `dir` and `store` overrides. */
export function storeConfig(dir: string, store: Partial<StoreConfig> = {}): BcuConfig & StoreOwnConfig {
  const base = loadConfig(undefined);
  return { ...base, daemon: { ...base.daemon, dataDir: dir }, store: { ...base.store, ...store } };
}

/**
 * The default 240-cell rack simulated on a SimScheduler, the contactors closed by a scripted master, the BCU
 * pipeline producing snapshots: real snapshots for the store, at simulated speed.
 */
export interface SimRack {
  readonly scheduler: SimScheduler;
  readonly sim: RackSimulator;
  readonly pipeline: BcuPipeline;
  readonly snapshots: Snapshot[];
}

/** The BCU and the simulated rack on one virtual bus (the daemon's embedded default), on simulated time. */
export function simRack(config: BcuConfig, epochMs = EPOCH_MS): SimRack {
  const rack = createSimulatedRack({ config, scheduler: new SimScheduler(epochMs) });
  return { scheduler: rack.scheduler, sim: rack.simulator, pipeline: rack.pipeline, snapshots: [] };
}

/** Feeds every snapshot of `rack` to `store` (the daemon's wiring). */
export function attach(rack: SimRack, store: BcuStore): void {
  rack.pipeline.onSnapshot("store", (s) => store.onSnapshot(s));
}

/**
 * The store on the default rack (15 BMUs × 16 cells, 8 sensors each) with the default `store` settings: the
 * simulated rack and the BCU pipeline run in simulated time, every snapshot goes to the store as in the daemon.
 * Figures: the store's CPU per simulated day, the database growth per day and at steady state (retention), the
 * latency of the cycles that commit (synchronous = FULL: each commit waits for the disk), the time to open the
 * store and restore the state, and the daemon's restart to answering on its control socket.
 * `tsx bench/store.ts [hours]` runs it alone (default 2 h, extrapolated to a day).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { Snapshot } from "../src/bcu/snapshot.ts";
import { VirtualCanBus } from "../src/can/transports/virtual-bus.ts";
import { loadConfig } from "../src/config/load.ts";
import { callDaemon } from "../src/daemon/control-client.ts";
import { silentLogger } from "../src/daemon/log.ts";
import { BcuPipeline } from "../src/daemon/pipeline.ts";
import { RackSimulator } from "../src/sim/rack-simulator.ts";
import { ScriptedContactorMaster } from "../src/sim/scripted-contactor-master.ts";
import { startStore } from "../src/store/store.ts";
import { trendedPackPoints } from "../src/store/trended-points.ts";
import { SimScheduler } from "../src/time/sim-scheduler.ts";

const DAY_ms = 86_400_000;
const round = (v: number, digits = 2): number => Number(v.toFixed(digits));

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export function benchStoreDay(hours = 2): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), "bcu-bench-store-"));
  try {
    const base = loadConfig(undefined);
    const config = { ...base, daemon: { ...base.daemon, dataDir: dir } };
    const scheduler = new SimScheduler(Date.UTC(2024, 2, 1, 0, 0, 0));
    const bus = new VirtualCanBus(scheduler);
    const { enabled: _enabled, ...simOptions } = config.simulator;
    const sim = new RackSimulator(config.rack, simOptions, scheduler, bus.endpoint("sim"));
    const master = new ScriptedContactorMaster(scheduler, bus.endpoint("master"));
    const pipeline = new BcuPipeline({ config, scheduler, log: silentLogger, transport: bus.endpoint("bcu") });
    const opened = performance.now();
    const store = startStore({ config, log: silentLogger, nowMs: () => scheduler.nowMs() });
    store.restore();
    const open_ms = performance.now() - opened;
    // A state of the estimation's size (240 cells × 8 arrays) that changes every write.
    store.registerState({
      component: "estimation",
      version: 1,
      capture: () => ({ timeMs: scheduler.nowMs(), cells: Array.from({ length: 240 * 8 }, () => Math.random()) }),
    });
    let cpu_us = 0;
    const latencies: number[] = [];
    pipeline.onSnapshot("store", (snapshot: Snapshot) => {
      const cpu = process.cpuUsage();
      const t = performance.now();
      store.onSnapshot(snapshot);
      const wall = performance.now() - t;
      const used = process.cpuUsage(cpu);
      cpu_us += used.user + used.system;
      latencies.push(wall);
    });
    sim.start();
    master.start();
    pipeline.start();
    scheduler.runFor(hours * 3_600_000);
    const db = store.database!;
    const tables = db
      .prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC")
      .all() as { name: string; bytes: number }[];
    const rows = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const perDay = DAY_ms / (hours * 3_600_000);
    const bytesOf = (name: string): number => tables.find((t) => t.name === name)?.bytes ?? 0;
    const packPerDay = bytesOf("pack_trend") * perDay;
    const minutePerDay = bytesOf("pack_trend_minute") * perDay;
    const cellsPerDay = bytesOf("cell_trend") * perDay;
    const r = config.store.retention;
    const pack = rows("pack_trend");
    store.close(scheduler.nowMs());
    const fileBytes = statSync(join(dir, "bcu.sqlite")).size;
    latencies.sort((a, b) => a - b);
    return {
      simulated_h: hours,
      packTrendPoints: trendedPackPoints(config.store.packTrendPoints).length,
      packRows: pack,
      storeCpuPerDay_s: round((cpu_us / 1e6) * perDay),
      storeCpuShare_pct: round((cpu_us / 1e6 / (hours * 3600)) * 100, 3),
      // Wall time of store.onSnapshot per cycle; the slow ones are those that wait for a fsync (events, state).
      cycle_ms: {
        p50: round(percentile(latencies, 0.5), 3),
        p99: round(percentile(latencies, 0.99), 3),
        p999: round(percentile(latencies, 0.999), 3),
        max: round(latencies.at(-1) ?? 0, 3),
      },
      growthPerDay_MB: {
        packTrend: round(packPerDay / 1e6),
        packMinute: round(minutePerDay / 1e6, 3),
        cellTrend: round(cellsPerDay / 1e6, 3),
        file: round((fileBytes * perDay) / 1e6),
      },
      steadyState_MB: round(
        (packPerDay * r.packTrendFine_days + minutePerDay * r.packTrendMinute_days + cellsPerDay * r.cellTrend_days) /
          1e6,
        0,
      ),
      openAndRestore_ms: round(open_ms, 1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Spawns `bcu run` (embedded default rack, the data directory in /tmp) and times it to its first `status` answer. */
export async function benchRestartToReady(runs = 3): Promise<Record<string, unknown>> {
  const bin = fileURLToPath(new URL("../bin/bcu.js", import.meta.url));
  const times: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), "bcu-bench-ready-"));
  try {
    const configPath = join(dir, "bcu.yaml");
    writeFileSync(configPath, `daemon:\n  dataDir: ${dir}\n  logLevel: warn\n`);
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const proc = spawn(process.execPath, [bin, "run", "-c", configPath], { stdio: "ignore" });
      let answered = false;
      while (!answered && performance.now() - started < 60_000 && proc.exitCode === null) {
        try {
          await callDaemon(join(dir, "bcu.sock"), "status", {}, 1000);
          answered = true;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      if (answered) times.push(performance.now() - started);
      proc.kill("SIGTERM");
      await new Promise((resolve) => proc.once("exit", resolve));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return {
    runs,
    answered: times.length,
    median_ms: round(percentile(times, 0.5), 0),
    max_ms: round(times.at(-1) ?? 0, 0),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(benchStoreDay(Number(process.argv[2] ?? 2)), null, 2));
  console.log(JSON.stringify(await benchRestartToReady(), null, 2));
}

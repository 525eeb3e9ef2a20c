import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type AddressInfo } from "node:net";
import { defaultConfig } from "../../src/config/defaults.ts";
import type { BcuConfig } from "../../src/config/sections.ts";
import { startDaemon } from "../../src/daemon/daemon.ts";
import { callDaemon } from "../../src/daemon/control-client.ts";
import { silentLogger } from "../../src/daemon/log.ts";
import type { StatusReport } from "../../src/daemon/status-report.ts";
import { queryEvents } from "../../src/store/index.ts";

/** A port nobody listens on now (the daemon's servers take their port from the configuration). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The embedded default in a temporary data directory, Modbus on a free port, OPC UA off (its own tests cover it). */
async function configIn(dir: string): Promise<BcuConfig> {
  const base = defaultConfig();
  return {
    ...base,
    daemon: { ...base.daemon, dataDir: dir, controlSocket: join(dir, "bcu.sock") },
    modbus: { ...base.modbus, host: "127.0.0.1", port: await freePort() },
    opcua: { ...base.opcua, enabled: false },
  };
}

async function waitFor<T>(probe: () => Promise<T | null>, tries = 100, pause_ms = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, pause_ms));
  }
  throw new Error("condition not reached");
}

test("the embedded default runs the simulated rack in real time and answers bcu status", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bcu-daemon-"));
  const config = await configIn(dir);
  const daemon = await startDaemon({ config, log: silentLogger });
  try {
    const report = await waitFor(async () => {
      const r = (await callDaemon(config.daemon.controlSocket, "status")) as StatusReport;
      return r.staleNodes.length === 0 && typeof r.points["cell.voltageMin"] === "number" ? r : null;
    });
    const cellMin = report.points["cell.voltageMin"] as number;
    const cellMax = report.points["cell.voltageMax"] as number;
    const pack = report.points["pack.voltage"] as number;
    assert.ok(cellMin > 2.5 && cellMax < 3.65 && cellMin <= cellMax, `cells ${cellMin}..${cellMax} V`);
    const sum = report.points["pack.cellVoltageSum"] as number;
    assert.ok(Math.abs(pack - sum) < 5, `IVT U1 ${pack} V ≈ Σ cells ${sum} V`);
    for (let node = 1; node <= 15; node++) assert.ok(report.frameSources[`bmu${node}`].frames > 0, `bmu${node}`);
    assert.ok(report.frameSources.ivt.frames > 0);
    assert.ok(report.frameSources.contactorUnit.frames > 0);
    await assert.rejects(callDaemon(config.daemon.controlSocket, "noSuchMethod"), /unknown method/);
  } finally {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(existsSync(config.daemon.controlSocket), false, "the control socket is removed at stop");
});

test("a second daemon on the same control socket is refused, and status without a daemon says so", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bcu-daemon-"));
  const config = await configIn(dir);
  const first = await startDaemon({ config, log: silentLogger });
  try {
    await assert.rejects(startDaemon({ config, log: silentLogger }), /another bcu daemon is listening/);
  } finally {
    await first.stop();
  }
  await assert.rejects(callDaemon(config.daemon.controlSocket, "status"), /is the daemon running\?/);
  rmSync(dir, { recursive: true, force: true });
});

test("the SOC state is written at stop and restored at the next start; a bad reload is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bcu-daemon-"));
  const config = await configIn(dir);
  try {
    const first = await startDaemon({
      config,
      log: silentLogger,
      loadConfig: () => {
        throw new Error("site.yaml:3:5 rack.bmuCount: must be <= 32 (got 40)");
      },
    });
    let soc: number | null = null;
    try {
      soc = await waitFor(async () => first.pipeline.latest()?.estimation?.packSoc_pct ?? null);
      const outcome = first.reload();
      assert.equal(outcome.ok, false);
      assert.match(outcome.ok ? "" : outcome.reason, /bmuCount/);
      await assert.rejects(callDaemon(config.daemon.controlSocket, "reload"), /reload refused.*bmuCount/);
      assert.ok(first.pipeline.latest()!.sequence > 0, "the daemon runs on after a refused reload");
    } finally {
      await first.stop();
    }

    const second = await startDaemon({ config, log: silentLogger });
    try {
      const events = queryEvents(second.store.database!, {});
      const restored = events.find((e) => /persisted estimation state restored/.test(e.message));
      assert.ok(restored, `events: ${events.map((e) => e.message).join(" | ")}`);
      const resumed = await waitFor(async () => second.pipeline.latest()?.estimation?.packSoc_pct ?? null);
      assert.ok(Math.abs(resumed - soc) < 1, `SOC ${soc} % before the stop, ${resumed} % after the start`);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

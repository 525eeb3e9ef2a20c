import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../src/config/defaults.ts";
import type { BcuConfig } from "../../src/config/sections.ts";
import { startDaemon } from "../../src/daemon/daemon.ts";
import { callDaemon } from "../../src/daemon/control-client.ts";
import { silentLogger } from "../../src/daemon/log.ts";
import type { StatusReport } from "../../src/daemon/status-report.ts";

function configIn(dir: string): BcuConfig {
  const base = defaultConfig();
  return { ...base, daemon: { ...base.daemon, dataDir: dir, controlSocket: join(dir, "bcu.sock") } };
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
  const config = configIn(dir);
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
  const config = configIn(dir);
  const first = await startDaemon({ config, log: silentLogger });
  try {
    await assert.rejects(startDaemon({ config, log: silentLogger }), /another bcu daemon is listening/);
  } finally {
    await first.stop();
  }
  await assert.rejects(callDaemon(config.daemon.controlSocket, "status"), /is the daemon running\?/);
  rmSync(dir, { recursive: true, force: true });
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Prng } from "../../src/util/prng.ts";

const KILLS = Number(process.env.BCU_CRASH_KILLS ?? 50);
const child = fileURLToPath(new URL("./crash-child.ts", import.meta.url));

interface Run {
  readonly restored: string;
  readonly lastTruth: { timeMs: number; meanSoc: number; packSoc: number } | null;
  readonly acked: string[];
}

/** Starts the child, lets it run `runMs` after "ready", kills it with SIGKILL; returns what it printed. */
function runAndKill(dir: string, offsetMs: number, soc: number, runMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, dir, String(offsetMs), String(soc)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffer = "";
    let stderr = "";
    let restored = "";
    let lastTruth: Run["lastTruth"] = null;
    const acked: string[] = [];
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const [word, ...rest] = line.split(" ");
        if (word === "restored") restored = rest.join(" ");
        else if (word === "ready") setTimeout(() => proc.kill("SIGKILL"), runMs);
        else if (word === "truth")
          lastTruth = { timeMs: Number(rest[0]), meanSoc: Number(rest[1]), packSoc: Number(rest[2]) };
        else if (word === "ack") acked.push(rest.join(" "));
      }
    });
    proc.on("error", reject);
    proc.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`child ended by itself (code ${code}): ${stderr}`));
      else resolve({ restored, lastTruth, acked });
    });
  });
}

test(
  `SIGKILL at ${KILLS} random moments: integrity_check ok, SOC restored within 0.5 % of the truth, no acknowledged event lost`,
  { timeout: 20 * 60_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "bcu-crash-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // The simulated clock runs at real speed from 01:00 UTC today: the ci-day profile charges at 0.5 C then.
    const today = new Date();
    const offsetMs = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 1) - Date.now();
    const prng = new Prng(7);
    const acknowledged: string[] = [];
    let soc = 0.3;
    let worst = 0;
    let restoredRuns = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      // Random moments: anywhere from just after start-up to a few state writes later.
      const run = await runAndKill(dir, offsetMs, soc, 50 + Math.floor(prng.next() * 4000));
      if (kill > 0) {
        assert.match(run.restored, /^ok /, `run ${kill} restored the persisted state`);
        const restoredSoc = Number(run.restored.split(" ")[1]);
        const error = Math.abs(restoredSoc - soc);
        worst = Math.max(worst, error);
        assert.ok(error <= 0.005, `run ${kill}: restored SOC ${restoredSoc} vs truth ${soc} at the kill`);
        restoredRuns++;
      }
      acknowledged.push(...run.acked);
      const db = new Database(join(dir, "bcu.sqlite"));
      try {
        assert.equal((db.pragma("integrity_check") as { integrity_check: string }[])[0].integrity_check, "ok");
        const logged = new Set(
          (db.prepare("SELECT message FROM events WHERE source = 'crash-test'").all() as { message: string }[]).map(
            (row) => row.message,
          ),
        );
        const lost = acknowledged.filter((message) => !logged.has(message));
        assert.deepEqual(lost, [], `after kill ${kill + 1}`);
      } finally {
        db.close();
      }
      if (run.lastTruth) soc = run.lastTruth.meanSoc;
    }
    assert.ok(acknowledged.length > KILLS, `events were acknowledged (${acknowledged.length})`);
    assert.equal(restoredRuns, KILLS - 1);
    t.diagnostic(
      `worst restored SOC error ${(worst * 100).toFixed(3)} %, ${acknowledged.length} acknowledged events, final SOC ${(soc * 100).toFixed(2)} %`,
    );
  },
);

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { parseCandumpLine } from "../../src/can/transports/candump-log.ts";
import { registerSimCommand } from "../../src/cli/commands/sim.ts";
import { bufferedIo } from "../../src/cli/output.ts";

test("bcu sim writes every frame to a candump log and closes the contactors with the scripted master", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bcu-sim-"));
  try {
    const io = bufferedIo(dir);
    const program = new Command().exitOverride();
    registerSimCommand(program, { io });
    await program.parseAsync(["sim", "--duration", "3s", "--out", "run.log", "--seed", "5", "--json"], {
      from: "user",
    });
    const summary = JSON.parse(io.stdout()) as { frames: number; seed: number; out: string };
    assert.equal(summary.seed, 5);
    const lines = readFileSync(join(dir, "run.log"), "utf8").trimEnd().split("\n");
    assert.equal(lines.length, summary.frames);
    assert.ok(summary.frames > 2800, `${summary.frames} frames in 3 s`);
    assert.match(lines[0], /^\(\d{10}\.\d{6}\) can0 [0-9A-F]{3}#[0-9A-F]*$/);
    const records = lines.map((line, i) => parseCandumpLine(line, i + 1));
    assert.ok(
      records.some((r) => r.frame.id === 0x0a0),
      "scripted contactor commands recorded",
    );
    const lastFeedback = records.filter((r) => r.frame.id === 0x0a1).at(-1)!;
    assert.equal(lastFeedback.frame.data[0] & 0x03, 0x03, "main+ and main− closed after 3 s");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bcu sim refuses a bad seed with a usage error", async () => {
  const program = new Command().exitOverride();
  registerSimCommand(program, { io: bufferedIo() });
  await assert.rejects(program.parseAsync(["sim", "--seed", "-3"], { from: "user" }), /--seed must be an integer/);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.ts";
import { bufferedIo } from "../../src/cli/output.ts";

test("bcu sim writes a capture and bcu replay turns it into a CSV timeline of the published points", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bcu-replay-"));
  try {
    const simIo = bufferedIo(dir);
    assert.equal(
      await runCli(["sim", "--duration", "20s", "--out", "rack.log", "--seed", "7"], simIo),
      0,
      simIo.stderr(),
    );

    const io = bufferedIo(dir);
    const code = await runCli(["replay", "rack.log", "--out", "timeline.csv", "--interval", "2s", "--json"], io);
    assert.equal(code, 0, io.stderr());
    const summary = JSON.parse(io.stdout()) as { frames: number; rows: number; frameErrors: number };
    assert.ok(summary.frames > 15 * 20 * 60, `frames ${summary.frames}`);
    assert.equal(summary.frameErrors, 0);

    const lines = readFileSync(join(dir, "timeline.csv"), "utf8").trim().split("\n");
    const header = lines[0].split(",");
    assert.equal(header[0], "time");
    for (const id of ["pack.voltage", "pack.current", "cell.voltageMin", "cell.voltageMax"])
      assert.ok(header.includes(id), id);
    assert.equal(lines.length - 1, summary.rows);
    assert.ok(summary.rows >= 9 && summary.rows <= 11, `rows ${summary.rows}`);
    const rows = lines.slice(1).map((l) => l.split(","));
    const times = rows.map((r) => Number(r[0]));
    for (let i = 1; i < times.length; i++)
      assert.ok(Math.abs(times[i] - times[i - 1] - 2) < 0.15, `row spacing at ${i}`);
    const last = rows.at(-1)!;
    const col = (id: string) => Number(last[header.indexOf(id)]);
    assert.ok(col("cell.voltageMin") > 2.5 && col("cell.voltageMax") < 3.65);
    assert.ok(Math.abs(col("pack.voltage") - col("pack.cellVoltageSum")) < 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bcu replay refuses bad arguments with a usage error and a missing file with a clear one", async () => {
  const io = bufferedIo();
  assert.equal(await runCli(["replay", "x.log", "--interval", "soon"], io), 2);
  assert.match(io.stderr(), /--interval: "soon" is not a duration/);
  const io2 = bufferedIo();
  assert.equal(await runCli(["replay", "/nonexistent/capture.log"], io2), 1);
  assert.match(io2.stderr(), /capture\.log/);
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import {
  CandumpLogTransport,
  CandumpParseError,
  formatCandumpLine,
  readCandumpFile,
} from "../../../src/can/transports/candump-log.ts";
import { CanTransportError } from "../../../src/can/transport.ts";
import type { CanFrame } from "../../../src/can/frame.ts";
import { SimScheduler } from "../../../src/time/sim-scheduler.ts";

const T0 = 1_700_000_000_000;

function logOf(frames: { offsetMs: number; id: number; data?: number[]; iface?: string }[]): string {
  return frames
    .map((f) =>
      formatCandumpLine(
        { id: f.id, data: Uint8Array.from(f.data ?? []), timestampMs: T0 + f.offsetMs },
        f.iface ?? "can0",
      ),
    )
    .join("\n");
}

/**
 * Drives simulated time until the replay is over, awaiting a turn between steps so the replay's file I/O can run.
 * Time stands still until the first frame is out: pacing counts from there.
 */
async function driveUntilFinished(
  sim: SimScheduler,
  replay: CandumpLogTransport,
  stepMs: number,
  firstFrameOut: () => boolean,
): Promise<void> {
  let done = false;
  void replay.finished.finally(() => (done = true));
  for (let i = 0; i < 100_000 && !done; i++) {
    if (firstFrameOut()) sim.runFor(stepMs);
    await nextTurn();
  }
}

describe("CandumpLogTransport", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bcu-replay-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("replays a large log in fast speed, frame-exact, with the recorded timestamps", async () => {
    const path = join(dir, "large.log");
    const lines: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const data = Uint8Array.from({ length: i % 9 }, (_, k) => (i * 7 + k) & 0xff);
      lines.push(formatCandumpLine({ id: (i * 13) & 0x7ff, data, timestampMs: T0 + i * 0.1 }, "can0"));
    }
    writeFileSync(path, lines.join("\n") + "\n");
    const replay = new CandumpLogTransport(path);
    const received: CanFrame[] = [];
    replay.onFrame((frame) => received.push(frame));
    let turnsTaken = 0;
    const ticker = setInterval(() => turnsTaken++, 0);
    replay.start({ speed: "fast" });
    const summary = await replay.finished;
    clearInterval(ticker);
    assert.deepEqual(summary, {
      linesRead: 50_000,
      framesEmitted: 50_000,
      remoteFramesSkipped: 0,
      otherInterfaceFramesSkipped: 0,
      badLinesSkipped: 0,
      stoppedEarly: false,
    });
    assert.deepEqual(
      received,
      [...readCandumpFile(path)].map((record) => record.frame),
    );
    assert.ok(turnsTaken > 0, "fast speed still lets timers run");
  });

  it("paces recorded speed on the given scheduler's time", async () => {
    const path = join(dir, "paced.log");
    writeFileSync(
      path,
      logOf([
        { offsetMs: 0, id: 0x201 },
        { offsetMs: 100, id: 0x202 },
        { offsetMs: 100, id: 0x203 },
        { offsetMs: 250, id: 0x204 },
        { offsetMs: 1000, id: 0x205 },
      ]),
    );
    const sim = new SimScheduler(5_000);
    const replay = new CandumpLogTransport(path);
    const seen: [number, number, number][] = [];
    replay.onFrame((frame) => seen.push([frame.id, frame.timestampMs - T0, sim.nowMs() - 5_000]));
    replay.start({ speed: "recorded", scheduler: sim });
    await driveUntilFinished(sim, replay, 10, () => seen.length > 0);
    assert.deepEqual(
      seen.map(([id, recordedOffsetMs]) => [id, recordedOffsetMs]),
      [
        [0x201, 0],
        [0x202, 100],
        [0x203, 100],
        [0x204, 250],
        [0x205, 1000],
      ],
    );
    // Never early; how late depends on file I/O, which simulated time does not wait for.
    assert.equal(seen[0][2], 0, "the first frame comes out at once");
    for (const [id, recordedOffsetMs, simOffsetMs] of seen) {
      assert.ok(
        simOffsetMs >= recordedOffsetMs,
        `0x${id.toString(16)} came out at ${simOffsetMs} < ${recordedOffsetMs}`,
      );
    }
  });

  it("restamps frames with the scheduler's time when asked, and starts on the first listener", async () => {
    const path = join(dir, "restamp.log");
    writeFileSync(
      path,
      logOf([
        { offsetMs: 0, id: 1 },
        { offsetMs: 50, id: 2 },
      ]),
    );
    const sim = new SimScheduler(9_000);
    const replay = new CandumpLogTransport(path, {
      startOnFirstListener: { speed: "recorded", scheduler: sim, timestamps: "scheduler" },
    });
    const stamps: number[] = [];
    replay.onFrame((frame) => stamps.push(frame.timestampMs));
    await driveUntilFinished(sim, replay, 50, () => stamps.length > 0);
    assert.equal(stamps.length, 2);
    // Pacing never runs early; how late depends on file I/O, which simulated time does not wait for.
    assert.equal(stamps[0], 9_000);
    assert.ok(stamps[1] >= 9_050, `second frame stamped ${stamps[1]}`);
    assert.throws(() => replay.start({ speed: "fast" }), /already started/);
  });

  it("paces recorded speed on wall time (order only)", async () => {
    const path = join(dir, "wall.log");
    writeFileSync(
      path,
      logOf([
        { offsetMs: 0, id: 3 },
        { offsetMs: 30, id: 1 },
        { offsetMs: 60, id: 2 },
      ]),
    );
    const replay = new CandumpLogTransport(path);
    const ids: number[] = [];
    replay.onFrame((frame) => ids.push(frame.id));
    replay.start({ speed: "recorded" });
    const summary = await replay.finished;
    assert.deepEqual(ids, [3, 1, 2]);
    assert.equal(summary.framesEmitted, 3);
  });

  it("filters by interface and skips remote requests, counting both", async () => {
    const path = join(dir, "mixed.log");
    writeFileSync(
      path,
      [
        "(1700000000.000000) can0 201#01",
        "(1700000000.001000) can1 202#02 R",
        "",
        "(1700000000.002000) can0 123#R5",
        "(1700000000.003000) can0 203#03 T",
      ].join("\n") + "\n",
    );
    const replay = new CandumpLogTransport(path, { iface: "can0" });
    const ids: number[] = [];
    replay.onFrame((frame) => ids.push(frame.id));
    replay.start({ speed: "fast" });
    assert.deepEqual(await replay.finished, {
      linesRead: 5,
      framesEmitted: 2,
      remoteFramesSkipped: 1,
      otherInterfaceFramesSkipped: 1,
      badLinesSkipped: 0,
      stoppedEarly: false,
    });
    assert.deepEqual(ids, [0x201, 0x203]);
  });

  it("stops on a bad line with its line number, or skips it when asked", async () => {
    const path = join(dir, "bad.log");
    writeFileSync(
      path,
      [
        "(1700000000.000000) can0 201#01",
        "(1700000000.001000) can0 202##1020304",
        "(1700000000.002000) can0 203#03",
      ].join("\n"),
    );
    const strict = new CandumpLogTransport(path);
    const ids: number[] = [];
    strict.onFrame((frame) => ids.push(frame.id));
    strict.start({ speed: "fast" });
    await assert.rejects(strict.finished, (error: unknown) => {
      assert.ok(error instanceof CandumpParseError);
      assert.equal(error.lineNumber, 2);
      assert.match(error.message, /candump line 2: CAN FD frames/);
      return true;
    });
    assert.deepEqual(ids, [0x201]);

    const lenient = new CandumpLogTransport(path, { skipBadLines: true });
    const lenientIds: number[] = [];
    lenient.onFrame((frame) => lenientIds.push(frame.id));
    lenient.start({ speed: "fast" });
    assert.equal((await lenient.finished).badLinesSkipped, 1);
    assert.deepEqual(lenientIds, [0x201, 0x203]);
  });

  it("is read-only, reports a missing file, and close() ends a waiting replay early", async () => {
    const missing = new CandumpLogTransport(join(dir, "missing.log"));
    assert.throws(
      () => missing.send(),
      (error: unknown) => error instanceof CanTransportError && /read-only/.test(error.message),
    );
    missing.start({ speed: "fast" });
    await assert.rejects(missing.finished, /cannot read candump log .*missing\.log.*ENOENT/);

    const path = join(dir, "long.log");
    writeFileSync(
      path,
      logOf([
        { offsetMs: 0, id: 1 },
        { offsetMs: 3_600_000, id: 2 },
      ]),
    );
    const sim = new SimScheduler(0);
    const replay = new CandumpLogTransport(path);
    const ids: number[] = [];
    replay.onFrame((frame) => ids.push(frame.id));
    replay.start({ speed: "recorded", scheduler: sim });
    while (sim.pendingCount === 0) await nextTurn();
    assert.deepEqual(ids, [1]);
    assert.equal(sim.pendingCount, 1, "waiting for the frame an hour later");
    await replay.close();
    assert.equal(sim.pendingCount, 0, "close() cancelled the wait");
    const summary = await replay.finished;
    assert.equal(summary.stoppedEarly, true);
    assert.deepEqual(ids, [1]);
    await replay.close();
  });

  it("stops on a throwing listener by default, or reports it and goes on", async () => {
    const path = join(dir, "listeners.log");
    writeFileSync(
      path,
      logOf([
        { offsetMs: 0, id: 1 },
        { offsetMs: 1, id: 2 },
        { offsetMs: 2, id: 3 },
      ]),
    );
    const strict = new CandumpLogTransport(path);
    strict.onFrame((frame) => {
      if (frame.id === 2) throw new Error("decoder bug on 2");
    });
    strict.start({ speed: "fast" });
    await assert.rejects(strict.finished, /decoder bug on 2/);

    const reported: number[] = [];
    const tolerant = new CandumpLogTransport(path, { onListenerError: (_error, frame) => reported.push(frame.id) });
    const ids: number[] = [];
    tolerant.onFrame((frame) => {
      if (frame.id === 2) throw new Error("decoder bug on 2");
    });
    tolerant.onFrame((frame) => ids.push(frame.id));
    tolerant.start({ speed: "fast" });
    assert.equal((await tolerant.finished).framesEmitted, 3);
    assert.deepEqual(reported, [2]);
    assert.deepEqual(ids, [1, 2, 3]);
  });
});

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CandumpLogWriter,
  CandumpParseError,
  readCandumpFile,
  formatCandumpLine,
} from "../../../src/can/transports/candump-log.ts";
import { VirtualCanBus } from "../../../src/can/transports/virtual-bus.ts";
import { CanTransportError } from "../../../src/can/transport.ts";
import { SimScheduler } from "../../../src/time/sim-scheduler.ts";

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** Runs a can-utils tool; a missing tool fails the test with an install hint rather than skipping it. */
function canUtils(tool: string, args: string[], input?: string): string {
  const result = spawnSync(tool, args, { input, encoding: "utf8" });
  if (result.error !== undefined && (result.error as NodeJS.ErrnoException).code === "ENOENT") {
    assert.fail(`${tool} not found: install can-utils (apt-get install can-utils) to cross-check the candump format`);
  }
  assert.equal(result.status, 0, `${tool} ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

const GOLDEN_LOG = [
  "(1700000000.000000) can0 201#00E40CE50CE60C00",
  "(1700000000.010000) can0 1ABCDEF0#0102",
  "(1700000000.020500) can0 0A0#07010000000000D4",
  "(1700000000.030000) can0 7FF#",
  "",
].join("\n");

describe("candump log files", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bcu-candump-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("records a virtual bus byte-exact, and reads it back frame-exact", async () => {
    const sim = new SimScheduler(1_700_000_000_000);
    const bus = new VirtualCanBus(sim);
    const bmu = bus.endpoint("bmu");
    const bcu = bus.endpoint("bcu");
    const path = join(dir, "recorded.log");
    const writer = new CandumpLogWriter(path, { truncate: true });
    const stop = writer.recordBus(bus, "can0");
    bmu.send({ id: 0x201, data: bytes(0, 0xe4, 0x0c, 0xe5, 0x0c, 0xe6, 0x0c, 0) });
    sim.runFor(10);
    bmu.send({ id: 0x1abcdef0, extended: true, data: bytes(1, 2) });
    sim.runFor(10.5);
    bcu.send({ id: 0x0a0, data: bytes(7, 1, 0, 0, 0, 0, 0, 0xd4) });
    sim.runFor(9.5);
    bcu.send({ id: 0x7ff, data: bytes() });
    stop();
    bcu.send({ id: 0x100, data: bytes() }); // not recorded
    await writer.close();
    assert.equal(writer.framesWritten, 4);
    assert.equal(readFileSync(path, "utf8"), GOLDEN_LOG);

    const records = [...readCandumpFile(path)];
    assert.deepEqual(
      records.map((record) => formatCandumpLine(record.frame, record.iface)),
      GOLDEN_LOG.trimEnd().split("\n"),
    );
    assert.deepEqual(records[2].frame, {
      id: 0x0a0,
      extended: false,
      data: bytes(7, 1, 0, 0, 0, 0, 0, 0xd4),
      timestampMs: 1_700_000_000_020.5,
    });
    assert.throws(() => writer.write(records[0].frame, "can0"), /closed/);
  });

  it("appends by default, and reports an unwritable path on close", async () => {
    const path = join(dir, "appended.log");
    writeFileSync(path, "(1700000000.000000) can0 001#01\n");
    const writer = new CandumpLogWriter(path);
    writer.write({ id: 2, data: bytes(2), timestampMs: 1_700_000_001_000 }, "can1");
    await writer.close();
    assert.equal(readFileSync(path, "utf8"), "(1700000000.000000) can0 001#01\n(1700000001.000000) can1 002#02\n");

    const broken = new CandumpLogWriter(join(dir, "no-such-dir", "x.log"));
    broken.write({ id: 2, data: bytes(2), timestampMs: 0 }, "can0");
    await assert.rejects(broken.close(), (error: unknown) => {
      assert.ok(error instanceof CanTransportError);
      assert.match(error.message, /cannot write candump log .*no-such-dir.*ENOENT/);
      return true;
    });
  });

  it("reads across chunk boundaries with correct line numbers, skipping blank lines", () => {
    const path = join(dir, "large.log");
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const data = Uint8Array.from({ length: i % 9 }, (_, k) => (i + k) & 0xff);
      lines.push(formatCandumpLine({ id: i & 0x7ff, data, timestampMs: 1_700_000_000_000 + i * 0.25 }, "can0"));
      if (i % 1000 === 0) lines.push("");
    }
    lines.push("(1700000099.000000) can0 123#XYZ");
    writeFileSync(path, lines.join("\r\n") + "\r\n");
    let count = 0;
    let lastId = -1;
    assert.throws(
      () => {
        for (const record of readCandumpFile(path)) {
          lastId = record.frame.id;
          count++;
        }
      },
      (error: unknown) => {
        assert.ok(error instanceof CandumpParseError);
        assert.equal(error.lineNumber, 30_031);
        assert.match(error.message, /^candump line 30031: data "XYZ" is not hexadecimal/);
        return true;
      },
    );
    assert.equal(count, 30_000);
    assert.equal(lastId, 29_999 & 0x7ff);
  });

  it("reads a last line without a newline, and names a missing file", () => {
    const path = join(dir, "no-newline.log");
    writeFileSync(path, "(1700000000.000000) can0 001#01\n(1700000000.000001) can0 002#");
    assert.deepEqual(
      [...readCandumpFile(path)].map((r) => r.frame.id),
      [1, 2],
    );
    assert.throws(() => [...readCandumpFile(join(dir, "missing.log"))], /cannot read candump log .*missing\.log/);
  });

  it("writes logs that can-utils reads the same way (log2long, log2asc)", () => {
    const path = join(dir, "for-can-utils.log");
    writeFileSync(path, GOLDEN_LOG);
    // log2long prints what it parsed; every id, DLC, byte and timestamp must survive.
    assert.equal(
      canUtils("log2long", [], GOLDEN_LOG),
      [
        "(1700000000.000000)  can0       201   [8]  00 E4 0C E5 0C E6 0C 00   '........'",
        "(1700000000.010000)  can0  1ABCDEF0   [2]  01 02                     '..'",
        "(1700000000.020500)  can0       0A0   [8]  07 01 00 00 00 00 00 D4   '........'",
        "(1700000000.030000)  can0       7FF   [0]                            ''",
        "",
      ].join("\n"),
    );
    const asc = canUtils("log2asc", ["-I", path, "can0"]);
    // ASC writes ids without leading zeros (0x0A0 as A0).
    const body = asc.split("\n").filter((line) => /^\s+\d+\.\d+ /.test(line));
    assert.deepEqual(
      body.map((line) => line.trim().split(/\s+/)),
      [
        ["0.000000", "1", "201", "Rx", "d", "8", "00", "E4", "0C", "E5", "0C", "E6", "0C", "00"],
        ["0.010000", "1", "1ABCDEF0x", "Rx", "d", "2", "01", "02"],
        ["0.020500", "1", "A0", "Rx", "d", "8", "07", "01", "00", "00", "00", "00", "00", "D4"],
        ["0.030000", "1", "7FF", "Rx", "d", "0"],
      ],
    );
  });

  it("reads a log that can-utils wrote (asc2log), with its direction flags and remote frames", () => {
    const ascPath = join(dir, "vector.asc");
    writeFileSync(
      ascPath,
      [
        "date Tue Nov 14 22:13:20 2023",
        "base hex  timestamps absolute",
        "no internal events logged",
        "   0.000000 1  201             Rx   d 8 00 E4 0C E5 0C E6 0C 00",
        "   0.100000 1  1ABCDEF0x       Rx   d 2 01 02",
        "   0.200000 1  123             Rx   r 5",
        "   0.250000 2  7FF             Rx   d 0",
        "",
      ].join("\n"),
    );
    const logPath = join(dir, "from-asc2log.log");
    writeFileSync(logPath, canUtils("asc2log", ["-I", ascPath]));
    const records = [...readCandumpFile(logPath)];
    assert.deepEqual(
      records.map((r) => [r.iface, r.frame.id, r.frame.extended, [...r.frame.data], r.remoteDlc]),
      [
        ["can0", 0x201, false, [0, 0xe4, 0x0c, 0xe5, 0x0c, 0xe6, 0x0c, 0], undefined],
        ["can0", 0x1abcdef0, true, [1, 2], undefined],
        ["can0", 0x123, false, [], 5],
        ["can1", 0x7ff, false, [], undefined],
      ],
    );
    // asc2log anchors the relative ASC times to a date of its choosing; the spacing is what must survive.
    const t0 = records[0].frame.timestampMs;
    assert.deepEqual(
      records.map((r) => Math.round((r.frame.timestampMs - t0) * 1000) / 1000),
      [0, 100, 200, 250],
    );
  });
});

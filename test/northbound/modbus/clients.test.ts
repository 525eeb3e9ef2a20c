import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { ModbusTcpClient } from "../../../src/northbound/modbus/client.ts";
import { startTestServer, type TestServer } from "./fixture.ts";

/** Runs a program to its end; resolves with its exit code and output (a test server runs in this process). */
function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const MBPOLL = "/usr/bin/mbpoll";
const PYTHON = "/usr/bin/python3";
const pymodbusScript = fileURLToPath(new URL("./pymodbus_client.py", import.meta.url));

/** `[n]: value` lines of mbpoll's output, in order. */
function mbpollValues(stdout: string): number[] {
  return [...stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)].map((m) => Number(m[2]));
}

describe("real clients against the real server", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.server.close());

  test(
    "mbpoll reads holding registers 0..9 (0-based with -0) with the snapshot's values",
    { skip: !existsSync(MBPOLL) && "mbpoll is not installed (apt-get install mbpoll)" },
    async () => {
      const result = await run(MBPOLL, [
        "-m",
        "tcp",
        "-a",
        "1",
        "-0",
        "-r",
        "0",
        "-c",
        "10",
        "-t",
        "4",
        "-1",
        "-p",
        String(t.server.port),
        "127.0.0.1",
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(mbpollValues(result.stdout), [7926, 64302, 64558, 567, 975, 3342, 13, 9, 3281, 3]);
    },
  );

  test(
    "mbpoll writes the setOperation register: a closeContactors command from 127.0.0.1",
    { skip: !existsSync(MBPOLL) && "mbpoll is not installed" },
    async () => {
      t.source.commands.length = 0;
      const result = await run(MBPOLL, [
        "-m",
        "tcp",
        "-a",
        "1",
        "-0",
        "-r",
        "100",
        "-t",
        "4",
        "-1",
        "-p",
        String(t.server.port),
        "127.0.0.1",
        "1",
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(t.source.commands, [{ kind: "closeContactors", origin: "modbus:127.0.0.1" }]);
    },
  );

  test(
    "mbpoll sees exception 02 for an unmapped register",
    { skip: !existsSync(MBPOLL) && "mbpoll is not installed" },
    async () => {
      const result = await run(MBPOLL, [
        "-m",
        "tcp",
        "-a",
        "1",
        "-0",
        "-r",
        "41",
        "-t",
        "4",
        "-1",
        "-p",
        String(t.server.port),
        "127.0.0.1",
      ]);
      assert.notEqual(result.code, 0);
      assert.match(result.stdout + result.stderr, /Illegal data address/i);
    },
  );

  test(
    "pymodbus reads both maps' registers, writes commands and gets every exception code",
    { skip: !existsSync(PYTHON) && "no /usr/bin/python3" },
    async () => {
      t.source.commands.length = 0;
      const check = await run(PYTHON, ["-c", "import pymodbus"]);
      if (check.code !== 0)
        return assert.fail(
          `python3-pymodbus is missing (apt-get install python3-pymodbus python3-serial-asyncio): ${check.stderr}`,
        );
      // default.json and sunspec.json side by side, so one script reads both.
      const combined = await startTestServer({ map: fileURLToPath(new URL("./both-maps.json", import.meta.url)) });
      try {
        const done = await run(PYTHON, [pymodbusScript, String(combined.server.port)]);
        assert.equal(done.code, 0, done.stderr);
        const out = JSON.parse(done.stdout) as Record<string, unknown>;
        assert.equal((out.holding as number[])[0], 7926);
        assert.equal((out.holding as number[])[33], 4242);
        assert.deepEqual((out.sunspec_first_125 as number[]).slice(0, 4), [0x5375, 0x6e53, 1, 66]);
        assert.deepEqual(
          out.level3_bits,
          Array.from({ length: 20 }, (_, i) => (i === 4 ? 1 : 0)),
        );
        assert.equal(out.write_register_error, false);
        assert.equal(out.write_coil_error, false);
        assert.equal(out.exception_unmapped, 2);
        assert.equal(out.exception_quantity, 3);
        assert.equal(out.exception_readonly, 2);
        assert.equal(out.exception_value, 3);
        assert.deepEqual(combined.source.commands, [
          { kind: "closeContactors", origin: "modbus:127.0.0.1" },
          { kind: "resetFaults", origin: "modbus:127.0.0.1" },
        ]);
      } finally {
        await combined.server.close();
      }
    },
  );
});

describe("SunSpec map values against the snapshot", () => {
  test("models 802 and 803 carry SOC, current, power and cell voltages with their scale factors", async () => {
    const t = await startTestServer({ map: "sunspec" });
    const client = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
    try {
      const words = [
        ...(await client.read("holdingRegister", 40000, 125)),
        ...(await client.read("holdingRegister", 40125, 71)),
      ];
      const at = (address: number) => words[address - 40000];
      const i16 = (address: number) => (at(address) << 16) >> 16;
      const scaled = (address: number, sfAddress: number, signed = false) => {
        const sf = i16(sfAddress);
        const raw = signed ? i16(address) : at(address);
        return sf < 0 ? raw / 10 ** -sf : raw * 10 ** sf;
      };
      const b = 40070; // model 802: ID, L, then 50 points, then 12 scale factors from b + 52
      assert.deepEqual([at(b), at(b + 1)], [802, 62]);
      assert.equal(scaled(b + 2, b + 52), 280); // AHRtg x AHRtg_SF
      assert.equal(scaled(b + 3, b + 53), 215000); // WHRtg in Wh
      assert.equal(scaled(b + 11, b + 56), 56.7); // SoC x SoC_SF
      assert.equal(scaled(b + 13, b + 58), 97.5); // SoH x SoH_SF
      assert.equal(at(b + 16), 4); // ChaSt charging
      assert.equal(at(b + 22), 99); // State: fault (a level-3 alarm)
      assert.deepEqual([at(b + 26), at(b + 27)], [0, (1 << 1) | (1 << 10)]); // Evt1 OVER_TEMP_ALARM, OVER_VOLT_WARNING
      assert.equal(scaled(b + 34, b + 59), 792.6); // V x V_SF
      assert.equal(scaled(b + 37, b + 60), 3.342); // CellVMax x CellV_SF
      assert.equal(at(b + 39), 13); // CellVMaxMod
      assert.equal(scaled(b + 44, b + 61, true), -123.4); // A x A_SF
      assert.equal(scaled(b + 45, b + 62), 140); // AChaMax x AMax_SF
      assert.equal(scaled(b + 47, b + 63, true), -97800); // W x W_SF, in W
      assert.equal(at(b + 48), 2); // ReqInvState STOP
      const s = 40134; // model 803
      assert.deepEqual([at(s), at(s + 1)], [803, 58]);
      assert.equal(at(s + 3), 1); // NStrCon
      assert.equal(scaled(s + 4, s + 23, true), 41.2); // ModTmpMax x ModTmp_SF
      assert.equal(at(s + 10), 27); // ModTmpAvg has no scale factor in model 803: whole degrees
      assert.equal(at(s + 28), 15); // StrNMod
      assert.deepEqual([at(s + 29), at(s + 30)], [0, 3]); // StrSt: enabled, contactor closed
      assert.deepEqual([at(40194), at(40195)], [0xffff, 0]);
    } finally {
      await client.close();
      await t.server.close();
    }
  });
});

/**
 * Modbus TCP: FC3 of 125 registers on loopback, 1 and 8 clients, side by side in one run against libmodbus's own
 * server (Debian libmodbus-dev's examples/bandwidth-server-many-up.c, compiled here). Issue goal: >= 70 % of
 * libmodbus's throughput, p99 <= 1 ms. Each server runs in its own process; the clients (sequential requests,
 * one in flight per client) run here, the same for both.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { ModbusTcpClient } from "../src/northbound/modbus/client.ts";

const EXAMPLE = "/usr/share/doc/libmodbus-dev/examples/bandwidth-server-many-up.c";
const DURATION_MS = 3000;

interface Figures {
  clients: number;
  requestsPerSecond: number;
  p50_ms: number;
  p99_ms: number;
}

async function measure(port: number, address: number, clients: number): Promise<Figures> {
  const connections = await Promise.all(
    Array.from({ length: clients }, () => ModbusTcpClient.connect("127.0.0.1", port)),
  );
  const latencies: number[] = [];
  const end = performance.now() + DURATION_MS;
  await Promise.all(
    connections.map(async (client) => {
      for (let i = 0; i < 200; i++) await client.read("holdingRegister", address, 125); // warm-up
      while (performance.now() < end) {
        const start = performance.now();
        await client.read("holdingRegister", address, 125);
        latencies.push(performance.now() - start);
      }
    }),
  );
  await Promise.all(connections.map((client) => client.close()));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Number(latencies[Math.floor(q * (latencies.length - 1))].toFixed(3));
  return {
    clients,
    requestsPerSecond: Math.round(latencies.length / (DURATION_MS / 1000)),
    p50_ms: at(0.5),
    p99_ms: at(0.99),
  };
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) resolve(match[1] ?? match[0]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited (${code}): ${text}`)));
  });
}

/** libmodbus's example server on `port`, or null with the reason when it cannot be built here. */
function buildLibmodbusServer(port: number): { binary: string } | { skipped: string } {
  if (!existsSync(EXAMPLE)) return { skipped: "libmodbus-dev is not installed (apt-get install libmodbus-dev)" };
  const dir = mkdtempSync(join(tmpdir(), "bcu-bench-libmodbus-"));
  const source = join(dir, "server.c");
  writeFileSync(source, readFileSync(EXAMPLE, "utf8").replace("1502", String(port)));
  const flags = execFileSync("pkg-config", ["--cflags", "--libs", "libmodbus"], { encoding: "utf8" })
    .trim()
    .split(/\s+/);
  const binary = join(dir, "server");
  execFileSync("cc", ["-O2", "-o", binary, source, ...flags]);
  return { binary };
}

const SERVER_SCRIPT = `
import { startModbusServer } from ${JSON.stringify(new URL("../src/northbound/modbus/start.ts", import.meta.url).href)};
import { defaultConfig } from ${JSON.stringify(new URL("../src/config/defaults.ts", import.meta.url).href)};
import { silentLogger } from ${JSON.stringify(new URL("../src/daemon/log.ts", import.meta.url).href)};
import { rackSnapshot } from ${JSON.stringify(new URL("../test/northbound/modbus/fixture.ts", import.meta.url).href)};
const base = defaultConfig();
const snapshot = rackSnapshot();
const server = await startModbusServer({
  config: { ...base, modbus: { ...base.modbus, map: "sunspec", maxConnections: 16 } },
  source: { latest: () => snapshot, submit: async () => ({ id: 0, kind: "pcsHeartbeat", accepted: true, reason: "", timeMs: 0 }) },
  log: silentLogger, port: 0, watchInterval_ms: 0,
});
console.log("PORT " + server.port);
`;

export async function benchModbusFc3x125(): Promise<Record<string, unknown>> {
  const ours = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SERVER_SCRIPT], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
  });
  const libPort = 20000 + (process.pid % 20000);
  const built = buildLibmodbusServer(libPort);
  let libmodbus: ChildProcess | null = null;
  try {
    const ourPort = Number(await waitForLine(ours, /PORT (\d+)/));
    if ("binary" in built) {
      libmodbus = spawn(built.binary);
      await new Promise((resolve) => setTimeout(resolve, 300)); // it prints nothing when ready
    }
    const result: Record<string, unknown> = {};
    for (const clients of [1, 8]) {
      const bcu = await measure(ourPort, 40000, clients);
      const lib = libmodbus ? await measure(libPort, 0, clients) : null;
      result[`clients${clients}`] = {
        bcu,
        libmodbus: lib ?? ("skipped" in built ? built.skipped : null),
        ratio_pct: lib ? Math.round((100 * bcu.requestsPerSecond) / lib.requestsPerSecond) : null,
      };
    }
    return result;
  } finally {
    ours.kill();
    libmodbus?.kill();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  console.log(JSON.stringify(await benchModbusFc3x125(), null, 2));

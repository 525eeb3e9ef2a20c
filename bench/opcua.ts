/**
 * OPC UA server on the default rack (15 modules x 16 cells, 8 sensors each) fed by the simulator in real time:
 * start to listening (first start, which creates the certificate, and a start with it), then one client with
 * 3,000 monitored items at 100 ms sampling for 10 s: notifications, lag (receive time - source timestamp, a
 * backlog shows as a growing lag), and the server process's RSS and CPU (the server runs in a child process so
 * the client's work is not counted). Measures; never asserts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  AttributeIds,
  ClientMonitoredItemGroup,
  ClientSubscription,
  OPCUAClient,
  TimestampsToReturn,
  type DataValue,
} from "node-opcua";

const CHILD_FLAG = "BCU_BENCH_OPCUA_SERVER";
const ITEMS = 3000;
const MEASURE_MS = 10_000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Child: the simulated rack and the server, in real time; prints one JSON line when listening. */
async function serveChild(dataDir: string, port: number): Promise<void> {
  const started = performance.now();
  const { defaultConfig } = await import("../src/config/defaults.ts");
  const { RealScheduler } = await import("../src/time/real-scheduler.ts");
  const { createSimulatedRack } = await import("../src/daemon/simulated-rack.ts");
  const { silentLogger } = await import("../src/daemon/log.ts");
  const { startOpcuaServer } = await import("../src/northbound/opcua/server.ts");
  const config = defaultConfig();
  const scheduler = new RealScheduler({ onError: () => undefined });
  const rack = createSimulatedRack({ config, scheduler });
  const opcua = { ...config.opcua, port, host: "127.0.0.1", hostname: "localhost" };
  const server = await startOpcuaServer({
    config: { ...config, opcua },
    source: rack.pipeline,
    log: silentLogger,
    dataDir,
  });
  console.log(
    JSON.stringify({ endpointUrl: server.endpointUrl, listening_ms: Math.round(performance.now() - started) }),
  );
  process.stdin.resume();
  process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
}

interface ChildServer {
  readonly child: ChildProcess;
  readonly endpointUrl: string;
  readonly listening_ms: number;
}

async function startChild(dataDir: string): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD_FLAG]: JSON.stringify({ dataDir, port }) },
    stdio: ["pipe", "pipe", "ignore"],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (!line.startsWith("{")) continue;
    const ready = JSON.parse(line) as { endpointUrl: string; listening_ms: number };
    return { child, ...ready };
  }
  throw new Error("the OPC UA bench server exited before listening");
}

async function stopChild(server: ChildServer): Promise<void> {
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.stdin!.end();
  await exited;
}

/** utime + stime of a process, in ms (Linux /proc). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Math.round(Number(kb) / 1024);
}

export async function benchOpcuaServer(): Promise<Record<string, number | string>> {
  const dataDir = mkdtempSync(join(tmpdir(), "bcu-bench-opcua-"));
  try {
    const first = await startChild(dataDir);
    await stopChild(first);
    const server = await startChild(dataDir);
    const pid = server.child.pid!;
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(server.endpointUrl);
    const session = await client.createSession();
    await session.readNamespaceArray();
    const ns = session.getNamespaceIndex("urn:bcu:battery-rack");
    const variables: string[] = [];
    for (let m = 1; m <= 15; m++) {
      const module = `Rack.Modules.Module${String(m).padStart(2, "0")}`;
      for (let c = 1; c <= 16; c++) variables.push(`${module}.Cell${String(c).padStart(2, "0")}`);
      for (let t = 1; t <= 8; t++) variables.push(`${module}.Tmp${String(t).padStart(2, "0")}`);
      variables.push(`${module}.Vol`);
    }
    for (const v of ["Vol", "Amp", "CelVMax", "CelVMin", "TmpMax", "TmpMin"]) variables.push(`Rack.ZBAT1.${v}`);
    const subscription = ClientSubscription.create(session, {
      requestedPublishingInterval: 100,
      requestedMaxKeepAliveCount: 20,
      requestedLifetimeCount: 600,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
    });
    await new Promise<void>((resolve) => subscription.once("started", () => resolve()));
    // The same variables several times over, as several SCADA screens would: 3,000 items.
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      nodeId: `ns=${ns};s=${variables[i % variables.length]}`,
      attributeId: AttributeIds.Value,
    }));
    let notifications = 0;
    let measuring = false;
    const lags: number[] = [];
    const group = ClientMonitoredItemGroup.create(
      subscription,
      items,
      { samplingInterval: 100, queueSize: 1, discardOldest: true },
      TimestampsToReturn.Both,
    );
    group.on("changed", (_item: unknown, value: DataValue) => {
      if (!measuring) return;
      notifications++;
      if (value.sourceTimestamp && notifications % 50 === 0) lags.push(Date.now() - value.sourceTimestamp.getTime());
    });
    await new Promise<void>((resolve) => group.once("initialized", () => resolve()));
    await new Promise((r) => setTimeout(r, 2000));
    const cpuStart = cpuMs(pid);
    const wallStart = performance.now();
    measuring = true;
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    measuring = false;
    const cpu = cpuMs(pid) - cpuStart;
    const wall = performance.now() - wallStart;
    const rss = rssMiB(pid);
    // A backlog shows as a lag that grows: compare the first and the last fifth of the run.
    const fifth = Math.max(1, Math.floor(lags.length / 5));
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
    const lagFirst = median(lags.slice(0, fifth));
    const lagLast = median(lags.slice(-fifth));
    lags.sort((a, b) => a - b);
    const quantile = (q: number): number => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? NaN;
    await subscription.terminate();
    await session.close();
    await client.disconnect();
    await stopChild(server);
    return {
      nodeVersion: process.version,
      firstStartToListening_ms: first.listening_ms,
      startToListening_ms: server.listening_ms,
      monitoredItems: ITEMS,
      samplingInterval_ms: 100,
      notificationsPerSecond: Math.round((notifications * 1000) / wall),
      lagMedian_ms: quantile(0.5),
      lagP99_ms: quantile(0.99),
      lagMedianFirst2s_ms: lagFirst,
      lagMedianLast2s_ms: lagLast,
      serverCpu_pct: Math.round((cpu / wall) * 1000) / 10,
      serverRss_MiB: rss,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const childArgs = process.env[CHILD_FLAG];
if (childArgs !== undefined) {
  const { dataDir, port } = JSON.parse(childArgs) as { dataDir: string; port: number };
  await serveChild(dataDir, port);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchOpcuaServer()));
  process.exit(0);
}

import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy, UserTokenType } from "node-opcua";
import type { ClientSession } from "node-opcua";
import type { CanFrame } from "../../../src/can/frame.ts";
import { opcuaSection, type OpcuaConfig } from "../../../src/config/sections/opcua.ts";
import { rackSection } from "../../../src/config/sections/rack.ts";
import { BcuPipeline } from "../../../src/daemon/pipeline.ts";
import { silentLogger } from "../../../src/daemon/log.ts";
import { hashPassword } from "../../../src/northbound/opcua/password-hash.ts";
import { startOpcuaServer, type RunningOpcuaServer } from "../../../src/northbound/opcua/server.ts";
import { SimScheduler } from "../../../src/time/sim-scheduler.ts";
import type { Snapshot } from "../../../src/bcu/snapshot.ts";
import {
  createProtectionState,
  defaultProtectionConfig,
  evaluateProtection,
} from "../../../src/bcu/protection/index.ts";
import type { SnapshotSource } from "../../../src/northbound/opcua/server.ts";
import { rackFrames, smallRackConfig } from "../../daemon/pipeline-fixture.ts";

/** node-opcua cannot listen on port 0 and report the port: take a free one from the kernel first. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export const PASSWORDS = { olga: "operator-secret", victor: "viewer-secret" } as const;

/**
 * The small rack of the pipeline tests, driven in simulated time by a real timer (100 ms of rack time every
 * 10 ms), so that clients see values change and method calls get their cycle. `frames` shapes what is sent.
 */
export class DrivenRack {
  readonly scheduler = new SimScheduler(1_700_000_000_000);
  readonly pipeline = new BcuPipeline({
    config: smallRackConfig,
    scheduler: this.scheduler,
    log: silentLogger,
    transport: null,
  });
  cell_mV = 3300;
  current_mA = 20_000;
  silentBmus = new Set<number>();
  /** Applied to every frame before it is received (invalidate a cell, say). */
  edit: (frame: CanFrame) => CanFrame = (frame) => frame;
  private tick = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor() {
    this.pipeline.start();
    for (let i = 0; i < 12; i++) this.step();
  }

  step(): void {
    const t = this.scheduler.nowMs() + 5;
    for (const frame of rackFrames(t, this.tick, this.cell_mV, this.current_mA)) {
      const node = frame.id & 0x7f;
      const bmuFrame = frame.id >= 0x100 && frame.id < 0x280;
      if (bmuFrame && this.silentBmus.has(node)) continue;
      this.pipeline.receive(this.edit(frame));
    }
    this.tick++;
    this.scheduler.runFor(100);
  }

  startDriving(): void {
    this.timer ??= setInterval(() => this.step(), 10);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.pipeline.stop();
  }
}

/**
 * The pipeline as the server's source, with the real protection evaluated on each snapshot while the cycle does
 * not publish alarms itself yet (the lead integrates it into the cycle); once it does, snapshots pass unchanged.
 */
export function protectedSource(rack: DrivenRack): SnapshotSource {
  const config = defaultProtectionConfig();
  const state = createProtectionState(config, smallRackConfig.rack);
  const noFaults = { feedbackMismatch_ms: 0, prechargeFailed: false, welded: false };
  const complete = (s: Snapshot): Snapshot => {
    if (s.alarms.length > 0) return s;
    const ctx = { packSoc_pct: 50, contactorFaults: noFaults, contactorsClosed: false };
    const out = evaluateProtection(state, s.measurements, ctx, config, s.timeMs);
    const alarms = out.alarms.map((a) => ({ ...a, sinceMs: a.since }));
    return { ...s, alarms, maxAlarmLevel: out.maxLevel, events: [...s.events, ...out.events] };
  };
  let latest: Snapshot | null = null;
  const listeners = new Set<(s: Snapshot) => void>();
  rack.pipeline.onSnapshot("protected", (s) => {
    latest = complete(s);
    for (const fn of listeners) fn(latest);
  });
  return {
    latest: () => latest,
    onSnapshot: (_name, fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    submit: (command) => rack.pipeline.submit(command),
  };
}

export interface Harness {
  readonly rack: DrivenRack;
  readonly server: RunningOpcuaServer;
  readonly dir: string;
  readonly pkiDir: string;
  readonly clientPki: OPCUACertificateManager;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<OpcuaConfig> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "bcu-opcua-"));
  const rack = new DrivenRack();
  const source = protectedSource(rack);
  rack.step();
  const opcua: OpcuaConfig = {
    ...opcuaSection.defaults,
    port: await freePort(),
    host: "127.0.0.1",
    hostname: "localhost",
    users: [
      { name: "olga", passwordHash: hashPassword(PASSWORDS.olga), role: "operator" },
      { name: "victor", passwordHash: hashPassword(PASSWORDS.victor), role: "viewer" },
    ],
    ...overrides,
  };
  const config = { opcua, rack: { ...rackSection.defaults, ...smallRackConfig.rack, cell: rackSection.defaults.cell } };
  const server = await startOpcuaServer({ config, source, log: silentLogger, dataDir: dir });
  const clientPki = new OPCUACertificateManager({
    rootFolder: join(dir, "client-pki"),
    automaticallyAcceptUnknownCertificate: true,
  });
  return {
    rack,
    server,
    dir,
    pkiDir: join(dir, "pki"),
    clientPki,
    async close() {
      rack.stop();
      await server.close();
      await clientPki.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Connection {
  readonly client: OPCUAClient;
  readonly session: ClientSession;
  close(): Promise<void>;
}

export async function connect(
  harness: Harness,
  options: {
    user?: keyof typeof PASSWORDS;
    security?: "None" | "SignAndEncrypt" | "Sign";
  } = {},
): Promise<Connection> {
  const security = options.security ?? "None";
  const client = OPCUAClient.create({
    applicationName: "bcu-test-client",
    endpointMustExist: false,
    securityMode: MessageSecurityMode[security],
    securityPolicy: security === "None" ? SecurityPolicy.None : SecurityPolicy.Basic256Sha256,
    clientCertificateManager: harness.clientPki,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
  });
  await client.connect(harness.server.endpointUrl);
  try {
    const session = await client.createSession(
      options.user
        ? { type: UserTokenType.UserName, userName: options.user, password: PASSWORDS[options.user] }
        : { type: UserTokenType.Anonymous },
    );
    return {
      client,
      session,
      async close() {
        await session.close();
        await client.disconnect();
      },
    };
  } catch (error) {
    await client.disconnect();
    throw error;
  }
}

/** Resolves when `predicate` holds, checking every 20 ms; rejects after `timeout_ms` with `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T> | T,
  predicate: (value: T) => boolean,
  timeout_ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeout_ms;
  for (;;) {
    const value = await probe();
    if (predicate(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${String(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

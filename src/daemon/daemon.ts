import type { BcuConfig } from "../config/sections.ts";
import type { CanTransport } from "../can/transport.ts";
import { openTransport } from "../can/transports/open-transport.ts";
import type { PersistedEstimation } from "../bcu/estimation/index.ts";
import type { PersistedLatches } from "../bcu/protection/latched-persistence.ts";
import { RealScheduler } from "../time/real-scheduler.ts";
import type { RackSimulator } from "../sim/rack-simulator.ts";
import { BcuStore } from "../store/index.ts";
import { startModbusServer, type RunningModbusServer } from "../northbound/modbus/start.ts";
import { BcuPipeline } from "./pipeline.ts";
import { createSimulatedRack } from "./simulated-rack.ts";
import { ControlServer } from "./control-server.ts";
import { buildStatusReport } from "./status-report.ts";
import { createServiceNotifier, reloadConfiguration, runShutdown, type ReloadOutcome } from "./systemd.ts";
import type { Logger } from "./log.ts";

export interface DaemonOptions {
  readonly config: BcuConfig;
  readonly log: Logger;
  /** Overrides `config.can.transport` (`--can socketcan:can0`). */
  readonly canSpec?: string;
  /** Re-reads the configuration for a reload (SIGHUP, `bcu reload`); without it a reload is refused. */
  readonly loadConfig?: () => BcuConfig;
}

/** A running daemon: CAN, the simulated rack when configured, the BCU pipeline, store, servers, control socket. */
export interface RunningDaemon {
  readonly pipeline: BcuPipeline;
  readonly simulator: RackSimulator | null;
  readonly store: BcuStore;
  readonly modbusPort: number | null;
  readonly opcuaEndpoint: string | null;
  reload(): ReloadOutcome<BcuConfig>;
  stop(): Promise<void>;
}

/** Persisted components (the store keeps one versioned JSON value per component). */
const ESTIMATION = { component: "estimation", version: 1 } as const;
const COUNTERS = { component: "counters", version: 1 } as const;
const LATCHES = { component: "protection", version: 1 } as const;

/**
 * Starts the daemon in a fixed order: control socket (a second daemon is refused before it touches anything),
 * store and restored state, CAN and the BCU pipeline, Modbus and OPC UA, then READY to systemd. With
 * `can.transport: virtual` and the simulator enabled (the embedded default) the simulated rack runs in real time
 * on the in-process bus.
 */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { log } = options;
  let config = options.config;
  const startedAtMs = Date.now();
  let pipeline: BcuPipeline | undefined;
  let reload: () => ReloadOutcome<BcuConfig> = () => ({ ok: false, reason: "the daemon is starting" });
  const control = new ControlServer(
    config.daemon.controlSocket,
    {
      status: () => {
        if (!pipeline) throw new Error("the daemon is starting");
        return buildStatusReport(pipeline.latest(), pipeline.status(), (Date.now() - startedAtMs) / 1000);
      },
      reload: () => {
        const outcome = reload();
        if (!outcome.ok) throw new Error(`reload refused, the running configuration stays: ${outcome.reason}`);
        return { reloaded: true };
      },
    },
    log.child("control"),
  );
  await control.listen();

  const notifier = createServiceNotifier({ log: log.child("systemd") });
  const store = new BcuStore({ config, log: log.child("store") });
  const restored = store.restore();
  const persisted = {
    estimation: (restored.get(ESTIMATION.component)?.data ?? null) as PersistedEstimation | null,
    counters: (restored.get(COUNTERS.component)?.data ?? null) as { contactorOperations?: number } | null,
    latches: (restored.get(LATCHES.component)?.data ?? null) as PersistedLatches | null,
  };

  const scheduler = new RealScheduler({
    onError: (error) => log.error("scheduled task failed", { error }),
  });
  const spec = options.canSpec ?? config.can.transport;
  let transport: CanTransport | null = null;
  let simulator: RackSimulator | null = null;
  let modbus: RunningModbusServer | null = null;
  let opcua: { readonly endpointUrl: string; close(): Promise<void> } | null = null;
  let startRack: () => void = () => {};
  try {
    if (spec === "virtual" || spec.startsWith("virtual:")) {
      if (!config.simulator.enabled) {
        throw new Error("can.transport is virtual but the simulator is disabled: nothing would send frames");
      }
      const rack = createSimulatedRack({ config, scheduler, log, persisted, start: false });
      simulator = rack.simulator;
      pipeline = rack.pipeline;
      startRack = () => {
        rack.start();
        log.info("simulated rack started on the virtual CAN bus", {
          bmus: config.rack.bmuCount,
          cellsPerBmu: config.rack.cellsPerBmu,
        });
      };
    } else {
      transport = await openTransport(spec, { scheduler });
      log.info("CAN transport open", { transport: transport.name });
      const p = new BcuPipeline({ config, scheduler, log: log.child("pipeline"), transport, persisted });
      pipeline = p;
      startRack = () => p.start();
    }
    const running = pipeline;
    store.registerState({ ...ESTIMATION, capture: () => running.persistedEstimation() });
    store.registerState({ ...COUNTERS, capture: () => running.counters() });
    store.registerState({ ...LATCHES, capture: () => running.persistedLatches() });
    running.onSnapshot("store", (snapshot) => store.onSnapshot(snapshot));
    // The watchdog is fed from the cycle itself: a stalled cycle stops the feeding and systemd restarts us.
    running.onSnapshot("watchdog", () => notifier.cycleAlive());
    const publishPersistence = () => {
      const alarm = store.alarm();
      running.setExternalAlarm({
        id: "persistence",
        level: alarm.level,
        latched: false,
        value: null,
        threshold: null,
        unit: "",
        sinceMs: alarm.sinceMs,
      });
    };
    publishPersistence();
    store.onPersistenceChange(publishPersistence);

    if (config.modbus.enabled) {
      modbus = await startModbusServer({ config, source: running, log: log.child("modbus") });
      log.info("Modbus TCP listening", { host: config.modbus.host, port: modbus.port, map: modbus.mapName() });
    }
    if (config.opcua.enabled) {
      const { startOpcuaServer } = await import("../northbound/opcua/server.ts");
      const { storeHistorySource } = await import("../northbound/opcua/history-source.ts");
      opcua = await startOpcuaServer({
        config,
        source: running,
        log: log.child("opcua"),
        dataDir: config.daemon.dataDir,
        history: storeHistorySource(store, config.store.packTrendPoints),
      });
      log.info("OPC UA listening", { endpoint: opcua.endpointUrl });
    }
    // The cycle starts last: the servers' start-up (OPC UA creates its certificate on first start, seconds of
    // CPU) must not stall the first cycles and trip the communication-loss protection.
    startRack();
  } catch (error) {
    pipeline?.stop();
    simulator?.stop();
    await modbus?.close();
    await opcua?.close();
    await transport?.close();
    scheduler.close();
    store.close();
    notifier.close();
    await control.close();
    throw error;
  }
  const running = pipeline;

  reload = () => {
    if (!options.loadConfig) return { ok: false, reason: "this daemon was started without a configuration source" };
    notifier.reloading();
    const outcome = reloadConfiguration(
      options.loadConfig,
      [
        {
          name: "store",
          prepare: (next: BcuConfig) => {
            store.checkReconfigure(next);
            return () => store.reconfigure(next);
          },
        },
        {
          name: "modbus",
          prepare: (next: BcuConfig) => {
            if (modbus === null || next.modbus.map === config.modbus.map) return () => {};
            const server = modbus;
            return () => server.useMap(next.modbus.map);
          },
        },
      ],
      log,
    );
    store.recordEvent({
      timeMs: Date.now(),
      kind: "system",
      source: "daemon",
      level: 0,
      message: outcome.ok ? "configuration reloaded" : `reload refused: ${outcome.reason}`,
    });
    if (outcome.ok) config = outcome.config;
    notifier.ready("running");
    return outcome;
  };

  notifier.ready("running");
  log.info("bcu running", {
    can: transport?.name ?? "virtual",
    controlSocket: config.daemon.controlSocket,
    modbusPort: modbus?.port ?? null,
    opcua: opcua?.endpointUrl ?? null,
  });

  let stopping: Promise<void> | null = null;
  return {
    pipeline: running,
    simulator,
    store,
    modbusPort: modbus?.port ?? null,
    opcuaEndpoint: opcua?.endpointUrl ?? null,
    reload: () => reload(),
    stop() {
      stopping ??= (async () => {
        log.info("stopping");
        await runShutdown(
          [
            { name: "tell systemd", run: () => notifier.stopping() },
            { name: "Modbus server", run: async () => modbus?.close() },
            { name: "OPC UA server", run: async () => opcua?.close() },
            { name: "control socket", run: () => control.close() },
            {
              name: "contactors",
              timeout_ms: 4000,
              run: () => (config.daemon.contactorsAtStop === "open" ? openContactors(running) : undefined),
            },
            { name: "BCU cycle", run: () => running.stop() },
            { name: "simulated rack", run: () => simulator?.stop() },
            { name: "store", run: () => store.close() },
            { name: "CAN", run: async () => transport?.close() },
            { name: "scheduler", run: () => scheduler.close() },
            { name: "systemd notifier", run: () => notifier.close() },
          ],
          log,
        );
        log.info("stopped");
      })();
      return stopping;
    },
  };
}

/** Asks the BCU to open the contactors and waits until the feedback says they are (or the step times out). */
async function openContactors(pipeline: BcuPipeline): Promise<void> {
  const state = pipeline.latest()?.contactors?.state;
  if (state === undefined || state === "open") return;
  await pipeline.submit({ kind: "openContactors", origin: "daemon:stop" });
  for (let i = 0; i < 30; i++) {
    if (pipeline.latest()?.contactors?.state === "open") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

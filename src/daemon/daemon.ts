import type { BcuConfig } from "../config/sections.ts";
import type { CanTransport } from "../can/transport.ts";
import { openTransport } from "../can/transports/open-transport.ts";
import { RealScheduler } from "../time/real-scheduler.ts";
import type { RackSimulator } from "../sim/rack-simulator.ts";
import { createSimulatedRack } from "./simulated-rack.ts";
import { BcuPipeline } from "./pipeline.ts";
import { ControlServer } from "./control-server.ts";
import { buildStatusReport } from "./status-report.ts";
import type { Logger } from "./log.ts";

export interface DaemonOptions {
  readonly config: BcuConfig;
  readonly log: Logger;
  /** Overrides `config.can.transport` (`--can socketcan:can0`). */
  readonly canSpec?: string;
}

/** A running daemon: CAN, the simulated rack when configured, the BCU pipeline and the control socket. */
export interface RunningDaemon {
  readonly pipeline: BcuPipeline;
  readonly simulator: RackSimulator | null;
  stop(): Promise<void>;
}

/**
 * Starts the daemon. With `can.transport: virtual` and the simulator enabled (the embedded default) the
 * simulated rack runs in real time on the in-process bus; otherwise the BCU listens to the configured bus.
 */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { config, log } = options;
  const startedAtMs = Date.now();
  const control = new ControlServer(
    config.daemon.controlSocket,
    {
      status: () => {
        if (!pipeline) throw new Error("the daemon is starting");
        return buildStatusReport(pipeline.latest(), pipeline.status(), (Date.now() - startedAtMs) / 1000);
      },
    },
    log.child("control"),
  );
  // First, so that a second daemon on the same socket is refused before it touches the bus.
  await control.listen();
  const scheduler = new RealScheduler({
    onError: (error) => log.error("scheduled task failed", { error }),
  });
  const spec = options.canSpec ?? config.can.transport;

  let transport: CanTransport | null = null;
  let simulator: RackSimulator | null = null;
  let pipeline: BcuPipeline | undefined;
  try {
    if (spec === "virtual" || spec.startsWith("virtual:")) {
      if (!config.simulator.enabled) {
        throw new Error("can.transport is virtual but the simulator is disabled: nothing would send frames");
      }
      const rack = createSimulatedRack({ config, scheduler, log });
      simulator = rack.simulator;
      pipeline = rack.pipeline;
      log.info("simulated rack started on the virtual CAN bus", {
        bmus: config.rack.bmuCount,
        cellsPerBmu: config.rack.cellsPerBmu,
      });
    } else {
      transport = await openTransport(spec, { scheduler });
      log.info("CAN transport open", { transport: transport.name });
      pipeline = new BcuPipeline({ config, scheduler, log: log.child("pipeline"), transport });
      pipeline.start();
    }
  } catch (error) {
    scheduler.close();
    await control.close();
    throw error;
  }
  const running = pipeline;

  log.info("bcu running", { can: transport?.name ?? "virtual", controlSocket: config.daemon.controlSocket });

  let stopped = false;
  return {
    pipeline: running,
    simulator,
    async stop() {
      if (stopped) return;
      stopped = true;
      log.info("stopping");
      await control.close();
      running.stop();
      simulator?.stop();
      await transport?.close();
      scheduler.close();
      log.info("stopped");
    },
  };
}

import type { BcuConfig } from "../config/sections.ts";
import type { CanTransport } from "../can/transport.ts";
import { VirtualCanBus } from "../can/transports/virtual-bus.ts";
import { openTransport } from "../can/transports/open-transport.ts";
import { RealScheduler } from "../time/real-scheduler.ts";
import { RackSimulator } from "../sim/rack-simulator.ts";
import type { SimulatorOptions } from "../sim/options.ts";
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
  const scheduler = new RealScheduler({
    onError: (error) => log.error("scheduled task failed", { error }),
  });
  const spec = options.canSpec ?? config.can.transport;

  let transport: CanTransport;
  let simulator: RackSimulator | null = null;
  if (spec === "virtual" || spec.startsWith("virtual:")) {
    const bus = new VirtualCanBus(scheduler, {
      onListenerError: (error: unknown) => log.error("CAN listener failed", { error }),
    });
    transport = bus.endpoint("bcu");
    if (config.simulator.enabled) {
      const { enabled: _enabled, ...simOptions } = config.simulator;
      simulator = new RackSimulator(
        config.rack,
        simOptions as unknown as SimulatorOptions,
        scheduler,
        bus.endpoint("sim"),
      );
      simulator.start();
      log.info("simulated rack started on the virtual CAN bus", {
        bmus: config.rack.bmuCount,
        cellsPerBmu: config.rack.cellsPerBmu,
      });
    } else {
      log.warn("virtual CAN bus without the simulator: nothing will send frames");
    }
  } else {
    transport = await openTransport(spec, { scheduler });
    log.info("CAN transport open", { transport: transport.name });
  }

  const pipeline = new BcuPipeline({ config, scheduler, log: log.child("pipeline"), transport });
  pipeline.start();

  const control = new ControlServer(
    config.daemon.controlSocket,
    {
      status: () => buildStatusReport(pipeline.latest(), pipeline.status(), (Date.now() - startedAtMs) / 1000),
    },
    log.child("control"),
  );
  await control.listen();
  log.info("bcu running", { can: transport.name, controlSocket: config.daemon.controlSocket });

  let stopped = false;
  return {
    pipeline,
    simulator,
    async stop() {
      if (stopped) return;
      stopped = true;
      log.info("stopping");
      await control.close();
      pipeline.stop();
      simulator?.stop();
      await transport.close();
      scheduler.close();
      log.info("stopped");
    },
  };
}

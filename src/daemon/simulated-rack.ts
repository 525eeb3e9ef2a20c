import type { BcuConfig } from "../config/sections.ts";
import { VirtualCanBus } from "../can/transports/virtual-bus.ts";
import { RackSimulator } from "../sim/rack-simulator.ts";
import type { SimulatorOptionsInput } from "../sim/options.ts";
import type { Scheduler } from "../time/scheduler.ts";
import { SimScheduler } from "../time/sim-scheduler.ts";
import { BcuPipeline, type PipelineOptions } from "./pipeline.ts";
import { silentLogger, type Logger } from "./log.ts";

export interface SimulatedRack<S extends Scheduler = Scheduler> {
  readonly scheduler: S;
  readonly bus: VirtualCanBus;
  readonly simulator: RackSimulator;
  readonly pipeline: BcuPipeline;
  /** Starts the simulator and the pipeline (done at creation unless `start: false`). Idempotent. */
  start(): void;
  stop(): void;
}

export interface SimulatedRackOptions<S extends Scheduler> {
  readonly config: BcuConfig;
  readonly scheduler: S;
  readonly log?: Logger;
  /** Overrides of the configuration's simulator options (tests: faults, errors, initial SOC). */
  readonly simulator?: SimulatorOptionsInput;
  /**
   * The simulated PCS asks the BCU to close the contactors whenever the BCU is ready (as an EMS that wants the
   * rack online would), at most every 10 s. Default true; closed-loop tests that drive the contactors set false.
   */
  readonly pcsRequestsClose?: boolean;
  /** State restored from the store. */
  readonly persisted?: PipelineOptions["persisted"];
  /** Start at once (default), or later with `start()` (the daemon starts its servers first). */
  readonly start?: boolean;
}

/** How often the simulated PCS repeats a close request the BCU refused or did not complete. */
const PCS_CLOSE_RETRY_MS = 10_000;

/**
 * The BCU pipeline and the rack simulator on one virtual CAN bus: everything the BCU learns of the rack crosses
 * the bus as real frames, and everything it commands goes back as real frames. The embedded default of the
 * daemon (real time) and every closed-loop test and accuracy script (simulated time) are this.
 */
export function createSimulatedRack<S extends Scheduler>(options: SimulatedRackOptions<S>): SimulatedRack<S> {
  const { config, scheduler } = options;
  const log = options.log ?? silentLogger;
  const bus = new VirtualCanBus(scheduler, {
    onListenerError: (error: unknown) => log.error("CAN listener failed", { error }),
  });
  const { enabled: _enabled, ...configured } = config.simulator;
  const simulator = new RackSimulator(
    config.rack,
    { ...(configured as SimulatorOptionsInput), ...options.simulator } as SimulatorOptionsInput,
    scheduler,
    bus.endpoint("sim"),
  );
  const pipeline = new BcuPipeline({
    config,
    scheduler,
    log: log.child("pipeline"),
    transport: bus.endpoint("bcu"),
    persisted: options.persisted,
  });
  // The PCS polls the published limits (over Modbus in a real site) and obeys them.
  pipeline.onSnapshot("simulated PCS", (snapshot) => {
    const limits = snapshot.limits;
    simulator.pcs.setLimits(
      limits === null
        ? null
        : {
            chargeCurrentMax_A: limits.chargeCurrentMax_A,
            dischargeCurrentMax_A: limits.dischargeCurrentMax_A,
            chargePowerMax_W: limits.chargePowerMax_kW * 1000,
            dischargePowerMax_W: limits.dischargePowerMax_kW * 1000,
            stop: limits.stopRequested,
          },
    );
    if (options.pcsRequestsClose !== false && snapshot.state === "ready") {
      if (snapshot.timeMs - lastCloseRequestMs >= PCS_CLOSE_RETRY_MS) {
        lastCloseRequestMs = snapshot.timeMs;
        void pipeline.submit({ kind: "closeContactors", origin: "sim:pcs" });
      }
    }
  });
  let lastCloseRequestMs = -Infinity;
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    simulator.start();
    pipeline.start();
  };
  if (options.start !== false) start();
  return {
    scheduler,
    bus,
    simulator,
    pipeline,
    start,
    stop() {
      pipeline.stop();
      simulator.stop();
    },
  };
}

/** A simulated rack on simulated time, for tests and scripts: `rack.scheduler.runFor(ms)`. */
export function createSimulatedRackOnSimTime(
  config: BcuConfig,
  simulator?: SimulatorOptionsInput,
  options: { pcsRequestsClose?: boolean } = {},
): SimulatedRack<SimScheduler> {
  return createSimulatedRack({ config, scheduler: new SimScheduler(), simulator, ...options });
}

import type { BcuConfig } from "../config/sections.ts";
import { VirtualCanBus } from "../can/transports/virtual-bus.ts";
import { RackSimulator } from "../sim/rack-simulator.ts";
import type { SimulatorOptionsInput } from "../sim/options.ts";
import type { Scheduler } from "../time/scheduler.ts";
import { SimScheduler } from "../time/sim-scheduler.ts";
import { BcuPipeline } from "./pipeline.ts";
import { silentLogger, type Logger } from "./log.ts";

export interface SimulatedRack<S extends Scheduler = Scheduler> {
  readonly scheduler: S;
  readonly bus: VirtualCanBus;
  readonly simulator: RackSimulator;
  readonly pipeline: BcuPipeline;
  stop(): void;
}

export interface SimulatedRackOptions<S extends Scheduler> {
  readonly config: BcuConfig;
  readonly scheduler: S;
  readonly log?: Logger;
  /** Overrides of the configuration's simulator options (tests: faults, errors, initial SOC). */
  readonly simulator?: SimulatorOptionsInput;
}

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
  const pipeline = new BcuPipeline({ config, scheduler, log: log.child("pipeline"), transport: bus.endpoint("bcu") });
  simulator.start();
  pipeline.start();
  return {
    scheduler,
    bus,
    simulator,
    pipeline,
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
): SimulatedRack<SimScheduler> {
  return createSimulatedRack({ config, scheduler: new SimScheduler(), simulator });
}

import type { CanTransport } from "../can/transport.ts";
import { IVT_SLOW_RESULT_PERIOD_MS, encodeIvtResult } from "../can/codecs/ivt.ts";
import { IVT_RESULT, type IvtResultName } from "../can/codecs/messages.ts";
import type { Cancel, Scheduler } from "../time/scheduler.ts";
import type { Prng } from "../util/prng.ts";
import type { SimFaults } from "./faults.ts";

export interface SimIvtSpec {
  readonly gainError: number;
  readonly offset_A: number;
  readonly noise_A: number;
  /** Cycle of I, U1 and U2. */
  readonly cycle_ms: number;
}

/** What the sensor is measuring, read at each send. */
export interface IvtInputs {
  /** True current, A (+ = discharge). */
  current_A(): number;
  /** Battery side of the contactors (U1), V. */
  packVoltage_V(): number;
  /** PCS side, the DC link (U2), V. */
  linkVoltage_V(): number;
  /** Sensor (shunt) temperature, °C. */
  temperature_degC(): number;
}

/** Largest magnitude of an i32 result. */
const I32_MAX = 0x7fffffff;

function i32(value: number): number {
  return Math.max(-I32_MAX - 1, Math.min(I32_MAX, Math.round(value)));
}

/**
 * The Isabellenhütte IVT-S on the rack's current path: I, U1 and U2 every `cycle_ms`, T, W, As and Wh every
 * second, each result with its own 4-bit message counter. The current reads `(1 + gainError)·I + offset + noise`;
 * the charge and energy counters integrate that reading (without the white noise, which averages out).
 */
export class SimIvt {
  private readonly counters = new Uint8Array(8);
  private charge_As = 0;
  private energy_Wh = 0;
  private readonly cancels: Cancel[] = [];

  constructor(
    private readonly spec: SimIvtSpec,
    private readonly inputs: IvtInputs,
    private readonly faults: SimFaults,
    private readonly scheduler: Scheduler,
    private readonly transport: CanTransport,
    private readonly noise: Prng,
  ) {}

  start(): void {
    this.cancels.push(
      this.scheduler.every(this.spec.cycle_ms, () => this.sendFast(), 2),
      this.scheduler.every(IVT_SLOW_RESULT_PERIOD_MS, () => this.sendSlow(), 7),
    );
  }

  stop(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  /** Measured current without noise, A. */
  private reading_A(): number {
    return this.inputs.current_A() * (1 + this.spec.gainError) + this.spec.offset_A;
  }

  /** Advances the As and Wh counters; called by the physics each step. */
  integrate(dt_s: number): void {
    const current = this.reading_A();
    this.charge_As += current * dt_s;
    this.energy_Wh += (current * this.inputs.packVoltage_V() * dt_s) / 3600;
  }

  private sendFast(): void {
    if (this.faults.currentSensorFault.silent) return;
    const current_A = this.reading_A() + this.spec.noise_A * this.noise.fastNormal();
    this.send("current", current_A * 1000);
    this.send("voltage1", this.inputs.packVoltage_V() * 1000);
    this.send("voltage2", this.inputs.linkVoltage_V() * 1000);
  }

  private sendSlow(): void {
    if (this.faults.currentSensorFault.silent) return;
    this.send("temperature", this.inputs.temperature_degC() * 10);
    this.send("power", this.reading_A() * this.inputs.packVoltage_V());
    this.send("chargeCounter", this.charge_As);
    this.send("energyCounter", this.energy_Wh);
  }

  private send(result: IvtResultName, value: number): void {
    const fault = this.faults.currentSensorFault;
    const index = IVT_RESULT[result];
    const messageCounter = this.counters[index];
    this.counters[index] = (messageCounter + 1) & 0x0f;
    this.transport.send(
      encodeIvtResult({
        kind: "ivtResult",
        result,
        messageCounter,
        overCurrent: fault.overCurrent,
        channelError: fault.channelError,
        measurementError: fault.measurementError,
        systemError: fault.systemError,
        value: i32(value),
      }),
    );
  }
}

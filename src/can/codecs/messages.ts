/**
 * Decoded messages of the rack's CAN protocols (`../shared/DESIGN.md`, "CAN: reference protocols").
 * Units are in the names. A value the sender marks invalid (0xFF temperature, 0xFFFF cell voltage) is `null`:
 * a sensor fault, never a number.
 */

/** BMU node addresses are 1..32. */
export const BMU_NODE_MIN = 1;
export const BMU_NODE_MAX = 32;

/** 0x100+n, 1 s. */
export interface BmuStatus {
  readonly kind: "bmuStatus";
  readonly node: number;
  readonly aliveCounter: number;
  readonly balancingActive: boolean;
  readonly afeFault: boolean;
  readonly openWire: boolean;
  readonly temperatureSensorFault: boolean;
  readonly supplyLow: boolean;
  readonly balancingOverTemperature: boolean;
  /** Module voltage, transmitted in 0.01 V steps, given here in mV. */
  readonly moduleVoltage_mV: number;
  readonly boardTemperature_degC: number;
  readonly cellCount: number;
  readonly sensorCount: number;
  readonly protocolVersion: number;
}

/** 0x180+n, 1 s: sensors 6g+1..6g+6 (index 0 = sensor 6g+1). */
export interface BmuTemperatures {
  readonly kind: "bmuTemperatures";
  readonly node: number;
  readonly group: number;
  readonly temperatures_degC: readonly (number | null)[];
}

/** 0x200+n, 100 ms: cells 3g+1..3g+3 (index 0 = cell 3g+1). */
export interface BmuCellVoltages {
  readonly kind: "bmuCellVoltages";
  readonly node: number;
  readonly group: number;
  readonly cellVoltages_mV: readonly (number | null)[];
}

/** 0x300+n, BCU → BMU, 1 s. */
export interface BalancingCommand {
  readonly kind: "balancingCommand";
  readonly node: number;
  /** Bit i set = cell i+1 bleeds (u32). */
  readonly mask: number;
  readonly timeout_s: number;
  readonly aliveCounter: number;
}

/** Contactor bits, shared by command and feedback byte 0. */
export interface ContactorSet {
  readonly mainPositive: boolean;
  readonly mainNegative: boolean;
  readonly precharge: boolean;
}

/** 0x0A0, BCU → contactor unit, 100 ms, CRC-8 SAE J1850 in byte 7. */
export interface ContactorCommand {
  readonly kind: "contactorCommand";
  readonly requestedClosed: ContactorSet;
  readonly aliveCounter: number;
  readonly breakerShuntTrip: boolean;
}

/** 0x0A1, contactor unit → BCU, 100 ms, CRC-8 SAE J1850 in byte 7. */
export interface ContactorFeedback {
  readonly kind: "contactorFeedback";
  /** Auxiliary contacts closed. */
  readonly closed: ContactorSet;
  readonly coilFault: ContactorSet;
  readonly aliveCounter: number;
  readonly breakerClosed: boolean;
  readonly breakerTripped: boolean;
  readonly hvilIntact: boolean;
  readonly emergencyStop: boolean;
  readonly fireAlarm: boolean;
  readonly doorOpen: boolean;
}

/** IVT-S result ids (byte 0 of 0x521..0x528). */
export const IVT_RESULT = {
  current: 0,
  voltage1: 1,
  voltage2: 2,
  voltage3: 3,
  temperature: 4,
  power: 5,
  chargeCounter: 6,
  energyCounter: 7,
} as const;
export type IvtResultName = keyof typeof IVT_RESULT;

/** Unit of each IVT result's raw i32: mA, mV, mV, mV, 0.1 °C, W, As, Wh. */
export const IVT_RESULT_UNIT: Record<IvtResultName, string> = {
  current: "mA",
  voltage1: "mV",
  voltage2: "mV",
  voltage3: "mV",
  temperature: "0.1 degC",
  power: "W",
  chargeCounter: "As",
  energyCounter: "Wh",
};

/** 0x521..0x528, current sensor → BCU. Value is the raw i32 in the unit of `IVT_RESULT_UNIT[result]`. */
export interface IvtResult {
  readonly kind: "ivtResult";
  readonly result: IvtResultName;
  /** Low nibble of byte 1. */
  readonly messageCounter: number;
  readonly overCurrent: boolean;
  readonly channelError: boolean;
  readonly measurementError: boolean;
  readonly systemError: boolean;
  readonly value: number;
}

export type RackMessage =
  BmuStatus | BmuTemperatures | BmuCellVoltages | BalancingCommand | ContactorCommand | ContactorFeedback | IvtResult;

/** Why a frame was not accepted. Counted per node and reason, never thrown. */
export type FrameErrorReason =
  | "unknownId"
  | "wrongDlc"
  | "multiplexerOutOfRange"
  | "crcMismatch"
  | "aliveCounterJump"
  | "invalidValue"
  | "unsupportedVersion";

export interface FrameError {
  readonly kind: "frameError";
  readonly reason: FrameErrorReason;
  /** Counting key: `bmu3`, `ivt`, `contactorUnit`, or `unknown`. */
  readonly source: string;
  readonly id: number;
  readonly detail: string;
}

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

/**
 * Bender iso165C insulation monitor commands (byte 0 of 0x022, echoed in byte 0 of 0x023). DW1 and DW2 are the
 * u16 words of bytes 1–2 and 3–4 (Intel order).
 */
export const IMD_COMMAND = {
  /** DW1 0 unlock / 1 lock, DW2 password. */
  lock: 0xca,
  /** DW1 1 measurement on / 0 off. */
  measurement: 0xcb,
  /** DW1 error threshold, kΩ (30..1000). */
  errorThreshold: 0x28,
  /** DW1 warning threshold, kΩ (40..2000). */
  warningThreshold: 0x29,
  /** DW1 1 overall self-test. */
  selfTest: 0x21,
  /** No words; the reply carries R_iso, fault location and the measurement counter. */
  getResistance: 0x35,
  /** DW1 relay (0 HV−, 1 HV+), DW2 0 open / 1 closed. */
  setCouplingRelay: 0xd2,
  /** DW1 relay; the reply carries DW1 relay, DW2 state. */
  getCouplingRelay: 0xdd,
} as const;
export type ImdCommandName = keyof typeof IMD_COMMAND;
export type ImdCommandCode = (typeof IMD_COMMAND)[ImdCommandName];
/** Byte 0 of an IMD_Response that refuses a command. */
export const IMD_ERROR_RESPONSE = 0xff;

/** 0x022, BCU → IMD, on demand, DLC 8. */
export interface ImdRequest {
  readonly kind: "imdRequest";
  readonly command: ImdCommandCode;
  readonly dw1: number;
  readonly dw2: number;
}

/** Fault location in the reply to 0x35. */
export type ImdFaultLocation = 0 | 1 | 2;

/**
 * 0x023, IMD → BCU, one per request, DLC 5. `response` says how bytes 1–4 read: "error" (byte 0 0xFF: 1–2 error
 * code, 3 the refused command), "resistance" (reply to 0x35), "relay" (reply to 0xDD), "ack" (any other command,
 * echoing DW1 and DW2).
 */
export type ImdResponse =
  | {
      readonly kind: "imdResponse";
      readonly response: "error";
      readonly errorCode: number;
      /** Raw byte: a device may refuse a command this protocol does not know. */
      readonly refusedCommand: number;
    }
  | {
      readonly kind: "imdResponse";
      readonly response: "resistance";
      readonly resistance_kOhm: number;
      /** 0 unknown, 1 towards HV−, 2 towards HV+. */
      readonly faultLocation: ImdFaultLocation;
      readonly measurementCounter: number;
    }
  | { readonly kind: "imdResponse"; readonly response: "relay"; readonly relay: number; readonly relayState: number }
  | {
      readonly kind: "imdResponse";
      readonly response: "ack";
      readonly command: Exclude<ImdCommandCode, 0x35 | 0xdd>;
      readonly dw1: number;
      readonly dw2: number;
    };

/**
 * 0x037, IMD → BCU, 1 s, DLC 6. `resistance_kOhm` is a value only when `systemFailure`, `measurementDeactivated`
 * and `resistanceOutdated` are all false (DESIGN.md); judging that is the BCU's job, not the codec's.
 */
export interface ImdInfo {
  readonly kind: "imdInfo";
  readonly resistance_kOhm: number;
  readonly insulationFault: boolean;
  readonly groundFault: boolean;
  readonly systemFailure: boolean;
  readonly calibrationRunning: boolean;
  readonly selfTestRunning: boolean;
  readonly insulationWarning: boolean;
  readonly measurementDeactivated: boolean;
  readonly imcConnectionError: boolean;
  readonly imcAliveError: boolean;
  readonly commandError: boolean;
  readonly resistanceOutdated: boolean;
  readonly overallSelfTestNotRun: boolean;
  readonly parameterSelfTestNotRun: boolean;
}

export type RackMessage =
  | BmuStatus
  | BmuTemperatures
  | BmuCellVoltages
  | BalancingCommand
  | ContactorCommand
  | ContactorFeedback
  | IvtResult
  | ImdRequest
  | ImdResponse
  | ImdInfo;

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
  /** Counting key: `bmu3`, `ivt`, `contactorUnit`, `imd`, or `unknown`. */
  readonly source: string;
  readonly id: number;
  readonly detail: string;
}

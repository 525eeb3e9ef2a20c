/**
 * Bender iso165C insulation monitor on CAN (DESIGN.md, "CAN: reference protocols"; layout as in foxBMS 2's driver
 * and the Bender DBC it ships), Intel byte order:
 * - 0x022 IMD_Request, BCU → IMD, on demand, DLC 8: byte 0 command, 1–2 DW1, 3–4 DW2, 5–7 zero;
 * - 0x023 IMD_Response, IMD → BCU, DLC 5: byte 0 the command echoed (0xFF: error, 1–2 error code, 3 the refused
 *   command); the reply to 0x35 carries R_iso kΩ (1–2), fault location (3), measurement counter (4); the reply to
 *   0xDD the relay (DW1) and its state (DW2); any other command echoes DW1 and DW2;
 * - 0x037 IMD_Info, IMD → BCU, 1 s, DLC 6: bit n is bit n mod 8 of byte n div 8 (R_iso kΩ in bits 0–15, flags).
 */
import type { CanFrame, OutgoingCanFrame } from "../frame.ts";
import type { FrameError, ImdCommandCode, ImdFaultLocation, ImdInfo, ImdRequest, ImdResponse } from "./messages.ts";
import { IMD_COMMAND, IMD_ERROR_RESPONSE } from "./messages.ts";
import { frameError, hexId, IMD_SOURCE, UNKNOWN_SOURCE, wrongDlc } from "./frame-error.ts";
import { bit, checkInt } from "./encode-checks.ts";

export const IMD_REQUEST_ID = 0x022;
export const IMD_RESPONSE_ID = 0x023;
export const IMD_INFO_ID = 0x037;
export const IMD_REQUEST_DLC = 8;
export const IMD_RESPONSE_DLC = 5;
export const IMD_INFO_DLC = 6;
export const IMD_INFO_PERIOD_MS = 1000;

const COMMAND_CODES: ReadonlySet<number> = new Set(Object.values(IMD_COMMAND));

export function isImdCommandCode(code: number): code is ImdCommandCode {
  return COMMAND_CODES.has(code);
}

/** "0xCB measurement" for messages. */
export function imdCommandLabel(code: number): string {
  const name = Object.entries(IMD_COMMAND).find(([, value]) => value === code)?.[0] ?? "unknown command";
  return `0x${code.toString(16).toUpperCase().padStart(2, "0")} ${name}`;
}

function u16(d: Uint8Array, at: number): number {
  return d[at] | (d[at + 1] << 8);
}

function putU16(d: Uint8Array, at: number, value: number): void {
  d[at] = value & 0xff;
  d[at + 1] = value >>> 8;
}

function checkId(frame: CanFrame, expectedId: number, name: string, dlc: number): FrameError | undefined {
  const id = frame.id;
  if (id !== expectedId || frame.extended === true) {
    return frameError("unknownId", UNKNOWN_SOURCE, id, `${hexId(id)} is not ${name} (${hexId(expectedId)})`);
  }
  if (frame.data.length !== dlc) return wrongDlc(IMD_SOURCE, id, name, dlc, frame.data.length);
  return undefined;
}

function unknownCommand(id: number, name: string, code: number): FrameError {
  const detail = `${name} (${hexId(id)}) carries command 0x${code.toString(16)} in byte 0, which the iso165C protocol does not define`;
  return frameError("invalidValue", IMD_SOURCE, id, detail);
}

export function encodeImdRequest(msg: ImdRequest): OutgoingCanFrame {
  const m = "ImdRequest";
  if (!isImdCommandCode(msg.command)) {
    throw new RangeError(`${m}.command must be one of the IMD_COMMAND codes, got ${String(msg.command)}`);
  }
  const data = new Uint8Array(IMD_REQUEST_DLC);
  data[0] = msg.command;
  putU16(data, 1, checkInt(m, "dw1", msg.dw1, 0, 0xffff));
  putU16(data, 3, checkInt(m, "dw2", msg.dw2, 0, 0xffff));
  return { id: IMD_REQUEST_ID, data };
}

/** Bytes 5–7 are reserved (zero) and not read. */
export function decodeImdRequest(frame: CanFrame): ImdRequest | FrameError {
  const error = checkId(frame, IMD_REQUEST_ID, "IMD_Request", IMD_REQUEST_DLC);
  if (error !== undefined) return error;
  const d = frame.data;
  const command = d[0];
  if (!isImdCommandCode(command)) return unknownCommand(frame.id, "IMD_Request", command);
  return { kind: "imdRequest", command, dw1: u16(d, 1), dw2: u16(d, 3) };
}

export function encodeImdResponse(msg: ImdResponse): OutgoingCanFrame {
  const m = "ImdResponse";
  const data = new Uint8Array(IMD_RESPONSE_DLC);
  switch (msg.response) {
    case "error":
      data[0] = IMD_ERROR_RESPONSE;
      putU16(data, 1, checkInt(m, "errorCode", msg.errorCode, 0, 0xffff));
      data[3] = checkInt(m, "refusedCommand", msg.refusedCommand, 0, 0xff);
      break;
    case "resistance":
      data[0] = IMD_COMMAND.getResistance;
      putU16(data, 1, checkInt(m, "resistance_kOhm", msg.resistance_kOhm, 0, 0xffff));
      data[3] = checkInt(m, "faultLocation", msg.faultLocation, 0, 2);
      data[4] = checkInt(m, "measurementCounter", msg.measurementCounter, 0, 0xff);
      break;
    case "relay":
      data[0] = IMD_COMMAND.getCouplingRelay;
      putU16(data, 1, checkInt(m, "relay", msg.relay, 0, 0xffff));
      putU16(data, 3, checkInt(m, "relayState", msg.relayState, 0, 0xffff));
      break;
    case "ack": {
      const command: number = msg.command;
      if (
        !isImdCommandCode(command) ||
        command === IMD_COMMAND.getResistance ||
        command === IMD_COMMAND.getCouplingRelay
      ) {
        throw new RangeError(
          `${m}.command of an ack must be an IMD_COMMAND code other than 0x35 and 0xDD, got ${command}`,
        );
      }
      data[0] = command;
      putU16(data, 1, checkInt(m, "dw1", msg.dw1, 0, 0xffff));
      putU16(data, 3, checkInt(m, "dw2", msg.dw2, 0, 0xffff));
      break;
    }
  }
  return { id: IMD_RESPONSE_ID, data };
}

export function decodeImdResponse(frame: CanFrame): ImdResponse | FrameError {
  const error = checkId(frame, IMD_RESPONSE_ID, "IMD_Response", IMD_RESPONSE_DLC);
  if (error !== undefined) return error;
  const d = frame.data;
  const code = d[0];
  if (code === IMD_ERROR_RESPONSE) {
    return { kind: "imdResponse", response: "error", errorCode: u16(d, 1), refusedCommand: d[3] };
  }
  if (code === IMD_COMMAND.getResistance) {
    if (d[3] > 2) {
      const detail = `IMD_Response (${hexId(frame.id)}) to 0x35 gives fault location ${d[3]}; 0, 1 and 2 are defined`;
      return frameError("invalidValue", IMD_SOURCE, frame.id, detail);
    }
    return {
      kind: "imdResponse",
      response: "resistance",
      resistance_kOhm: u16(d, 1),
      faultLocation: d[3] as ImdFaultLocation,
      measurementCounter: d[4],
    };
  }
  if (code === IMD_COMMAND.getCouplingRelay) {
    return { kind: "imdResponse", response: "relay", relay: u16(d, 1), relayState: u16(d, 3) };
  }
  if (!isImdCommandCode(code)) return unknownCommand(frame.id, "IMD_Response", code);
  const command = code as Exclude<ImdCommandCode, 0x35 | 0xdd>;
  return { kind: "imdResponse", response: "ack", command, dw1: u16(d, 1), dw2: u16(d, 3) };
}

/** Flag bits of IMD_Info after R_iso (bits 0–15), by field. */
export const IMD_INFO_BITS = {
  insulationFault: 16,
  groundFault: 17,
  systemFailure: 18,
  calibrationRunning: 19,
  selfTestRunning: 20,
  insulationWarning: 21,
  measurementDeactivated: 32,
  imcConnectionError: 33,
  imcAliveError: 34,
  commandError: 36,
  resistanceOutdated: 40,
  overallSelfTestNotRun: 44,
  parameterSelfTestNotRun: 45,
} as const satisfies Partial<Record<keyof ImdInfo, number>>;
export type ImdInfoFlag = keyof typeof IMD_INFO_BITS;
export const IMD_INFO_FLAGS = Object.keys(IMD_INFO_BITS) as ImdInfoFlag[];

export function encodeImdInfo(msg: ImdInfo): OutgoingCanFrame {
  const data = new Uint8Array(IMD_INFO_DLC);
  putU16(data, 0, checkInt("ImdInfo", "resistance_kOhm", msg.resistance_kOhm, 0, 0xffff));
  for (const flag of IMD_INFO_FLAGS) {
    const n = IMD_INFO_BITS[flag];
    data[n >>> 3] |= bit(msg[flag], n & 7);
  }
  return { id: IMD_INFO_ID, data };
}

/** Reserved bits are not read. */
export function decodeImdInfo(frame: CanFrame): ImdInfo | FrameError {
  const error = checkId(frame, IMD_INFO_ID, "IMD_Info", IMD_INFO_DLC);
  if (error !== undefined) return error;
  const d = frame.data;
  const flag = (n: number): boolean => (d[n >>> 3] & (1 << (n & 7))) !== 0;
  const b = IMD_INFO_BITS;
  return {
    kind: "imdInfo",
    resistance_kOhm: u16(d, 0),
    insulationFault: flag(b.insulationFault),
    groundFault: flag(b.groundFault),
    systemFailure: flag(b.systemFailure),
    calibrationRunning: flag(b.calibrationRunning),
    selfTestRunning: flag(b.selfTestRunning),
    insulationWarning: flag(b.insulationWarning),
    measurementDeactivated: flag(b.measurementDeactivated),
    imcConnectionError: flag(b.imcConnectionError),
    imcAliveError: flag(b.imcAliveError),
    commandError: flag(b.commandError),
    resistanceOutdated: flag(b.resistanceOutdated),
    overallSelfTestNotRun: flag(b.overallSelfTestNotRun),
    parameterSelfTestNotRun: flag(b.parameterSelfTestNotRun),
  };
}

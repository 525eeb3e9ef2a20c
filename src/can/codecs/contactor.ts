/**
 * Contactor unit (HVU) protocol (DESIGN.md, "CAN: reference protocols"): 0x0A0 command BCU → unit, 0x0A1
 * feedback unit → BCU, both DLC 8 every 100 ms with a CRC-8 SAE J1850 over bytes 0–6 in byte 7. The unit opens
 * every contactor when no valid command arrives for `CONTACTOR_CMD_TIMEOUT_MS`.
 */
import type { CanFrame, OutgoingCanFrame } from "../frame.ts";
import type { ContactorCommand, ContactorFeedback, ContactorSet, FrameError } from "./messages.ts";
import { crc8J1850 } from "./crc8.ts";
import { CONTACTOR_UNIT_SOURCE, frameError, hexId, UNKNOWN_SOURCE, wrongDlc } from "./frame-error.ts";
import { bit, checkInt } from "./encode-checks.ts";

export const CONTACTOR_CMD_ID = 0x0a0;
export const CONTACTOR_FB_ID = 0x0a1;
export const CONTACTOR_CMD_PERIOD_MS = 100;
export const CONTACTOR_FB_PERIOD_MS = 100;
export const CONTACTOR_CMD_TIMEOUT_MS = 500;
export const CONTACTOR_FRAME_DLC = 8;
/** Byte holding the CRC; the CRC covers the bytes before it. */
export const CONTACTOR_CRC_BYTE = 7;

function contactorBits(set: ContactorSet): number {
  return bit(set.mainPositive, 0) | bit(set.mainNegative, 1) | bit(set.precharge, 2);
}

function contactorSetOf(bits: number): ContactorSet {
  return { mainPositive: (bits & 1) !== 0, mainNegative: (bits & 2) !== 0, precharge: (bits & 4) !== 0 };
}

function sealed(id: number, data: Uint8Array): OutgoingCanFrame {
  data[CONTACTOR_CRC_BYTE] = crc8J1850(data, CONTACTOR_CRC_BYTE);
  return { id, data };
}

/** Common checks of both frames; `undefined` when the frame may be read. */
function checkFrame(frame: CanFrame, expectedId: number, name: string): FrameError | undefined {
  const id = frame.id;
  if (id !== expectedId || frame.extended === true) {
    return frameError("unknownId", UNKNOWN_SOURCE, id, `${hexId(id)} is not ${name} (${hexId(expectedId)})`);
  }
  const d = frame.data;
  if (d.length !== CONTACTOR_FRAME_DLC) return wrongDlc(CONTACTOR_UNIT_SOURCE, id, name, CONTACTOR_FRAME_DLC, d.length);
  const crc = crc8J1850(d, CONTACTOR_CRC_BYTE);
  if (d[CONTACTOR_CRC_BYTE] !== crc) {
    const detail = `${name} CRC is 0x${d[CONTACTOR_CRC_BYTE].toString(16)}, bytes 0-6 give 0x${crc.toString(16)}: frame corrupted`;
    return frameError("crcMismatch", CONTACTOR_UNIT_SOURCE, id, detail);
  }
  return undefined;
}

export function encodeContactorCommand(msg: ContactorCommand): OutgoingCanFrame {
  const data = new Uint8Array(CONTACTOR_FRAME_DLC);
  data[0] = contactorBits(msg.requestedClosed);
  data[1] = checkInt("ContactorCommand", "aliveCounter", msg.aliveCounter, 0, 255);
  data[2] = bit(msg.breakerShuntTrip, 0);
  return sealed(CONTACTOR_CMD_ID, data);
}

export function decodeContactorCommand(frame: CanFrame): ContactorCommand | FrameError {
  const error = checkFrame(frame, CONTACTOR_CMD_ID, "BCU_ContactorCmd");
  if (error !== undefined) return error;
  const d = frame.data;
  return {
    kind: "contactorCommand",
    requestedClosed: contactorSetOf(d[0]),
    aliveCounter: d[1],
    breakerShuntTrip: (d[2] & 1) !== 0,
  };
}

export function encodeContactorFeedback(msg: ContactorFeedback): OutgoingCanFrame {
  const data = new Uint8Array(CONTACTOR_FRAME_DLC);
  data[0] = contactorBits(msg.closed) | (contactorBits(msg.coilFault) << 3);
  data[1] = checkInt("ContactorFeedback", "aliveCounter", msg.aliveCounter, 0, 255);
  data[2] =
    bit(msg.breakerClosed, 0) |
    bit(msg.breakerTripped, 1) |
    bit(msg.hvilIntact, 2) |
    bit(msg.emergencyStop, 3) |
    bit(msg.fireAlarm, 4) |
    bit(msg.doorOpen, 5);
  return sealed(CONTACTOR_FB_ID, data);
}

export function decodeContactorFeedback(frame: CanFrame): ContactorFeedback | FrameError {
  const error = checkFrame(frame, CONTACTOR_FB_ID, "HVU_ContactorFb");
  if (error !== undefined) return error;
  const d = frame.data;
  const inputs = d[2];
  return {
    kind: "contactorFeedback",
    closed: contactorSetOf(d[0]),
    coilFault: contactorSetOf(d[0] >>> 3),
    aliveCounter: d[1],
    breakerClosed: (inputs & 0x01) !== 0,
    breakerTripped: (inputs & 0x02) !== 0,
    hvilIntact: (inputs & 0x04) !== 0,
    emergencyStop: (inputs & 0x08) !== 0,
    fireAlarm: (inputs & 0x10) !== 0,
    doorOpen: (inputs & 0x20) !== 0,
  };
}

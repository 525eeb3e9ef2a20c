/**
 * Isabellenhütte IVT-S current sensor results, 0x521..0x528 (DESIGN.md, "CAN: reference protocols"), DLC 6:
 * byte 0 result id (= frame id − 0x521), byte 1 low nibble message counter and status bits, bytes 2–5 the value
 * as a big-endian i32 in the result's unit (`IVT_RESULT_UNIT`). Current positive = discharge.
 */
import type { CanFrame, OutgoingCanFrame } from "../frame.ts";
import type { FrameError, IvtResult, IvtResultName } from "./messages.ts";
import { IVT_RESULT } from "./messages.ts";
import { frameError, hexId, IVT_SOURCE, UNKNOWN_SOURCE, wrongDlc } from "./frame-error.ts";
import { bit, checkInt } from "./encode-checks.ts";

export const IVT_RESULT_BASE = 0x521;
export const IVT_RESULT_LAST = 0x528;
export const IVT_FRAME_DLC = 6;
/** Current, U1 and U2 come every 10..100 ms (configured in the sensor); the other results every second. */
export const IVT_FAST_RESULT_PERIOD_MIN_MS = 10;
export const IVT_FAST_RESULT_PERIOD_MAX_MS = 100;
export const IVT_SLOW_RESULT_PERIOD_MS = 1000;

/** Result names by result id (byte 0). */
export const IVT_RESULT_NAMES: readonly IvtResultName[] = (Object.keys(IVT_RESULT) as IvtResultName[]).sort(
  (a, b) => IVT_RESULT[a] - IVT_RESULT[b],
);

export function ivtResultId(result: IvtResultName): number {
  return IVT_RESULT_BASE + IVT_RESULT[result];
}

export function encodeIvtResult(msg: IvtResult): OutgoingCanFrame {
  const m = "IvtResult";
  const resultId = IVT_RESULT[msg.result];
  if (resultId === undefined) {
    throw new RangeError(`${m}.result must be one of ${IVT_RESULT_NAMES.join(", ")}, got ${String(msg.result)}`);
  }
  const value = checkInt(m, "value", msg.value, -0x80000000, 0x7fffffff);
  const data = new Uint8Array(IVT_FRAME_DLC);
  data[0] = resultId;
  data[1] =
    checkInt(m, "messageCounter", msg.messageCounter, 0, 15) |
    bit(msg.overCurrent, 4) |
    bit(msg.channelError, 5) |
    bit(msg.measurementError, 6) |
    bit(msg.systemError, 7);
  data[2] = (value >>> 24) & 0xff;
  data[3] = (value >>> 16) & 0xff;
  data[4] = (value >>> 8) & 0xff;
  data[5] = value & 0xff;
  return { id: IVT_RESULT_BASE + resultId, data };
}

/** Rejects a frame whose byte 0 does not name the result its id stands for (reason `invalidValue`). */
export function decodeIvtResult(frame: CanFrame): IvtResult | FrameError {
  const id = frame.id;
  if (id < IVT_RESULT_BASE || id > IVT_RESULT_LAST || frame.extended === true) {
    const detail = `${hexId(id)} is not an IVT-S result id (${hexId(IVT_RESULT_BASE)}..${hexId(IVT_RESULT_LAST)})`;
    return frameError("unknownId", UNKNOWN_SOURCE, id, detail);
  }
  const d = frame.data;
  if (d.length !== IVT_FRAME_DLC) return wrongDlc(IVT_SOURCE, id, "IVT-S result", IVT_FRAME_DLC, d.length);
  const resultId = id - IVT_RESULT_BASE;
  if (d[0] !== resultId) {
    const detail = `IVT-S frame ${hexId(id)} carries result id ${d[0]} in byte 0, expected ${resultId}`;
    return frameError("invalidValue", IVT_SOURCE, id, detail);
  }
  const status = d[1];
  return {
    kind: "ivtResult",
    result: IVT_RESULT_NAMES[resultId],
    messageCounter: status & 0x0f,
    overCurrent: (status & 0x10) !== 0,
    channelError: (status & 0x20) !== 0,
    measurementError: (status & 0x40) !== 0,
    systemError: (status & 0x80) !== 0,
    value: (d[2] << 24) | (d[3] << 16) | (d[4] << 8) | d[5],
  };
}

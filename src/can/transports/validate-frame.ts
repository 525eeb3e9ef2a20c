import { CanTransportError } from "../transport.ts";
import type { OutgoingCanFrame } from "../frame.ts";

export const CAN_STANDARD_ID_MAX = 0x7ff;
export const CAN_EXTENDED_ID_MAX = 0x1fff_ffff;
export const CAN_CLASSIC_DATA_MAX = 8;

/**
 * Checks what every transport must refuse before a frame reaches a bus: an id outside 11 or 29 bits, data that
 * is not a byte array or longer than 8 bytes (classical CAN only). Throws `CanTransportError` naming the transport.
 */
export function assertValidFrame(frame: OutgoingCanFrame, transportName: string): void {
  const { id, extended, data } = frame;
  const idMax = extended === true ? CAN_EXTENDED_ID_MAX : CAN_STANDARD_ID_MAX;
  if (!Number.isInteger(id) || id < 0 || id > idMax) {
    const kind = extended === true ? "a 29-bit extended" : "an 11-bit standard";
    throw new CanTransportError(
      `${transportName}: CAN id ${describeId(id)} is out of range for ${kind} frame (0..0x${idMax.toString(16).toUpperCase()})`,
    );
  }
  if (!(data instanceof Uint8Array)) {
    throw new CanTransportError(
      `${transportName}: frame 0x${id.toString(16)} has no data bytes (expected a Uint8Array)`,
    );
  }
  if (data.length > CAN_CLASSIC_DATA_MAX) {
    throw new CanTransportError(
      `${transportName}: frame 0x${id.toString(16)} has ${data.length} data bytes; classical CAN carries 0..8`,
    );
  }
}

function describeId(id: unknown): string {
  return typeof id === "number" && Number.isInteger(id) && id >= 0 ? `0x${id.toString(16).toUpperCase()}` : String(id);
}

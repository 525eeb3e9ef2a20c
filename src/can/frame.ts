/**
 * One classical CAN frame as it travelled on a bus.
 *
 * `timestampMs` is the time the frame was seen: milliseconds since the Unix epoch on a real bus or in a
 * capture, simulated milliseconds on the virtual bus under a simulated scheduler. It may carry a fraction
 * (candump logs have microsecond resolution).
 */
export interface CanFrame {
  /** 11-bit identifier, or 29-bit when `extended`. */
  readonly id: number;
  readonly extended?: boolean;
  /** 0..8 payload bytes; the DLC is `data.length`. */
  readonly data: Uint8Array;
  readonly timestampMs: number;
}

/** A frame about to be sent: the transport stamps the time. */
export type OutgoingCanFrame = Omit<CanFrame, "timestampMs">;

export function formatCanId(id: number, extended = false): string {
  return id
    .toString(16)
    .toUpperCase()
    .padStart(extended ? 8 : 3, "0");
}

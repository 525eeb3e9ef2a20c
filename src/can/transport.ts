import type { CanFrame, OutgoingCanFrame } from "./frame.ts";

/**
 * The one port every CAN bus is reached through: SocketCAN, the in-process virtual bus and candump logs.
 * A transport never delivers a frame back to the endpoint that sent it (like a socket without loopback).
 */
export interface CanTransport {
  /** Human-readable name, e.g. `socketcan:can0`, `virtual:bcu`, `candump:week.log`. */
  readonly name: string;
  /** Queues one frame for the bus. Throws `CanTransportError` when the transport is closed or the frame is malformed. */
  send(frame: OutgoingCanFrame): void;
  /** Registers a listener for received frames; returns a function that removes it. */
  onFrame(listener: (frame: CanFrame) => void): () => void;
  /** Stops receiving and releases the bus. Idempotent. */
  close(): Promise<void>;
}

/** Thrown by transports for errors a caller can act on (bus down, closed, bad frame, bad log line). */
export class CanTransportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CanTransportError";
  }
}

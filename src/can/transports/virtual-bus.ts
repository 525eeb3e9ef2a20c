import type { CanFrame, OutgoingCanFrame } from "../frame.ts";
import { CanTransportError } from "../transport.ts";
import type { CanTransport } from "../transport.ts";
import type { Scheduler } from "../../time/scheduler.ts";
import { assertValidFrame } from "./validate-frame.ts";

export type CanFrameListener = (frame: CanFrame) => void;

/** Where a listener's error came from: the endpoint name (`virtual:bms`) or `tap`. */
export interface ListenerErrorContext {
  readonly listenerOf: string;
  readonly frame: CanFrame;
}

export type ListenerErrorHandler = (error: unknown, context: ListenerErrorContext) => void;

export interface VirtualCanBusOptions {
  /**
   * Receives what a listener (or tap) throws; delivery to the others goes on. Default: the errors are collected
   * and rethrown from the outermost `send()` once the whole queue is delivered (one error as is, several as an
   * `AggregateError`), which is what tests want to see.
   */
  readonly onListenerError?: ListenerErrorHandler;
}

/** Anything frames can be recorded from (the bus, or a test double of it). */
export interface TapSource {
  tap(listener: CanFrameListener): () => void;
}

/**
 * An in-process CAN bus: every endpoint receives every other endpoint's frames (never its own), in send order,
 * stamped with `scheduler.nowMs()` at send time.
 *
 * Delivery is synchronous but not reentrant: a frame sent from inside a listener is queued and delivered after the
 * current one, by the loop that is already draining the queue, so every endpoint sees the same order, as on a wire.
 * The frame's `data` is passed on as is, not copied: a sender must not change a buffer after sending it.
 */
export class VirtualCanBus implements TapSource {
  private endpoints: readonly VirtualCanEndpoint[] = [];
  private taps: readonly CanFrameListener[] = [];
  // FIFO of frames waiting for delivery; the arrays only grow, so a steady state allocates nothing per frame.
  private readonly queuedFrames: (CanFrame | undefined)[] = [];
  private readonly queuedSenders: (VirtualCanEndpoint | undefined)[] = [];
  private queueHead = 0;
  private queueTail = 0;
  private delivering = false;
  private collectedErrors: unknown[] = [];
  private readonly onListenerError: ListenerErrorHandler | undefined;
  private framesDeliveredCount = 0;
  private listenerErrorCount = 0;

  constructor(
    private readonly scheduler: Scheduler,
    options: VirtualCanBusOptions = {},
  ) {
    this.onListenerError = options.onListenerError;
  }

  /** Frames carried by the bus (each counted once, however many endpoints received it). */
  get framesDelivered(): number {
    return this.framesDeliveredCount;
  }

  /** Listener and tap calls that threw. */
  get listenerErrors(): number {
    return this.listenerErrorCount;
  }

  /** Names of the open endpoints, in the order they were opened. */
  get endpointNames(): string[] {
    return this.endpoints.map((endpoint) => endpoint.name);
  }

  /** Opens an endpoint named `virtual:NAME`. Throws `CanTransportError` when that name is already open. */
  endpoint(name: string): CanTransport {
    if (name.length === 0) throw new CanTransportError("virtual bus endpoint: expected a name, got an empty string");
    const endpoint = new VirtualCanEndpoint(
      `virtual:${name}`,
      (sender, frame) => this.transmit(sender, frame),
      (closing) => this.detach(closing),
    );
    if (this.endpoints.some((open) => open.name === endpoint.name)) {
      throw new CanTransportError(`${endpoint.name} is already open on this bus; close it first or pick another name`);
    }
    this.endpoints = [...this.endpoints, endpoint];
    return endpoint;
  }

  /** Sees every frame on the bus, once, whoever sent it (for recording). Returns a function that removes it. */
  tap(listener: CanFrameListener): () => void {
    this.taps = [...this.taps, listener];
    return () => {
      this.taps = this.taps.filter((tap) => tap !== listener);
    };
  }

  private detach(endpoint: VirtualCanEndpoint): void {
    this.endpoints = this.endpoints.filter((open) => open !== endpoint);
  }

  private transmit(sender: VirtualCanEndpoint, outgoing: OutgoingCanFrame): void {
    assertValidFrame(outgoing, sender.name);
    const frame: CanFrame = {
      id: outgoing.id,
      extended: outgoing.extended === true,
      data: outgoing.data,
      timestampMs: this.scheduler.nowMs(),
    };
    this.queuedFrames[this.queueTail] = frame;
    this.queuedSenders[this.queueTail] = sender;
    this.queueTail++;
    if (this.delivering) return; // the outer send() is draining: this frame goes after the current one
    this.drain();
  }

  private drain(): void {
    this.delivering = true;
    try {
      while (this.queueHead < this.queueTail) {
        const index = this.queueHead++;
        const frame = this.queuedFrames[index] as CanFrame;
        const sender = this.queuedSenders[index];
        this.queuedFrames[index] = undefined;
        this.queuedSenders[index] = undefined;
        this.deliver(frame, sender);
      }
      this.queueHead = 0;
      this.queueTail = 0;
    } finally {
      // Only an onListenerError hook that throws gets here early; the frames left are delivered on the next send.
      this.delivering = false;
    }
    if (this.collectedErrors.length > 0) {
      const errors = this.collectedErrors;
      this.collectedErrors = [];
      if (errors.length === 1) throw errors[0];
      throw new AggregateError(errors, `${errors.length} virtual CAN bus listeners threw while frames were delivered`);
    }
  }

  private deliver(frame: CanFrame, sender: VirtualCanEndpoint | undefined): void {
    this.framesDeliveredCount++;
    const taps = this.taps;
    for (let i = 0; i < taps.length; i++) {
      try {
        taps[i](frame);
      } catch (error) {
        this.listenerFailed(error, "tap", frame);
      }
    }
    const endpoints = this.endpoints;
    for (let e = 0; e < endpoints.length; e++) {
      const endpoint = endpoints[e];
      if (endpoint === sender || endpoint.isClosed) continue;
      const listeners = endpoint.listeners;
      for (let i = 0; i < listeners.length; i++) {
        try {
          listeners[i](frame);
        } catch (error) {
          this.listenerFailed(error, endpoint.name, frame);
        }
      }
    }
  }

  private listenerFailed(error: unknown, listenerOf: string, frame: CanFrame): void {
    this.listenerErrorCount++;
    if (this.onListenerError === undefined) this.collectedErrors.push(error);
    else this.onListenerError(error, { listenerOf, frame });
  }
}

/** One station on a `VirtualCanBus`. Listener lists are copied on change, so delivery never sees them mutate. */
class VirtualCanEndpoint implements CanTransport {
  listeners: readonly CanFrameListener[] = [];
  private closed = false;

  constructor(
    readonly name: string,
    private readonly transmit: (sender: VirtualCanEndpoint, frame: OutgoingCanFrame) => void,
    private readonly detach: (endpoint: VirtualCanEndpoint) => void,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  send(frame: OutgoingCanFrame): void {
    if (this.closed) throw new CanTransportError(`${this.name} is closed: open a new endpoint to send`);
    this.transmit(this, frame);
  }

  onFrame(listener: CanFrameListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((registered) => registered !== listener);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners = [];
    this.detach(this);
  }
}

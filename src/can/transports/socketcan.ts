import { access, readFile } from "node:fs/promises";
import type { CanFrame, OutgoingCanFrame } from "../frame.ts";
import { CanTransportError } from "../transport.ts";
import type { CanTransport } from "../transport.ts";
import { assertValidFrame } from "./validate-frame.ts";
import { describeErrorFrame } from "./socketcan-errors.ts";
import type { CanBusError } from "./socketcan-errors.ts";
import type { CanFrameListener } from "./virtual-bus.ts";

/** A message as the `socketcan` package (4.x) hands it over and takes it (see its src/can.d.ts). */
export interface SocketcanMessage {
  id: number;
  ext?: boolean;
  rtr?: boolean;
  err?: boolean;
  data: Buffer;
  ts_sec?: number;
  ts_usec?: number;
}

/** The part of the package's `RawChannel` this transport uses: the port a test can stand in for. */
export interface RawChannelPort {
  addListener(event: "onMessage", callback: (message: SocketcanMessage) => void): unknown;
  start(): unknown;
  stop(): unknown;
  /** Returns the bytes written, or a negative number when the kernel refused the frame. */
  send(message: SocketcanMessage): number;
}

interface SocketcanModule {
  createRawChannelWithOptions(
    iface: string,
    options: { timestamps?: boolean; non_block_send?: boolean },
  ): RawChannelPort;
}

/** Why a SocketCAN channel could not be opened. */
export type SocketCanOpenFailure = "module-missing" | "no-af-can" | "no-interface" | "open-failed";

/** Thrown by `SocketCanTransport.open`; `reason` tells a missing kernel feature from a missing interface. */
export class SocketCanOpenError extends CanTransportError {
  constructor(
    message: string,
    readonly reason: SocketCanOpenFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SocketCanOpenError";
  }
}

export interface SocketCanOptions {
  /** Receives what a frame listener throws; delivery goes on. Default: reported to the `onError` listeners. */
  readonly onListenerError?: (error: unknown, frame: CanFrame) => void;
}

const INTERFACE_NAME = /^[A-Za-z0-9_.:-]{1,15}$/;

/**
 * A real CAN interface (`can0`, `vcan0`) through the `socketcan` npm package, loaded on demand so the daemon runs
 * without it. Error frames (bus-off, no ACK, controller warnings) reach `onError` listeners as `CanBusError`s.
 * Sending does not block: a full transmit queue is a `CanTransportError` rather than a frozen event loop.
 */
export class SocketCanTransport implements CanTransport {
  readonly name: string;
  private listeners: readonly CanFrameListener[] = [];
  private errorListeners: readonly ((error: CanTransportError) => void)[] = [];
  private closed = false;
  private remoteFrames = 0;
  private errorFrames = 0;

  /** Opens `iface`. Throws `SocketCanOpenError` whose message says what to do (load a module, create the link). */
  static async open(iface: string, options: SocketCanOptions = {}): Promise<SocketCanTransport> {
    if (!INTERFACE_NAME.test(iface)) {
      throw new SocketCanOpenError(`"${iface}" is not a network interface name (such as can0 or vcan0)`, "open-failed");
    }
    let socketcan: SocketcanModule;
    try {
      const loaded = (await import("socketcan")) as unknown as SocketcanModule & { default?: SocketcanModule };
      socketcan = loaded.default ?? loaded;
    } catch (error) {
      throw new SocketCanOpenError(
        `cannot load the socketcan package (${(error as Error).message}): run npm install (it builds a native addon)`,
        "module-missing",
        { cause: error },
      );
    }
    let channel: RawChannelPort;
    try {
      channel = socketcan.createRawChannelWithOptions(iface, { timestamps: true, non_block_send: true });
    } catch (error) {
      throw await diagnoseOpenFailure(iface, error);
    }
    const transport = new SocketCanTransport(`socketcan:${iface}`, channel, options);
    channel.start();
    return transport;
  }

  /** Wraps an already created channel; `open()` is the usual way in. The channel is started by the caller. */
  constructor(
    name: string,
    private readonly channel: RawChannelPort,
    private readonly options: SocketCanOptions = {},
  ) {
    this.name = name;
    channel.addListener("onMessage", (message) => this.receive(message));
  }

  /** Remote requests received and not delivered (a `CanFrame` cannot express them). */
  get remoteFramesIgnored(): number {
    return this.remoteFrames;
  }

  /** Error frames received (each also reported to `onError`). */
  get errorFramesReceived(): number {
    return this.errorFrames;
  }

  send(frame: OutgoingCanFrame): void {
    if (this.closed) throw new CanTransportError(`${this.name} is closed: open it again to send`);
    assertValidFrame(frame, this.name);
    const written = this.channel.send(toSocketcanMessage(frame));
    if (written < 0) {
      throw new CanTransportError(
        `${this.name}: the kernel refused the frame 0x${frame.id.toString(16)} (transmit queue full, interface ` +
          `down or bus-off; see ip -details -statistics link show ${this.name.slice("socketcan:".length)})`,
      );
    }
  }

  onFrame(listener: CanFrameListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((registered) => registered !== listener);
    };
  }

  /** Bus errors (`CanBusError`: bus-off, no ACK, …) and listener failures. Returns a function that removes it. */
  onError(listener: (error: CanTransportError) => void): () => void {
    this.errorListeners = [...this.errorListeners, listener];
    return () => {
      this.errorListeners = this.errorListeners.filter((registered) => registered !== listener);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners = [];
    this.channel.stop();
  }

  // Called from the native addon: nothing may escape, an exception here is fatal to the process.
  private receive(message: SocketcanMessage): void {
    if (this.closed) return;
    if (message.err === true) {
      this.errorFrames++;
      this.reportError(describeErrorFrame(this.name, message.id, message.data));
      return;
    }
    if (message.rtr === true) {
      this.remoteFrames++;
      return;
    }
    const frame = fromSocketcanMessage(message);
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i](frame);
      } catch (error) {
        this.listenerFailed(error, frame);
      }
    }
  }

  private listenerFailed(error: unknown, frame: CanFrame): void {
    try {
      if (this.options.onListenerError !== undefined) this.options.onListenerError(error, frame);
      else this.reportError(new CanTransportError(`a frame listener of ${this.name} threw`, { cause: error }));
    } catch {
      // Already reporting an error; a failing handler must not kill the process from a native callback.
    }
  }

  private reportError(error: CanTransportError | CanBusError): void {
    const listeners = this.errorListeners;
    if (listeners.length === 0) {
      process.emitWarning(error);
      return;
    }
    for (const listener of listeners) {
      try {
        listener(error);
      } catch {
        // Same reason as above.
      }
    }
  }
}

/** A received message as a `CanFrame`; the kernel's receive time (µs) when timestamps are on, else now. */
export function fromSocketcanMessage(message: SocketcanMessage): CanFrame {
  const timestampMs = message.ts_sec !== undefined ? message.ts_sec * 1000 + (message.ts_usec ?? 0) / 1000 : Date.now();
  return { id: message.id, extended: message.ext === true, data: new Uint8Array(message.data), timestampMs };
}

export function toSocketcanMessage(frame: OutgoingCanFrame): SocketcanMessage {
  return { id: frame.id, ext: frame.extended === true, rtr: false, data: Buffer.from(frame.data) };
}

/**
 * The addon only says "Error while creating channel". Tell the cases apart from what the kernel shows once the
 * socket() call has been tried (which also autoloads the CAN modules where they exist).
 */
async function diagnoseOpenFailure(iface: string, cause: unknown): Promise<SocketCanOpenError> {
  if (!(await kernelHasAfCan())) {
    return new SocketCanOpenError(
      `cannot open ${iface}: this kernel has no AF_CAN (SocketCAN sockets cannot be opened here); load the ` +
        "modules (modprobe can_raw; modprobe vcan) or use a kernel built with CONFIG_CAN",
      "no-af-can",
      { cause },
    );
  }
  if (!(await exists(`/sys/class/net/${iface}`))) {
    return new SocketCanOpenError(
      `cannot open ${iface}: no such network interface; for a test bus: ip link add dev ${iface} type vcan && ` +
        `ip link set up ${iface}; for an adapter: ip link set ${iface} up type can bitrate 500000`,
      "no-interface",
      { cause },
    );
  }
  return new SocketCanOpenError(
    `cannot open ${iface}: is it a CAN interface, and up? (ip -details link show ${iface})`,
    "open-failed",
    { cause },
  );
}

async function kernelHasAfCan(): Promise<boolean> {
  if (await exists("/proc/net/can")) return true;
  try {
    return /^CAN_RAW\b/m.test(await readFile("/proc/net/protocols", "utf8"));
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

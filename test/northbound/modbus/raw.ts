import { connect, type Socket } from "node:net";

/** An ADU from a transaction id, unit id and PDU bytes. */
export function adu(transactionId: number, unitId: number, pdu: readonly number[]): Buffer {
  return Buffer.from([transactionId >> 8, transactionId & 0xff, 0, 0, 0, pdu.length + 1, unitId, ...pdu]);
}

/**
 * A raw TCP conversation: send bytes, collect what comes back until `expectedBytes` arrived or the server closed.
 * Resolves on either; there is no timing in it beyond the test runner's own timeout.
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiter?.();
    });
    socket.on("close", () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on("error", () => {});
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Waits for `count` bytes (or the close) and returns them. */
  async take(count: number): Promise<Buffer> {
    while (this.received.length < count && !this.closed) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = null;
    }
    const out = this.received.subarray(0, count);
    this.received = this.received.subarray(count);
    return out;
  }

  /** Sends one ADU and returns the response ADU. */
  async exchange(bytes: Buffer): Promise<Buffer> {
    this.send(bytes);
    const header = await this.take(6);
    if (header.length < 6) return header;
    return Buffer.concat([header, await this.take(header.readUInt16BE(4))]);
  }

  waitClosed(): Promise<void> {
    return this.closed ? Promise.resolve() : new Promise((resolve) => this.socket.once("close", () => resolve()));
  }

  close(): void {
    this.socket.destroy();
  }
}

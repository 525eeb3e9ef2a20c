import { connect, type Socket } from "node:net";
import { FC, MBAP_HEADER_BYTES, MEI_READ_DEVICE_ID, frameAdu, readMbapHeader } from "./protocol.ts";
import type { ModbusTable } from "./protocol.ts";

/** Thrown when the server answers with an exception response; `code` is the exception code (1..11). */
export class ModbusExceptionError extends Error {
  constructor(
    readonly functionCode: number,
    readonly code: number,
  ) {
    super(`Modbus exception ${code} (${exceptionName(code)}) to function ${functionCode}`);
    this.name = "ModbusExceptionError";
  }
}

/** Thrown when no answer came in time, or the connection closed before it came. */
export class ModbusClientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModbusClientError";
  }
}

export function exceptionName(code: number): string {
  const names: Record<number, string> = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "server device failure",
    11: "gateway target device failed to respond",
  };
  return names[code] ?? "unknown exception";
}

const READ_FC: Readonly<Record<ModbusTable, number>> = {
  coil: FC.readCoils,
  discreteInput: FC.readDiscreteInputs,
  holdingRegister: FC.readHoldingRegisters,
  inputRegister: FC.readInputRegisters,
};

interface Pending {
  resolve: (pdu: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A small Modbus TCP client: used by `bcu modbus read`, the tests and the benchmark. Several requests may be in
 * flight at once (pipelined); answers are matched by transaction id.
 */
export class ModbusTcpClient {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, Pending>();
  private nextTransactionId = 1;
  private closedError: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly timeout_ms: number,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", (error) => this.failAll(new ModbusClientError(`connection error: ${error.message}`)));
    socket.on("close", () => this.failAll(new ModbusClientError("connection closed by the server")));
  }

  static connect(host: string, port: number, options: { timeout_ms?: number } = {}): Promise<ModbusTcpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once("error", (error) =>
        reject(new ModbusClientError(`cannot connect to ${host}:${port}: ${error.message}`, { cause: error })),
      );
      socket.once("connect", () => {
        socket.removeAllListeners("error");
        resolve(new ModbusTcpClient(socket, options.timeout_ms ?? 2000));
      });
    });
  }

  /** Sends one PDU to `unitId`; resolves with the response PDU (an exception response rejects). */
  request(unitId: number, pdu: Buffer): Promise<Buffer> {
    if (this.closedError) return Promise.reject(this.closedError);
    const transactionId = this.nextTransactionId;
    this.nextTransactionId = (this.nextTransactionId + 1) & 0xffff;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transactionId);
        reject(new ModbusClientError(`no answer to transaction ${transactionId} within ${this.timeout_ms} ms`));
      }, this.timeout_ms);
      this.pending.set(transactionId, { resolve, reject, timer });
      this.socket.write(frameAdu(transactionId, unitId, pdu));
    });
  }

  /** Words of a register table or bits (0/1) of a bit table. */
  async read(table: ModbusTable, address: number, count: number, unitId = 1): Promise<number[]> {
    const pdu = Buffer.alloc(5);
    pdu[0] = READ_FC[table];
    pdu.writeUInt16BE(address, 1);
    pdu.writeUInt16BE(count, 3);
    const response = await this.request(unitId, pdu);
    if (table === "coil" || table === "discreteInput") {
      return Array.from({ length: count }, (_, i) => (response[2 + (i >> 3)] >> (i & 7)) & 1);
    }
    return Array.from({ length: count }, (_, i) => response.readUInt16BE(2 + 2 * i));
  }

  async writeCoil(address: number, on: boolean, unitId = 1): Promise<void> {
    await this.request(unitId, Buffer.from([FC.writeSingleCoil, address >> 8, address & 0xff, on ? 0xff : 0, 0]));
  }

  async writeRegister(address: number, value: number, unitId = 1): Promise<void> {
    const pdu = Buffer.alloc(5);
    pdu[0] = FC.writeSingleRegister;
    pdu.writeUInt16BE(address, 1);
    pdu.writeUInt16BE(value & 0xffff, 3);
    await this.request(unitId, pdu);
  }

  async writeRegisters(address: number, values: readonly number[], unitId = 1): Promise<void> {
    const pdu = Buffer.alloc(6 + 2 * values.length);
    pdu[0] = FC.writeMultipleRegisters;
    pdu.writeUInt16BE(address, 1);
    pdu.writeUInt16BE(values.length, 3);
    pdu[5] = 2 * values.length;
    values.forEach((value, i) => pdu.writeUInt16BE(value & 0xffff, 6 + 2 * i));
    await this.request(unitId, pdu);
  }

  async writeCoils(address: number, values: readonly boolean[], unitId = 1): Promise<void> {
    const bytes = Math.ceil(values.length / 8);
    const pdu = Buffer.alloc(6 + bytes);
    pdu[0] = FC.writeMultipleCoils;
    pdu.writeUInt16BE(address, 1);
    pdu.writeUInt16BE(values.length, 3);
    pdu[5] = bytes;
    values.forEach((on, i) => {
      if (on) pdu[6 + (i >> 3)] |= 1 << (i & 7);
    });
    await this.request(unitId, pdu);
  }

  /** Read Device Identification (43/14), basic stream: object id → text. */
  async readDeviceIdentification(unitId = 1, code = 1): Promise<Map<number, string>> {
    const objects = new Map<number, string>();
    let objectId = 0;
    for (;;) {
      const response = await this.request(
        unitId,
        Buffer.from([FC.encapsulatedInterface, MEI_READ_DEVICE_ID, code, objectId]),
      );
      const moreFollows = response[4];
      const nextObjectId = response[5];
      let offset = 7;
      for (let i = 0; i < response[6]; i++) {
        const id = response[offset];
        const length = response[offset + 1];
        objects.set(id, response.toString("latin1", offset + 2, offset + 2 + length));
        offset += 2 + length;
      }
      if (moreFollows !== 0xff) return objects;
      objectId = nextObjectId;
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once("close", () => resolve());
      this.socket.end();
      this.socket.destroySoon();
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= MBAP_HEADER_BYTES) {
      const header = readMbapHeader(this.buffer);
      const end = 6 + header.length;
      if (this.buffer.length < end) return;
      const pdu = this.buffer.subarray(MBAP_HEADER_BYTES, end);
      this.buffer = this.buffer.subarray(end);
      const pending = this.pending.get(header.transactionId);
      if (!pending) continue;
      this.pending.delete(header.transactionId);
      clearTimeout(pending.timer);
      if (pdu[0] & 0x80) pending.reject(new ModbusExceptionError(pdu[0] & 0x7f, pdu[1]));
      else pending.resolve(Buffer.from(pdu));
    }
  }

  private failAll(error: Error): void {
    this.closedError ??= error;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(id);
    }
  }
}

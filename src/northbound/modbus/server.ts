import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "../../daemon/log.ts";
import { EXCEPTION, MAX_MBAP_LENGTH, MBAP_HEADER_BYTES, exceptionPdu, frameAdu } from "./protocol.ts";
import type { ModbusRequestHandler } from "./request-handler.ts";

export type WrongUnitIdResponse = "ignore" | "exception0B";

export interface ModbusTcpServerOptions {
  readonly host: string;
  /** 0 = an ephemeral port (tests). */
  readonly port: number;
  readonly unitIds: readonly number[];
  readonly wrongUnitIdResponse: WrongUnitIdResponse;
  readonly maxConnections: number;
  readonly idleTimeout_ms: number;
  readonly handler: ModbusRequestHandler;
  readonly log: Logger;
}

/**
 * Requests answered per turn of the event loop on one connection before the others get theirs: a client that
 * pipelines thousands of requests in one burst cannot stall the rest.
 */
const REQUESTS_PER_TURN = 64;
/** More unparsed input than this on one connection is not Modbus (an ADU is at most 260 bytes). */
const MAX_PENDING_INPUT_BYTES = 64 * 1024;

/**
 * Modbus TCP server: MBAP framing, unit ids, connection limits; the PDUs go to the request handler. Requests of
 * one connection are answered strictly in order. A wrong protocol id or an impossible length closes the
 * connection (the stream cannot be resynchronised); a client that stops reading is paused, not buffered for.
 */
export class ModbusTcpServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private unitIds: ReadonlySet<number>;

  constructor(private readonly options: ModbusTcpServerOptions) {
    this.unitIds = new Set(options.unitIds);
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  setUnitIds(unitIds: readonly number[]): void {
    this.unitIds = new Set(unitIds);
  }

  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number> {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off("error", reject);
        server.on("error", (error) => this.options.log.error("Modbus server error", { error }));
        const address = server.address();
        resolve(typeof address === "object" && address ? address.port : this.options.port);
      });
    });
  }

  /** Stops accepting and closes every connection. */
  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const { log, maxConnections, idleTimeout_ms } = this.options;
    const client = socket.remoteAddress ?? "unknown";
    if (this.sockets.size >= maxConnections) {
      log.warn("Modbus connection refused: connection limit reached", { client, maxConnections });
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(idleTimeout_ms, () => {
      log.info("Modbus connection idle, closed", { client, idleTimeout_ms });
      socket.destroy();
    });
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    new Connection(socket, normalizeAddress(client), this).start();
    log.debug("Modbus client connected", { client, connections: this.sockets.size });
  }

  /** One ADU's answer, or null for none. Exposed to connections only. */
  answer(transactionId: number, unitId: number, pdu: Buffer, client: string): Buffer | null {
    if (!this.unitIds.has(unitId)) {
      if (this.options.wrongUnitIdResponse === "ignore") return null;
      return frameAdu(transactionId, unitId, exceptionPdu(pdu[0], EXCEPTION.gatewayTargetFailedToRespond));
    }
    return frameAdu(transactionId, unitId, this.options.handler.handle(pdu, client));
  }

  protocolViolation(client: string, reason: string): void {
    this.options.log.warn("Modbus connection closed: not Modbus TCP", { client, reason });
  }
}

/** IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d; the allow-list and the logs use a.b.c.d. */
export function normalizeAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

class Connection {
  private input: Buffer = Buffer.alloc(0);
  private scheduled = false;
  private waitingForDrain = false;

  constructor(
    private readonly socket: Socket,
    private readonly client: string,
    private readonly server: ModbusTcpServer,
  ) {}

  start(): void {
    this.socket.on("data", (chunk: Buffer) => {
      this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
      if (this.input.length > MAX_PENDING_INPUT_BYTES) {
        this.server.protocolViolation(this.client, "too much unanswered input");
        this.socket.destroy();
        return;
      }
      this.process();
    });
    this.socket.on("drain", () => {
      this.waitingForDrain = false;
      this.socket.resume();
      this.process();
    });
  }

  private process(): void {
    if (this.waitingForDrain || this.socket.destroyed) return;
    const answers: Buffer[] = [];
    let handled = 0;
    let offset = 0;
    const input = this.input;
    while (input.length - offset >= MBAP_HEADER_BYTES) {
      const protocolId = input.readUInt16BE(offset + 2);
      const length = input.readUInt16BE(offset + 4);
      if (protocolId !== 0 || length < 2 || length > MAX_MBAP_LENGTH) {
        this.server.protocolViolation(this.client, protocolId !== 0 ? `protocol id ${protocolId}` : `length ${length}`);
        this.socket.destroy();
        return;
      }
      const end = offset + 6 + length;
      if (input.length < end) break;
      if (handled === REQUESTS_PER_TURN) {
        this.later();
        break;
      }
      const transactionId = input.readUInt16BE(offset);
      const unitId = input[offset + 6];
      const answer = this.server.answer(
        transactionId,
        unitId,
        input.subarray(offset + MBAP_HEADER_BYTES, end),
        this.client,
      );
      if (answer) answers.push(answer);
      handled++;
      offset = end;
    }
    this.input = offset === input.length ? Buffer.alloc(0) : input.subarray(offset);
    if (answers.length === 0) return;
    const flushed = this.socket.write(answers.length === 1 ? answers[0] : Buffer.concat(answers));
    if (!flushed) {
      // The client does not read its answers: stop reading its requests until it does.
      this.waitingForDrain = true;
      this.socket.pause();
    }
  }

  private later(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.socket.pause();
    setImmediate(() => {
      this.scheduled = false;
      if (this.socket.destroyed) return;
      if (!this.waitingForDrain) this.socket.resume();
      this.process();
    });
  }
}

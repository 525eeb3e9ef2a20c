import { connect, createServer, type Server, type Socket } from "node:net";
import { mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "./log.ts";

/**
 * The daemon's control socket: a Unix stream socket speaking newline-delimited JSON, one request per line
 * `{"id":1,"method":"status","params":{}}`, one answer per line `{"id":1,"result":...}` or
 * `{"id":1,"error":{"message":"..."}}`. `bcu status` and `bcu reload` use it. Access is the socket file's
 * permissions (0660 under systemd, owned by the service user).
 */
export type ControlHandler = (params: Record<string, unknown>) => unknown | Promise<unknown>;

/** A line longer than this is not a request: the connection is closed. */
const MAX_REQUEST_BYTES = 64 * 1024;

export class ControlServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly path: string,
    private readonly handlers: Readonly<Record<string, ControlHandler>>,
    private readonly log: Logger,
  ) {}

  async listen(): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true });
    // A socket file left by a daemon that died is in the way; a live daemon answers on it, so probe first.
    if (existsSync(this.path)) {
      if (await isAlive(this.path)) throw new Error(`another bcu daemon is listening on ${this.path}`);
      rmSync(this.path, { force: true });
    }
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.path, () => {
        server.off("error", reject);
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_REQUEST_BYTES) {
        socket.end(JSON.stringify({ id: null, error: { message: "request too long" } }) + "\n");
        return;
      }
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) void this.answer(socket, line);
      }
    });
  }

  private async answer(socket: Socket, line: string): Promise<void> {
    let id: unknown = null;
    let reply: unknown;
    try {
      const request = JSON.parse(line) as { id?: unknown; method?: unknown; params?: unknown };
      id = request.id ?? null;
      const handler = typeof request.method === "string" ? this.handlers[request.method] : undefined;
      if (!handler) {
        reply = { id, error: { message: `unknown method ${JSON.stringify(request.method)}` } };
      } else {
        const params =
          request.params && typeof request.params === "object" ? (request.params as Record<string, unknown>) : {};
        reply = { id, result: await handler(params) };
      }
    } catch (error) {
      reply = { id, error: { message: error instanceof Error ? error.message : String(error) } };
      this.log.debug("control request failed", { error });
    }
    if (!socket.destroyed) socket.write(JSON.stringify(reply) + "\n");
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}

function isAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

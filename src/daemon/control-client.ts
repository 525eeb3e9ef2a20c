import { connect } from "node:net";

/** Thrown when the daemon cannot be reached or answers with an error. */
export class ControlError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ControlError";
  }
}

/** Sends one request to the daemon's control socket and returns its result. */
export function callDaemon(
  socketPath: string,
  method: string,
  params: Record<string, unknown> = {},
  timeoutMs = 5000,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ControlError(`the daemon did not answer on ${socketPath} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(JSON.stringify({ id: 1, method, params }) + "\n"));
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      socket.end();
      try {
        const reply = JSON.parse(buffer.slice(0, newline)) as { result?: unknown; error?: { message?: string } };
        if (reply.error) reject(new ControlError(`the daemon refused: ${reply.error.message ?? "unknown error"}`));
        else resolve(reply.result);
      } catch (error) {
        reject(new ControlError("the daemon's answer is not JSON", { cause: error }));
      }
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint =
        error.code === "ENOENT" || error.code === "ECONNREFUSED"
          ? ` — is the daemon running? (no control socket at ${socketPath}; start it with 'bcu run', or pass --socket)`
          : "";
      reject(new ControlError(`cannot reach the daemon: ${error.message}${hint}`, { cause: error }));
    });
  });
}

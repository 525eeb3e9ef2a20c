import { closeSync, createWriteStream, openSync, readSync } from "node:fs";
import type { WriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import type { CanFrame } from "../frame.ts";
import { CanTransportError } from "../transport.ts";
import type { TapSource } from "./virtual-bus.ts";
import { formatCandumpLine, isBlankLine, parseCandumpLine } from "./candump-format.ts";
import type { CandumpRecord } from "./candump-format.ts";

const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Reads a candump log synchronously, line by line (64 KiB at a time, never the whole file), for tests and tools.
 * Blank lines are skipped; a bad line throws `CandumpParseError` with its 1-based line number.
 */
export function* readCandumpFile(path: string): Generator<CandumpRecord, void, undefined> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new CanTransportError(`cannot read candump log ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    const decoder = new StringDecoder("utf8");
    let pending = "";
    let lineNumber = 0;
    while (true) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      const text = pending + (bytesRead > 0 ? decoder.write(buffer.subarray(0, bytesRead)) : decoder.end());
      let start = 0;
      let newline: number;
      while ((newline = text.indexOf("\n", start)) >= 0) {
        const line = text.slice(start, newline);
        start = newline + 1;
        lineNumber++;
        if (!isBlankLine(line)) yield parseCandumpLine(line, lineNumber);
      }
      pending = text.slice(start);
      if (bytesRead === 0) {
        if (!isBlankLine(pending)) yield parseCandumpLine(pending, lineNumber + 1);
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
}

export interface CandumpLogWriterOptions {
  /** Start a new file instead of appending to an existing one. Default false (append). */
  readonly truncate?: boolean;
}

/**
 * Appends frames to a candump log through a write stream. Write errors (disk full, no permission) are kept and
 * thrown by the next `write()` and by `close()`.
 */
export class CandumpLogWriter {
  private readonly stream: WriteStream;
  private failure: CanTransportError | undefined;
  private closed = false;
  private written = 0;

  constructor(
    readonly path: string,
    options: CandumpLogWriterOptions = {},
  ) {
    this.stream = createWriteStream(path, { flags: options.truncate === true ? "w" : "a" });
    this.stream.on("error", (error) => {
      this.failure ??= new CanTransportError(`cannot write candump log ${path}: ${error.message}`, { cause: error });
    });
  }

  /** Frames accepted by `write()`. */
  get framesWritten(): number {
    return this.written;
  }

  write(frame: CanFrame, iface: string, remoteDlc?: number): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw new CanTransportError(`candump log ${this.path} is closed: open a new writer to record`);
    this.stream.write(`${formatCandumpLine(frame, iface, remoteDlc)}\n`);
    this.written++;
  }

  /** Records every frame of a bus (`VirtualCanBus.tap`) as interface `iface`. Returns a function that stops it. */
  recordBus(source: TapSource, iface: string): () => void {
    return source.tap((frame) => this.write(frame, iface));
  }

  /** Flushes and closes the file. Idempotent; throws the write error, if there was one. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.stream.end();
      try {
        await finished(this.stream);
      } catch {
        // The error handler above has kept it.
      }
    }
    if (this.failure !== undefined) throw this.failure;
  }
}

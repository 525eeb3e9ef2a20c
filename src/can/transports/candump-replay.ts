import { createReadStream } from "node:fs";
import type { ReadStream } from "node:fs";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { CanFrame } from "../frame.ts";
import { CanTransportError } from "../transport.ts";
import type { CanTransport } from "../transport.ts";
import type { Cancel, Scheduler } from "../../time/scheduler.ts";
import { CandumpParseError, isBlankLine, parseCandumpLine } from "./candump-format.ts";
import type { CanFrameListener } from "./virtual-bus.ts";

export type ReplaySpeed = "recorded" | "fast";

export interface CandumpReplayStart {
  /** `recorded`: frames keep their recorded spacing; `fast`: as fast as the listeners take them. */
  readonly speed: ReplaySpeed;
  /** Paces `recorded` speed. Default: wall-clock timers. A `SimScheduler` makes the replay follow simulated time. */
  readonly scheduler?: Pick<Scheduler, "nowMs" | "at">;
  /**
   * `recorded` (default): a frame keeps the timestamp of the capture. `scheduler`: a frame is stamped with the
   * scheduler's time when it is emitted, as a receiver would see frames that `canplayer` plays onto a live bus.
   */
  readonly timestamps?: "recorded" | "scheduler";
}

export interface CandumpReplayOptions {
  /** Only frames of this interface (e.g. `can1` in a two-bus capture); default: every interface. */
  readonly iface?: string;
  /** Skip (and count) malformed lines instead of stopping the replay with a `CandumpParseError`. Default false. */
  readonly skipBadLines?: boolean;
  /** Receives what a listener throws, and the replay goes on. Default: the replay stops and `finished` rejects. */
  readonly onListenerError?: (error: unknown, frame: CanFrame) => void;
  /** Start the replay when the first listener subscribes, so none of the first frames is lost. */
  readonly startOnFirstListener?: CandumpReplayStart;
}

export interface CandumpReplaySummary {
  readonly linesRead: number;
  readonly framesEmitted: number;
  /** Remote requests: a `CanFrame` cannot express them, so they are not emitted. */
  readonly remoteFramesSkipped: number;
  readonly otherInterfaceFramesSkipped: number;
  readonly badLinesSkipped: number;
  /** True when `close()` ended the replay before the end of the file. */
  readonly stoppedEarly: boolean;
}

/** In `fast` speed, let timers and I/O run after this many lines. */
const LINES_PER_YIELD = 4096;
/** In `recorded` speed on wall time, frames due within this much are emitted without a timer of their own. */
const WALL_PACING_SLACK_MS = 2;

const wallClock: Pick<Scheduler, "nowMs" | "at"> = {
  nowMs: () => Date.now(),
  at: (timeMs, task) => {
    const timer = setTimeout(task, Math.max(0, timeMs - Date.now()));
    return () => clearTimeout(timer);
  },
};

/**
 * Replays a candump log as a read-only `CanTransport`. The file is streamed line by line, so a week-long capture
 * never sits in memory. `finished` resolves with a summary at the end of the file (or on `close()`), and rejects
 * on a bad line, an unreadable file, or (by default) a listener that throws.
 */
export class CandumpLogTransport implements CanTransport {
  readonly name: string;
  /** Settles when the replay is over. Never an unhandled rejection: await it to see the error. */
  readonly finished: Promise<CandumpReplaySummary>;
  private resolveFinished!: (summary: CandumpReplaySummary) => void;
  private rejectFinished!: (error: unknown) => void;
  private listeners: readonly CanFrameListener[] = [];
  private started = false;
  private closed = false;
  private stream: ReadStream | undefined;
  private wake: (() => void) | undefined;
  private cancelSleep: Cancel | undefined;
  private counts = { linesRead: 0, framesEmitted: 0, remote: 0, otherInterface: 0, badLines: 0 };
  private listenerFailure: { error: unknown } | undefined;

  constructor(
    readonly path: string,
    private readonly options: CandumpReplayOptions = {},
  ) {
    this.name = `candump:${path}`;
    this.finished = new Promise((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
    this.finished.catch(() => {});
  }

  send(): void {
    throw new CanTransportError(`${this.name} is read-only: a candump log replay cannot send frames`);
  }

  onFrame(listener: CanFrameListener): () => void {
    this.listeners = [...this.listeners, listener];
    const autoStart = this.options.startOnFirstListener;
    if (autoStart !== undefined && !this.started && !this.closed) this.start(autoStart);
    return () => {
      this.listeners = this.listeners.filter((registered) => registered !== listener);
    };
  }

  /** Starts the replay. Throws `CanTransportError` when started twice or after `close()`. */
  start(start: CandumpReplayStart): void {
    if (this.started) throw new CanTransportError(`${this.name}: the replay was already started`);
    if (this.closed) throw new CanTransportError(`${this.name} is closed`);
    this.started = true;
    this.replay(start).then(this.resolveFinished, this.rejectFinished);
  }

  /** Stops the replay (`finished` then resolves with `stoppedEarly`). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners = [];
    this.cancelSleep?.();
    this.wake?.();
    this.stream?.destroy();
    if (!this.started) this.resolveFinished(this.summary());
    await this.finished.catch(() => {});
  }

  private async replay(start: CandumpReplayStart): Promise<CandumpReplaySummary> {
    const clock = start.scheduler ?? wallClock;
    const slackMs = start.scheduler === undefined ? WALL_PACING_SLACK_MS : 0;
    const restamp = start.timestamps === "scheduler";
    const recordedSpeed = start.speed === "recorded";
    const stream = createReadStream(this.path, { encoding: "utf8", highWaterMark: 64 * 1024 });
    this.stream = stream;
    let pending = "";
    let firstRecordedMs: number | undefined;
    let startedAtMs = 0;
    let linesSinceYield = 0;

    // Awaits only when it must (pacing, or yielding in fast speed): most lines cost no promise.
    const replayText = async (text: string, isLastLine: boolean): Promise<string> => {
      let begin = 0;
      while (!this.closed) {
        let newline = text.indexOf("\n", begin);
        if (newline < 0) {
          if (!isLastLine || begin >= text.length) break;
          newline = text.length;
        }
        const line = text.slice(begin, newline);
        begin = newline + 1;
        let frame = this.frameOf(line);
        if (frame === undefined) continue;
        if (recordedSpeed) {
          if (firstRecordedMs === undefined) {
            firstRecordedMs = frame.timestampMs;
            startedAtMs = clock.nowMs();
          }
          const dueMs = startedAtMs + (frame.timestampMs - firstRecordedMs);
          if (dueMs > clock.nowMs() + slackMs) await this.sleepUntil(clock, dueMs);
        } else if (++linesSinceYield >= LINES_PER_YIELD) {
          linesSinceYield = 0;
          await yieldToEventLoop();
        }
        if (this.closed) break;
        if (restamp) frame = { ...frame, timestampMs: clock.nowMs() };
        this.emit(frame);
      }
      return begin >= text.length ? "" : text.slice(begin);
    };

    try {
      for await (const chunk of stream as AsyncIterable<string>) {
        pending = await replayText(pending + chunk, false);
        if (this.closed) break;
      }
      if (!this.closed && pending.length > 0) await replayText(pending, true);
    } catch (error) {
      if (this.listenerFailure !== undefined) throw this.listenerFailure.error;
      if (error instanceof CanTransportError) throw error;
      if (this.closed) return this.summary();
      throw new CanTransportError(`cannot read candump log ${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      stream.destroy();
    }
    if (this.listenerFailure !== undefined) throw this.listenerFailure.error;
    return this.summary();
  }

  /** Parses one line; undefined for a line that emits nothing (blank, skipped, filtered, remote request). */
  private frameOf(line: string): CanFrame | undefined {
    const lineNumber = ++this.counts.linesRead;
    if (isBlankLine(line)) return undefined;
    let record;
    try {
      record = parseCandumpLine(line, lineNumber);
    } catch (error) {
      if (this.options.skipBadLines === true && error instanceof CandumpParseError) {
        this.counts.badLines++;
        return undefined;
      }
      throw error;
    }
    if (this.options.iface !== undefined && record.iface !== this.options.iface) {
      this.counts.otherInterface++;
      return undefined;
    }
    if (record.remoteDlc !== undefined) {
      this.counts.remote++;
      return undefined;
    }
    return record.frame;
  }

  private sleepUntil(clock: Pick<Scheduler, "at">, dueMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.cancelSleep = clock.at(dueMs, resolve);
    }).then(() => {
      this.wake = undefined;
      this.cancelSleep = undefined;
    });
  }

  private emit(frame: CanFrame): void {
    this.counts.framesEmitted++;
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i](frame);
      } catch (error) {
        if (this.options.onListenerError !== undefined) {
          this.options.onListenerError(error, frame);
        } else {
          // Stop the replay; `finished` rejects with the listener's own error.
          this.listenerFailure ??= { error };
          this.closed = true;
          this.listeners = [];
          return;
        }
      }
    }
  }

  private summary(): CandumpReplaySummary {
    return {
      linesRead: this.counts.linesRead,
      framesEmitted: this.counts.framesEmitted,
      remoteFramesSkipped: this.counts.remote,
      otherInterfaceFramesSkipped: this.counts.otherInterface,
      badLinesSkipped: this.counts.badLines,
      stoppedEarly: this.closed,
    };
  }
}

import type { CanFrame } from "../can/frame.ts";
import { SimScheduler } from "../time/sim-scheduler.ts";
import { pointCatalog } from "../points/catalog.ts";
import type { PointDefinition } from "../points/point.ts";
import { BcuPipeline, type PipelineConfig, type PipelineStatus } from "./pipeline.ts";
import { timelineHeader, timelineRow } from "./timeline.ts";
import type { Logger } from "./log.ts";

export interface ReplayOptions {
  readonly config: PipelineConfig;
  readonly frames: Iterable<CanFrame> | AsyncIterable<CanFrame>;
  readonly log: Logger;
  /** Timeline row interval in ms (default 1000). */
  readonly interval_ms?: number;
  /** `fast` (default): as fast as the CPU allows; `recorded`: paced like the capture. */
  readonly speed?: "fast" | "recorded";
  /** Receives the CSV lines (header first), without newline. */
  readonly writeLine?: (line: string) => void;
  readonly points?: readonly PointDefinition[];
}

export interface ReplaySummary {
  readonly frames: number;
  readonly rows: number;
  readonly firstFrameMs: number | null;
  readonly lastFrameMs: number | null;
  readonly pipeline: PipelineStatus;
}

/**
 * Feeds a capture through the same pipeline the daemon runs, on simulated time that follows the frames'
 * timestamps: before each frame, every cycle due up to its time runs. So the BCU concludes from the capture what
 * it would have concluded live.
 */
export async function replayFrames(options: ReplayOptions): Promise<ReplaySummary> {
  const interval = options.interval_ms ?? 1000;
  if (!(interval > 0)) throw new RangeError(`replay interval must be > 0 ms, got ${interval}`);
  const points = options.points ?? pointCatalog;
  const write = options.writeLine;
  let scheduler: SimScheduler | null = null;
  let pipeline: BcuPipeline | null = null;
  let frames = 0;
  let rows = 0;
  let firstFrameMs: number | null = null;
  let lastFrameMs: number | null = null;
  let wallStartMs = 0;
  write?.(timelineHeader(points));

  for await (const frame of options.frames) {
    if (scheduler === null || pipeline === null) {
      firstFrameMs = frame.timestampMs;
      scheduler = new SimScheduler(frame.timestampMs);
      pipeline = new BcuPipeline({ config: options.config, scheduler, log: options.log, transport: null });
      pipeline.start();
      if (write) {
        // A row from the first cycle at or after each whole multiple of the interval.
        let nextRowMs = Math.ceil(frame.timestampMs / interval) * interval;
        pipeline.onSnapshot("timeline", (snapshot) => {
          if (snapshot.timeMs < nextRowMs) return;
          write(timelineRow(snapshot, points));
          rows++;
          nextRowMs = (Math.floor(snapshot.timeMs / interval) + 1) * interval;
        });
      }
      wallStartMs = Date.now();
    }
    if (frame.timestampMs > scheduler.nowMs()) scheduler.runUntil(frame.timestampMs);
    pipeline.receive(frame);
    frames++;
    lastFrameMs = frame.timestampMs;
    if (options.speed === "recorded" && firstFrameMs !== null) {
      const aheadMs = frame.timestampMs - firstFrameMs - (Date.now() - wallStartMs);
      if (aheadMs > 5) await new Promise((resolve) => setTimeout(resolve, aheadMs));
    }
  }
  pipeline?.stop();
  return {
    frames,
    rows,
    firstFrameMs,
    lastFrameMs,
    pipeline: pipeline?.status() ?? {
      cycles: 0,
      framesReceived: 0,
      frameSources: {},
      listenerErrors: 0,
      framesSent: 0,
      sendErrors: 0,
    },
  };
}

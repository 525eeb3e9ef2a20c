/**
 * The daemon's receive-side decoder: `decodeRackFrame` plus alive-counter continuity and per-source counters.
 *
 * Continuity (DESIGN.md, "CAN: reference protocols"): BMU_Status byte 0 and the contactor feedback byte 1 count
 * +1 mod 256 per frame, each IVT-S result's message counter +1 mod 16 per result id. The first frame of a stream,
 * and a frame after more than `resyncGap_ms` of silence (or with an earlier timestamp, e.g. a replayed log), only
 * re-syncs. A jump is a diagnostic: it is counted as `aliveCounterJump`, and the message is still returned
 * because its values are fine.
 */
import type { CanFrame } from "./frame.ts";
import type { FrameError, FrameErrorReason, RackMessage } from "./codecs/messages.ts";
import { BMU_NODE_MAX } from "./codecs/messages.ts";
import { decodeRackFrame } from "./codecs/rack.ts";
import {
  bmuSource,
  CONTACTOR_UNIT_SOURCE,
  frameError,
  IMD_SOURCE,
  IVT_SOURCE,
  UNKNOWN_SOURCE,
} from "./codecs/frame-error.ts";
import { IVT_RESULT_BASE, IVT_RESULT_NAMES } from "./codecs/ivt.ts";

export const ALIVE_RESYNC_GAP_MS_DEFAULT = 5000;

/** Counters of one source (`bmu1`..`bmu32`, `ivt`, `contactorUnit`, `imd`, `unknown`). */
export interface SourceCounters {
  /** Every frame attributed to the source, accepted or not. */
  readonly frames: number;
  /** Per reason; an alive-counter jump is counted here although its message was returned. */
  readonly errors: Partial<Record<FrameErrorReason, number>>;
  /** Detail of the latest error. */
  readonly lastError?: string;
}

export interface RackFrameDecoderOptions {
  /** Silence after which an alive counter re-syncs instead of being checked. Default 5000 ms. */
  readonly resyncGap_ms?: number;
}

interface MutableCounters {
  frames: number;
  errors: Partial<Record<FrameErrorReason, number>>;
  lastError?: string;
}

const NO_COUNTER = -1;
const IVT_RESULTS = IVT_RESULT_NAMES.length;

export class RackFrameDecoder {
  private readonly resyncGapMs: number;
  private readonly bySource = new Map<string, MutableCounters>();
  /** Last alive counter and its time per stream, NO_COUNTER before the first frame. Index = BMU node. */
  private readonly bmuAlive = new Int16Array(BMU_NODE_MAX + 1);
  private readonly bmuAliveTimeMs = new Float64Array(BMU_NODE_MAX + 1);
  /** Index = IVT result id. */
  private readonly ivtCounter = new Int16Array(IVT_RESULTS);
  private readonly ivtCounterTimeMs = new Float64Array(IVT_RESULTS);
  private contactorAlive = NO_COUNTER;
  private contactorAliveTimeMs = 0;

  constructor(options: RackFrameDecoderOptions = {}) {
    const gap = options.resyncGap_ms ?? ALIVE_RESYNC_GAP_MS_DEFAULT;
    if (!Number.isFinite(gap) || gap < 0) {
      throw new RangeError(`RackFrameDecoder resyncGap_ms must be a finite number >= 0, got ${String(gap)}`);
    }
    this.resyncGapMs = gap;
    this.reset();
  }

  /** Decodes one frame, checks its alive counter and counts it. Never throws. */
  decode(frame: CanFrame): RackMessage | FrameError {
    let result: RackMessage | FrameError;
    try {
      result = decodeRackFrame(frame);
    } catch (error) {
      // Only a frame that is not a CanFrame at all gets here (e.g. `data` missing), from a buggy transport.
      const id = typeof frame?.id === "number" ? frame.id : -1;
      result = frameError("invalidValue", UNKNOWN_SOURCE, id, `malformed frame object: ${String(error)}`);
    }
    if (result.kind === "frameError") {
      this.countError(this.countFrame(result.source), result.reason, result.detail);
      return result;
    }
    const now = frame.timestampMs;
    switch (result.kind) {
      case "bmuStatus": {
        const counters = this.countFrame(bmuSource(result.node));
        const n = result.node;
        const last = this.bmuAlive[n];
        if (this.isJump(last, this.bmuAliveTimeMs[n], now, result.aliveCounter, 256)) {
          const detail = `BMU ${n} alive counter jumped from ${last} to ${result.aliveCounter}`;
          this.countError(counters, "aliveCounterJump", detail);
        }
        this.bmuAlive[n] = result.aliveCounter;
        this.bmuAliveTimeMs[n] = now;
        break;
      }
      case "contactorFeedback": {
        const counters = this.countFrame(CONTACTOR_UNIT_SOURCE);
        const last = this.contactorAlive;
        if (this.isJump(last, this.contactorAliveTimeMs, now, result.aliveCounter, 256)) {
          const detail = `contactor unit alive counter jumped from ${last} to ${result.aliveCounter}`;
          this.countError(counters, "aliveCounterJump", detail);
        }
        this.contactorAlive = result.aliveCounter;
        this.contactorAliveTimeMs = now;
        break;
      }
      case "ivtResult": {
        const counters = this.countFrame(IVT_SOURCE);
        const r = frame.id - IVT_RESULT_BASE;
        const last = this.ivtCounter[r];
        if (this.isJump(last, this.ivtCounterTimeMs[r], now, result.messageCounter, 16)) {
          const detail = `IVT-S ${result.result} message counter jumped from ${last} to ${result.messageCounter}`;
          this.countError(counters, "aliveCounterJump", detail);
        }
        this.ivtCounter[r] = result.messageCounter;
        this.ivtCounterTimeMs[r] = now;
        break;
      }
      case "contactorCommand":
        this.countFrame(CONTACTOR_UNIT_SOURCE);
        break;
      case "imdRequest":
      case "imdResponse":
      case "imdInfo":
        // The iso165C has no alive counter: its silence is judged by the insulation driver (5 s).
        this.countFrame(IMD_SOURCE);
        break;
      default:
        // BMU temperatures, cell voltages, balancing command: no counter of their own.
        this.countFrame(bmuSource(result.node));
    }
    return result;
  }

  /** A copy of the counters of every source seen since the last reset, by source. */
  counters(): Record<string, SourceCounters> {
    const copy: Record<string, SourceCounters> = {};
    for (const [source, c] of this.bySource) {
      copy[source] =
        c.lastError === undefined
          ? { frames: c.frames, errors: { ...c.errors } }
          : { frames: c.frames, errors: { ...c.errors }, lastError: c.lastError };
    }
    return copy;
  }

  /** Forgets counters and alive-counter history: the next frame of every stream re-syncs. */
  reset(): void {
    this.bySource.clear();
    this.bmuAlive.fill(NO_COUNTER);
    this.ivtCounter.fill(NO_COUNTER);
    this.contactorAlive = NO_COUNTER;
  }

  private isJump(last: number, lastTimeMs: number, nowMs: number, value: number, modulo: number): boolean {
    const sinceLastMs = nowMs - lastTimeMs;
    // NaN, a gap or time running backwards all re-sync: only a frame within the gap is checked.
    if (last === NO_COUNTER || !(sinceLastMs >= 0 && sinceLastMs <= this.resyncGapMs)) return false;
    return value !== (last + 1) % modulo;
  }

  private countFrame(source: string): MutableCounters {
    let counters = this.bySource.get(source);
    if (counters === undefined) {
      counters = { frames: 0, errors: {} };
      this.bySource.set(source, counters);
    }
    counters.frames++;
    return counters;
  }

  private countError(counters: MutableCounters, reason: FrameErrorReason, detail: string): void {
    counters.errors[reason] = (counters.errors[reason] ?? 0) + 1;
    counters.lastError = detail;
  }
}

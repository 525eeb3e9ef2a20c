import type { SourceCounters } from "../can/rack-decoder.ts";
import type { Snapshot } from "../bcu/snapshot.ts";
import { pointCatalog } from "../points/catalog.ts";
import type { PipelineStatus } from "./pipeline.ts";

/** What `bcu status` shows: the published points, stale nodes and per-node frame counters. */
export interface StatusReport {
  readonly timeMs: number;
  readonly sequence: number;
  readonly state: string;
  readonly points: Readonly<Record<string, number | boolean | null>>;
  readonly staleNodes: readonly string[];
  readonly cycles: number;
  readonly framesReceived: number;
  readonly frameSources: Readonly<Record<string, SourceCounters>>;
  readonly uptime_s: number;
}

export function buildStatusReport(snapshot: Snapshot | null, pipeline: PipelineStatus, uptime_s: number): StatusReport {
  const points: Record<string, number | boolean | null> = {};
  if (snapshot) for (const point of pointCatalog) points[point.id] = point.read(snapshot);
  return {
    timeMs: snapshot?.timeMs ?? 0,
    sequence: snapshot?.sequence ?? 0,
    state: snapshot?.state ?? "starting",
    points,
    staleNodes: snapshot?.measurements.staleNodes ?? [],
    cycles: pipeline.cycles,
    framesReceived: pipeline.framesReceived,
    frameSources: pipeline.frameSources,
    uptime_s,
  };
}

import type { FrameError, FrameErrorReason } from "./messages.ts";
import { BMU_NODE_MAX } from "./messages.ts";

/** Counting key of frames that belong to no known device. */
export const UNKNOWN_SOURCE = "unknown";
export const IVT_SOURCE = "ivt";
export const CONTACTOR_UNIT_SOURCE = "contactorUnit";
/** The Bender iso165C insulation monitor (0x022, 0x023, 0x037). */
export const IMD_SOURCE = "imd";

/** `bmu1`..`bmu32`, built once so the decode path does not concatenate strings per frame. Index = node. */
const BMU_SOURCES: readonly string[] = Array.from({ length: BMU_NODE_MAX + 1 }, (_, node) => `bmu${node}`);

/** Counting key of BMU node `node` (1..32). */
export function bmuSource(node: number): string {
  return BMU_SOURCES[node] ?? UNKNOWN_SOURCE;
}

export function frameError(reason: FrameErrorReason, source: string, id: number, detail: string): FrameError {
  return { kind: "frameError", reason, source, id, detail };
}

/** "0x1A3" for messages. */
export function hexId(id: number): string {
  return `0x${id.toString(16).toUpperCase().padStart(3, "0")}`;
}

export function wrongDlc(source: string, id: number, name: string, expected: number, got: number): FrameError {
  return frameError("wrongDlc", source, id, `${name} (${hexId(id)}) needs DLC ${expected}, got ${got}`);
}

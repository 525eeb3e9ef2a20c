/**
 * candump logs (can-utils' compact format): parse and format lines, write logs, read them synchronously, and
 * replay them as a read-only `CanTransport`. One import for all of it; the parts live in files of their own.
 */
export { CandumpParseError, formatCandumpLine, parseCandumpLine } from "./candump-format.ts";
export type { CandumpRecord } from "./candump-format.ts";
export { CandumpLogWriter, readCandumpFile } from "./candump-file.ts";
export type { CandumpLogWriterOptions } from "./candump-file.ts";
export { CandumpLogTransport } from "./candump-replay.ts";
export type { CandumpReplayOptions, CandumpReplayStart, CandumpReplaySummary, ReplaySpeed } from "./candump-replay.ts";

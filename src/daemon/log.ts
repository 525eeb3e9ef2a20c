/**
 * Structured logging: one JSON object per line on stdout (journald keeps it; `jq` reads it), or a readable
 * text line for a terminal. Fields carry the data, the message says what happened.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines name `component`. */
  child(component: string): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level: LogLevel;
  format: "json" | "text";
  write?: (line: string) => void;
  now?: () => number;
}

export function createLogger(options: LoggerOptions, component = "bcu"): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line + "\n"));
  const now = options.now ?? Date.now;
  const min = RANK[options.level];
  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (RANK[level] < min) return;
    const time = new Date(now()).toISOString();
    if (options.format === "json") {
      write(JSON.stringify({ time, level, component, message, ...serializable(fields) }));
    } else {
      const extra = fields && Object.keys(fields).length > 0 ? " " + JSON.stringify(serializable(fields)) : "";
      write(`${time} ${level.toUpperCase().padEnd(5)} [${component}] ${message}${extra}`);
    }
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (c) => createLogger({ ...options, write, now }, `${component}.${c}`),
  };
}

/** Errors become their message and stack; everything else is kept. */
function serializable(fields: LogFields | undefined): LogFields {
  if (!fields) return {};
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/** Thrown for a duration a user typed that does not parse; the message says what is accepted. */
export class DurationError extends Error {
  constructor(text: string) {
    super(`"${text}" is not a duration: use a number with a unit, e.g. 250ms, 10s, 5m, 2h, 7d (or 1h30m)`);
    this.name = "DurationError";
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `10s`, `1.5h`, `7d`, `1h30m` into milliseconds. A bare number is seconds. */
export function parseDuration_ms(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(trimmed)) !== null) {
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) throw new DurationError(text);
  return total;
}

/** One thing wrong with a configuration document. */
export interface ConfigIssue {
  /** The file as the user named it (or `<embedded defaults>`). */
  readonly file: string;
  /** Dotted path inside the document, e.g. `rack.cellsPerBmu` or `modbus.maps[2].unitId`; `""` = the whole document. */
  readonly path: string;
  readonly reason: string;
  /** 1-based position in the file when known. */
  readonly line?: number;
  readonly column?: number;
}

/** `FILE:LINE:COL path: reason` (the position and the path are left out when unknown). */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return issue.path === "" ? `${where}: ${issue.reason}` : `${where} ${issue.path}: ${issue.reason}`;
}

/**
 * Thrown when a configuration file cannot be read, parsed or validated. Carries every issue found, not just the
 * first, so one edit can fix them all.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const count = issues.length === 1 ? "1 error" : `${issues.length} errors`;
    super(`invalid configuration (${count}):\n${issues.map(formatConfigIssue).join("\n")}`, options);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

import { Option } from "commander";

/** Exit codes of every `bcu` command. */
export const EXIT_OK = 0;
/** The command ran and found a problem (an invalid file, a refused request, an unreachable daemon). */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong (unknown option, missing argument). */
export const EXIT_USAGE = 2;

/** Where a command writes and which directory its relative paths are from: the process, or a test's buffers. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

/** What every command registrar gets besides the program. */
export interface CliContext {
  readonly io: CliIo;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  cwd: process.cwd(),
};

/** An io that keeps what is written, for running the CLI in-process (tests, embedding). */
export function bufferedIo(
  cwd: string = process.cwd(),
): CliIo & { readonly stdout: () => string; readonly stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    cwd,
    stdout: () => out,
    stderr: () => err,
  };
}

/**
 * Thrown by a command to end with `exitCode`; `message` (when not empty) is printed on stderr as `bcu: message`.
 * An empty message means the command already reported the problem itself.
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT_FAILURE, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/**
 * `--json`, spelled the same by every command that can print JSON. Commands declare it themselves: commander lets
 * a program-level option be written anywhere on the line and then takes it from the subcommand, so a global
 * `--json` or `--config` would silently shadow a subcommand's own (`bcu run -c site.yaml` running the defaults).
 */
export function jsonOption(): Option {
  return new Option("--json", "print machine-readable JSON");
}

/** `-c, --config <file>`, spelled the same by every command that reads the configuration. */
export function configOption(): Option {
  return new Option("-c, --config <file>", "configuration file, YAML or JSON (default: the embedded defaults)");
}

/** `value` as indented JSON with a final newline. */
export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Rows as aligned text columns under a header; numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => String(row[column] ?? "").length)),
  );
  const line = (cells: readonly (string | number)[]): string =>
    cells
      .map((value, column) =>
        typeof value === "number" ? String(value).padStart(widths[column]) : String(value).padEnd(widths[column]),
      )
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n") + "\n";
}

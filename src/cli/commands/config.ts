import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { stringify } from "yaml";
import { ConfigError, configSchema, formatConfigIssue, loadConfig, loadConfigFile } from "../../config/index.ts";
import { updateReferenceBlock, renderConfigReference } from "../../config/reference.ts";
import { renderConfigTemplate } from "../../config/template.ts";
import { CliError, configOption, jsonOption, printJson } from "../output.ts";
import type { CliContext } from "../output.ts";

/** `bcu config validate|show|init|schema|reference`. */
export function registerConfigCommands(program: Command, { io }: CliContext): void {
  const config = program.command("config").description("check, show and write the configuration file");

  config
    .command("validate")
    .description("check a configuration file; list every error as FILE:LINE:COL path: reason")
    .argument("<file>", "YAML (.yaml, .yml) or JSON (.json) configuration file")
    .addOption(jsonOption())
    .action((file: string, options: { json?: boolean }) => {
      const json = options.json === true;
      try {
        loadConfigFile(resolveFrom(io.cwd, file));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        const issues = error.issues.map((issue) => ({ ...issue, file }));
        if (json) printJson(io, { file, valid: false, errors: issues });
        else {
          const count = issues.length === 1 ? "1 error" : `${issues.length} errors`;
          io.out(`${issues.map(formatConfigIssue).join("\n")}\n${file}: invalid, ${count}\n`);
        }
        throw new CliError("");
      }
      if (json) printJson(io, { file, valid: true });
      else io.out(`${file}: valid\n`);
    });

  config
    .command("show")
    .description("print the effective configuration (the file over the defaults, or the defaults), YAML or --json")
    .addOption(configOption())
    .addOption(jsonOption())
    .action((options: { config?: string; json?: boolean }) => {
      const effective = loadConfigOrFail(io.cwd, options.config);
      if (options.json === true) printJson(io, effective);
      else io.out(stringify(effective));
    });

  config
    .command("init")
    .description("write a commented starting configuration file with every key at its default")
    .option("-o, --out <file>", 'where to write it ("-" for stdout)', "bcu.yaml")
    .option("-f, --force", "overwrite the file if it exists")
    .action((options: { out: string; force?: boolean }) => {
      const text = renderConfigTemplate();
      if (options.out === "-") return void io.out(text);
      try {
        // "wx" refuses an existing file atomically: no window between a check and the write.
        writeFileSync(resolveFrom(io.cwd, options.out), text, { flag: options.force === true ? "w" : "wx" });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EEXIST") throw new CliError(`${options.out} exists; use --force to overwrite it`);
        throw new CliError(`cannot write ${options.out}: ${(error as Error).message}`, 1, { cause: error });
      }
      io.out(`wrote ${options.out}\n`);
    });

  config
    .command("schema")
    .description("print the JSON schema of the configuration (for editors and other tools)")
    .action(() => printJson(io, configSchema()));

  config
    .command("reference")
    .description("print the Markdown key reference, or --update the generated block of a document")
    .option("--update <file>", "replace the generated block of this Markdown file (docs/configuration.md)")
    .action((options: { update?: string }) => {
      if (options.update === undefined) return void io.out(renderConfigReference());
      const path = resolveFrom(io.cwd, options.update);
      writeFileSync(path, updateReferenceBlock(readFileSync(path, "utf8")));
      io.out(`updated ${options.update}\n`);
    });
}

/**
 * The configuration for a command: `file` when given (relative to `cwd`), else the embedded defaults.
 * A bad file ends the command with exit code 1 and every error on stderr.
 */
export function loadConfigOrFail(cwd: string, file: string | undefined): ReturnType<typeof loadConfig> {
  try {
    return loadConfig(file === undefined ? undefined : resolveFrom(cwd, file));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const issues = error.issues.map((issue) => formatConfigIssue({ ...issue, file: file ?? issue.file }));
    throw new CliError(`invalid configuration:\n${issues.join("\n")}`, 1, { cause: error });
  }
}

function resolveFrom(cwd: string, file: string): string {
  return resolve(cwd, file);
}

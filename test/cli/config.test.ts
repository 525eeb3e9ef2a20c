import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { parse } from "yaml";
import { defaultConfig } from "../../src/config/index.ts";
import { renderConfigTemplate } from "../../src/config/template.ts";
import { runCli } from "../../src/cli/main.ts";
import { bufferedIo } from "../../src/cli/output.ts";

const bin = fileURLToPath(new URL("../../bin/bcu.js", import.meta.url));

/** Runs `bcu ARGS` in-process in `cwd`. */
async function bcu(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferedIo(cwd);
  const code = await runCli(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

function workDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "bcu-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const badYaml = "rack:\n  bmuCount: 40\n  cellsPerBmus: 16\ncan:\n  transport: can0\n";

test("config validate: a valid file exits 0 and says valid", async () => {
  const dir = workDir({ "site.yaml": "rack:\n  bmuCount: 12\n" });
  assert.deepEqual(await bcu(dir, "config", "validate", "site.yaml"), {
    code: 0,
    stdout: "site.yaml: valid\n",
    stderr: "",
  });
});

test("config validate: an invalid file exits 1 and lists every error as FILE:LINE:COL path: reason", async () => {
  const dir = workDir({ "bad.yaml": badYaml });
  const result = await bcu(dir, "config", "validate", "bad.yaml");
  assert.equal(result.code, 1);
  assert.equal(
    result.stdout,
    [
      "bad.yaml:2:13 rack.bmuCount: must be <= 32 (got 40)",
      'bad.yaml:3:3 rack.cellsPerBmus: unknown key "cellsPerBmus" (did you mean "cellsPerBmu"?)',
      'bad.yaml:5:14 can.transport: must be "virtual", "socketcan:IFACE" (e.g. "socketcan:can0") or "candump:PATH" (a candump -l log) (got "can0")',
      "bad.yaml: invalid, 3 errors",
      "",
    ].join("\n"),
  );
});

test("config validate --json gives the errors as data", async () => {
  const dir = workDir({ "bad.yaml": badYaml });
  const result = await bcu(dir, "config", "validate", "bad.yaml", "--json");
  assert.equal(result.code, 1);
  const report = JSON.parse(result.stdout) as { valid: boolean; errors: { path: string; line: number }[] };
  assert.equal(report.valid, false);
  assert.deepEqual(
    report.errors.map((error) => [error.path, error.line]),
    [
      ["rack.bmuCount", 2],
      ["rack.cellsPerBmus", 3],
      ["can.transport", 5],
    ],
  );
});

test("config show prints the effective configuration, defaults included, as YAML or JSON", async () => {
  const dir = workDir({ "site.json": '{ "rack": { "bmuCount": 4 } }' });
  const yaml = await bcu(dir, "config", "show");
  assert.equal(yaml.code, 0);
  assert.deepEqual(parse(yaml.stdout), defaultConfig());

  const json = await bcu(dir, "config", "show", "--config", "site.json", "--json");
  assert.equal(json.code, 0);
  assert.deepEqual(JSON.parse(json.stdout), { ...defaultConfig(), rack: { ...defaultConfig().rack, bmuCount: 4 } });

  const short = await bcu(dir, "config", "show", "-c", "site.json", "--json");
  assert.equal(short.stdout, json.stdout);
});

test("config show with a bad file exits 1 with the errors on stderr", async () => {
  const dir = workDir({ "bad.yaml": badYaml });
  const result = await bcu(dir, "config", "show", "--config", "bad.yaml");
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^bcu: invalid configuration:\nbad\.yaml:2:13 rack\.bmuCount: /);
});

test("config init writes a commented file that validates, and refuses to overwrite without --force", async () => {
  const dir = workDir();
  const first = await bcu(dir, "config", "init");
  assert.deepEqual(first, { code: 0, stdout: "wrote bcu.yaml\n", stderr: "" });
  assert.equal(readFileSync(join(dir, "bcu.yaml"), "utf8"), renderConfigTemplate());
  assert.deepEqual(await bcu(dir, "config", "validate", "bcu.yaml"), {
    code: 0,
    stdout: "bcu.yaml: valid\n",
    stderr: "",
  });
  const shown = await bcu(dir, "config", "show", "--config", "bcu.yaml", "--json");
  assert.deepEqual(JSON.parse(shown.stdout), defaultConfig());

  writeFileSync(join(dir, "bcu.yaml"), "rack:\n  bmuCount: 3\n");
  const refused = await bcu(dir, "config", "init");
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, "bcu: bcu.yaml exists; use --force to overwrite it\n");
  assert.equal(readFileSync(join(dir, "bcu.yaml"), "utf8"), "rack:\n  bmuCount: 3\n", "the file is untouched");

  assert.equal((await bcu(dir, "config", "init", "--force")).code, 0);
  assert.equal(readFileSync(join(dir, "bcu.yaml"), "utf8"), renderConfigTemplate());

  const other = await bcu(dir, "config", "init", "--out", "other.yml");
  assert.equal(other.code, 0);
  assert.equal((await bcu(dir, "config", "init", "--out", "-")).stdout, renderConfigTemplate());
});

test("a bad command line exits 2 with a clear message", async () => {
  const dir = workDir();
  const missing = await bcu(dir, "config", "validate");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /error: missing required argument 'file'/);

  const unknownOption = await bcu(dir, "config", "show", "--colour");
  assert.equal(unknownOption.code, 2);
  assert.match(unknownOption.stderr, /error: unknown option '--colour'/);

  const unknownCommand = await bcu(dir, "confg");
  assert.equal(unknownCommand.code, 2);
  assert.match(unknownCommand.stderr, /unknown command 'confg'.*\n.*Did you mean config\?/s);
});

test("--help and --version exit 0", async () => {
  const dir = workDir();
  const help = await bcu(dir, "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: bcu \[options\] \[command\]/);
  assert.match(help.stdout, /config +check, show and write the configuration file/);
  for (const command of ["validate", "show", "init"]) {
    const sub = await bcu(dir, "config", command, "--help");
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, new RegExp(`^Usage: bcu config ${command}`));
  }
  const version = await bcu(dir, "--version");
  assert.deepEqual(version, { code: 0, stdout: "0.1.0\n", stderr: "" });
});

test("the real binary: config validate bad.yaml exits 1 and prints the errors; --help works", () => {
  const dir = workDir({ "bad.yaml": badYaml });
  const bad = spawnSync(process.execPath, [bin, "config", "validate", "bad.yaml"], { cwd: dir, encoding: "utf8" });
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stdout, /^bad\.yaml:2:13 rack\.bmuCount: must be <= 32 \(got 40\)$/m);
  assert.match(bad.stdout, /^bad\.yaml: invalid, 3 errors$/m);

  const help = spawnSync(process.execPath, [bin, "config", "--help"], { cwd: dir, encoding: "utf8" });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /validate \[options\] <file>|validate <file>/);

  const usage = spawnSync(process.execPath, [bin, "config", "validate"], { cwd: dir, encoding: "utf8" });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /missing required argument 'file'/);
});

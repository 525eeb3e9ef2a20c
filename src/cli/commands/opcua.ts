import { resolve } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { opcuaPkiDir } from "../../config/sections/opcua.ts";
import { hashPassword } from "../../northbound/opcua/password-hash.ts";
import {
  PkiError,
  listClientCertificates,
  rejectClientCertificate,
  trustClientCertificate,
  type ClientCertificateInfo,
} from "../../northbound/opcua/pki.ts";
import {
  CliError,
  EXIT_USAGE,
  configOption,
  formatTable,
  jsonOption,
  printJson,
  type CliContext,
  type CliIo,
} from "../output.ts";

interface PkiOptions {
  readonly config?: string;
  readonly pki?: string;
  readonly json?: boolean;
}

function pkiDirOf(io: CliIo, options: PkiOptions): string {
  if (options.pki !== undefined) return resolve(io.cwd, options.pki);
  const config = loadConfig(options.config);
  return resolve(io.cwd, opcuaPkiDir(config.opcua, config.daemon.dataDir));
}

function show(io: CliIo, certificate: ClientCertificateInfo, json: boolean | undefined): void {
  if (json) printJson(io, certificate);
  else io.out(`${certificate.status} ${certificate.thumbprint} ${certificate.subject}\n`);
}

function pkiAction<T extends unknown[]>(fn: (...args: T) => void): (...args: T) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (error) {
      if (error instanceof PkiError) throw new CliError(error.message, undefined, { cause: error });
      throw error;
    }
  };
}

async function readStdinLine(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? "";
}

/** `bcu opcua list|trust|reject|hash-password`: the OPC UA server's client certificates and user passwords. */
export function registerOpcuaCommands(program: Command, { io }: CliContext): void {
  const opcua = program.command("opcua").description("OPC UA server: client certificates and user passwords.");
  const pkiOption = ["--pki <dir>", "PKI folder (default: opcua.pkiDir of the configuration)"] as const;

  opcua
    .command("list")
    .description("List the client certificates the server trusts and those it rejected.")
    .addOption(configOption())
    .option(...pkiOption)
    .addOption(jsonOption())
    .action(
      pkiAction((options: PkiOptions) => {
        const certificates = listClientCertificates(pkiDirOf(io, options));
        if (options.json) return printJson(io, certificates);
        if (certificates.length === 0)
          return io.out("no client certificates yet: a client that connects with security lands in rejected\n");
        io.out(
          formatTable(
            ["status", "thumbprint", "subject", "application URI", "valid until"],
            certificates.map((c) => [
              c.status,
              c.thumbprint,
              c.subject,
              c.applicationUri ?? "",
              c.notAfter.slice(0, 10),
            ]),
          ),
        );
      }),
    );

  opcua
    .command("trust <certificate>")
    .description("Trust a client: a rejected certificate by thumbprint (or its first characters), or a .pem/.der file.")
    .addOption(configOption())
    .option(...pkiOption)
    .addOption(jsonOption())
    .action(
      pkiAction((certificate: string, options: PkiOptions) =>
        show(io, trustClientCertificate(pkiDirOf(io, options), resolveFile(io, certificate)), options.json),
      ),
    );

  opcua
    .command("reject <thumbprint>")
    .description("Stop trusting a client: its certificate moves to rejected and its next connection is refused.")
    .addOption(configOption())
    .option(...pkiOption)
    .addOption(jsonOption())
    .action(
      pkiAction((thumbprint: string, options: PkiOptions) =>
        show(io, rejectClientCertificate(pkiDirOf(io, options), thumbprint), options.json),
      ),
    );

  opcua
    .command("hash-password [password]")
    .description("Print the hash of a password for opcua.users[].passwordHash (without the argument: read from stdin).")
    .action(async (password: string | undefined) => {
      const secret = password ?? (await readStdinLine());
      if (secret.length < 8) throw new CliError("the password must have at least 8 characters", EXIT_USAGE);
      io.out(`${hashPassword(secret)}\n`);
    });
}

function resolveFile(io: CliIo, certificate: string): string {
  return /\.(pem|der)$/i.test(certificate) && certificate.includes("/") ? resolve(io.cwd, certificate) : certificate;
}

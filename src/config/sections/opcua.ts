import { join } from "node:path";
import { portSchema, strictObject } from "../json-schema.ts";
import { defineSection } from "../section.ts";
import type { SectionIssue } from "../section.ts";

export type OpcuaSecurityMode = "None" | "Sign" | "SignAndEncrypt";
export type OpcuaRole = "viewer" | "operator";

export interface OpcuaUserConfig {
  readonly name: string;
  /** `scrypt$N$r$p$salt$hash` as printed by `bcu opcua hash-password`. */
  readonly passwordHash: string;
  readonly role: OpcuaRole;
}

export interface OpcuaConfig {
  readonly enabled: boolean;
  /** Interface to bind; unset: every interface. */
  readonly host?: string;
  readonly port: number;
  /** Host name advertised in the endpoint URLs and the certificate; unset: the machine's name. */
  readonly hostname?: string;
  readonly securityModes: readonly OpcuaSecurityMode[];
  /** On an unsecured (None) channel, operators may not call methods: "readOnly"; or the same rights: "full". */
  readonly noneAccess: "readOnly" | "full";
  readonly anonymous: "readOnly" | "off";
  readonly users: readonly OpcuaUserConfig[];
  /** Certificate store; unset: `<daemon.dataDir>/pki` (see `opcuaPkiDir`). */
  readonly pkiDir?: string;
  /** Accept client certificates not yet trusted (commissioning only): they are trusted on first use. */
  readonly trustUnknownClients: boolean;
  readonly minSamplingInterval_ms: number;
  readonly maxMonitoredItems: number;
  readonly maxSessions: number;
}

/** Where the server keeps its certificate and the client certificates: `pkiDir`, else `<dataDir>/pki`. */
export function opcuaPkiDir(opcua: Pick<OpcuaConfig, "pkiDir">, dataDir: string): string {
  return opcua.pkiDir ?? join(dataDir, "pki");
}

export const SCRYPT_HASH_PATTERN = "^scrypt\\$[0-9]+\\$[0-9]+\\$[0-9]+\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+$";

export const opcuaSection = defineSection<"opcua", OpcuaConfig>({
  key: "opcua",
  schema: strictObject(
    "OPC UA server for SCADA: the rack as an IEC 61850-7-420-shaped tree, alarms and conditions, operator methods (docs/opcua.md).",
    {
      enabled: { type: "boolean", description: "Start the OPC UA server with the daemon." },
      host: {
        type: "string",
        minLength: 1,
        defaultDescription: "every interface",
        description: "Address to listen on (`127.0.0.1` to keep the server local).",
      },
      port: portSchema(
        "TCP port of the endpoint. The embedded default is a high port for the demo; a service installation uses 4840, the OPC UA default.",
      ),
      hostname: {
        type: "string",
        minLength: 1,
        defaultDescription: "the machine's host name",
        description: "Host name in the endpoint URLs and in the server certificate (what SCADA connects to).",
      },
      securityModes: {
        type: "array",
        minItems: 1,
        uniqueItems: true,
        items: { type: "string", enum: ["None", "Sign", "SignAndEncrypt"] },
        description:
          "Message security modes offered. Sign and SignAndEncrypt use Basic256Sha256; leave out None to refuse unsecured connections.",
      },
      noneAccess: {
        type: "string",
        enum: ["readOnly", "full"],
        description:
          "What a session on an unsecured (None) channel may do: `readOnly` browses, reads and subscribes but calls no method, whoever the user; `full` gives users their role's rights.",
      },
      anonymous: {
        type: "string",
        enum: ["readOnly", "off"],
        description: "`readOnly`: sessions without a user may browse, read and subscribe; `off`: a user is required.",
      },
      users: {
        type: "array",
        description:
          "Users who log in with a name and password. A viewer reads; an operator may also call the methods.",
        items: strictObject("One user.", {
          name: { type: "string", minLength: 1, maxLength: 64, description: "User name." },
          passwordHash: {
            type: "string",
            pattern: SCRYPT_HASH_PATTERN,
            errorHint: "expected a hash printed by `bcu opcua hash-password` (scrypt$N$r$p$salt$hash)",
            description: "Password hash printed by `bcu opcua hash-password`; the password itself is never stored.",
          },
          role: {
            type: "string",
            enum: ["viewer", "operator"],
            description:
              "`viewer`: browse, read, subscribe; `operator`: also ResetFaults, CloseContactors, OpenContactors.",
          },
        }),
      },
      pkiDir: {
        type: "string",
        minLength: 1,
        defaultDescription: "<daemon.dataDir>/pki",
        description:
          "Certificate store: the server's own certificate (created on first start) and the trusted and rejected client certificates (`bcu opcua list|trust|reject`).",
      },
      trustUnknownClients: {
        type: "boolean",
        description:
          "Trust a client certificate the first time it connects (commissioning only); otherwise it lands in `rejected` until `bcu opcua trust`.",
      },
      minSamplingInterval_ms: {
        type: "integer",
        minimum: 10,
        maximum: 60000,
        unit: "ms",
        description: "Fastest sampling interval granted to a monitored item; faster requests are revised to this.",
      },
      maxMonitoredItems: {
        type: "integer",
        minimum: 100,
        maximum: 100000,
        description: "Monitored items per subscription, at most.",
      },
      maxSessions: {
        type: "integer",
        minimum: 1,
        maximum: 100,
        description: "Sessions at once, at most.",
      },
    },
    ["host", "hostname", "pkiDir"],
  ),
  defaults: {
    enabled: true,
    port: 4841,
    securityModes: ["None", "Sign", "SignAndEncrypt"],
    noneAccess: "readOnly",
    anonymous: "readOnly",
    users: [],
    trustUnknownClients: false,
    minSamplingInterval_ms: 100,
    maxMonitoredItems: 10000,
    maxSessions: 10,
  },
  check: (value): readonly SectionIssue[] => {
    const issues: SectionIssue[] = [];
    const seen = new Set<string>();
    value.users.forEach((user, index) => {
      if (seen.has(user.name))
        issues.push({ path: `users.${index}.name`, reason: `user "${user.name}" is listed twice` });
      seen.add(user.name);
    });
    return issues;
  },
});

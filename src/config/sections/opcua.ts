import { isAbsolute, join } from "node:path";
import { portSchema, strictObject } from "../json-schema.ts";
import { defineSection } from "../section.ts";
import type { SectionIssue } from "../section.ts";

/** What an unsecured (None) endpoint offers: none at all, browse/read/subscribe only, or the users' full rights. */
export type OpcuaSecurityNone = "off" | "readOnly" | "full";
export type OpcuaRole = "viewer" | "operator";

export interface OpcuaUserConfig {
  readonly name: string;
  /** `scrypt$N$r$p$salt$hash` as printed by `bcu opcua hash-password`. */
  readonly passwordHash: string;
  readonly role: OpcuaRole;
}

export interface OpcuaConfig {
  readonly enabled: boolean;
  /** Interface to bind: `0.0.0.0` every IPv4 interface. */
  readonly host: string;
  readonly port: number;
  /** Host name advertised in the endpoint URLs and the certificate; "": the machine's name. */
  readonly hostname: string;
  readonly securityNone: OpcuaSecurityNone;
  /** Offer Basic256Sha256 Sign besides SignAndEncrypt (always offered). */
  readonly securitySign: boolean;
  readonly anonymous: "readOnly" | "off";
  readonly users: readonly OpcuaUserConfig[];
  /** Certificate store; relative: from `daemon.dataDir` (see `opcuaPkiDir`). */
  readonly pkiDir: string;
  /** Accept client certificates not yet trusted (commissioning only): they are trusted on first use. */
  readonly trustUnknownClients: boolean;
  readonly minSamplingInterval_ms: number;
  readonly maxMonitoredItems: number;
  readonly maxSessions: number;
}

/** Where the server keeps its certificate and the client certificates: `pkiDir`, from `dataDir` when relative. */
export function opcuaPkiDir(opcua: Pick<OpcuaConfig, "pkiDir">, dataDir: string): string {
  return isAbsolute(opcua.pkiDir) ? opcua.pkiDir : join(dataDir, opcua.pkiDir);
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
        description: "Address to listen on: `0.0.0.0` every IPv4 interface, `127.0.0.1` to keep the server local.",
      },
      port: portSchema(
        "TCP port of the endpoint. The embedded default is a high port for the demo; a service installation uses 4840, the OPC UA default.",
      ),
      hostname: {
        type: "string",
        description:
          "Host name in the endpoint URLs and in the server certificate (what SCADA connects to); empty: the machine's host name.",
      },
      securityNone: {
        type: "string",
        enum: ["off", "readOnly", "full"],
        description:
          "The unsecured endpoint (security mode None): `off` refuses it; `readOnly` browses, reads and subscribes but calls no method, whoever the user; `full` gives users their role's rights. Basic256Sha256 SignAndEncrypt is always offered.",
      },
      securitySign: {
        type: "boolean",
        description: "Also offer Basic256Sha256 Sign (signed, not encrypted).",
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
        description:
          "Certificate store: the server's own certificate (created on first start) and the trusted and rejected client certificates (`bcu opcua list|trust|reject`). A relative path is from daemon.dataDir.",
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
  ),
  defaults: {
    enabled: true,
    host: "0.0.0.0",
    port: 4841,
    hostname: "",
    securityNone: "readOnly",
    securitySign: true,
    anonymous: "readOnly",
    users: [],
    pkiDir: "pki",
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

import { readFileSync } from "node:fs";
import { MessageSecurityMode, OPCUAServer, SecurityPolicy, nodesets } from "node-opcua";
import type { BcuCommand, CommandResult } from "../../bcu/commands.ts";
import type { Snapshot } from "../../bcu/snapshot.ts";
import type { RackConfig } from "../../config/sections/rack.ts";
import { opcuaPkiDir, type OpcuaConfig } from "../../config/sections/opcua.ts";
import type { Logger } from "../../daemon/log.ts";
import { nameplateOf } from "../../points/point.ts";
import { OpcuaAccess } from "./access.ts";
import { buildRackAddressSpace, type VariableBinding } from "./address-space.ts";
import { RackConditions } from "./alarms.ts";
import { MAX_HISTORY_VALUES_PER_RESPONSE, installHistory } from "./history.ts";
import type { HistorySource } from "./history-source.ts";
import { addRackMethods } from "./methods.ts";
import { createServerCertificateManager } from "./pki-manager.ts";
import { publishSnapshot } from "./publisher.ts";

/** The product's namespace: every node of the rack lives here (`ns=<index>;s=Rack.ZBAT1.Vol`). */
export const BCU_NAMESPACE_URI = "urn:bcu:battery-rack";
export const PRODUCT_URI = "urn:bcu";

/** What the server reads and asks: the pipeline, or anything with its three methods. */
export interface SnapshotSource {
  latest(): Snapshot | null;
  onSnapshot(name: string, fn: (snapshot: Snapshot) => void): () => void;
  submit(command: Omit<BcuCommand, "id">): Promise<CommandResult>;
}

export interface StartOpcuaOptions {
  readonly config: { readonly opcua: OpcuaConfig; readonly rack: RackConfig };
  readonly source: SnapshotSource;
  readonly log: Logger;
  /** `daemon.dataDir`: the PKI lives in `<dataDir>/pki` unless `opcua.pkiDir` says otherwise. */
  readonly dataDir: string;
  /** The recorded trends (the store): their variables become historizing. Absent: no history is served. */
  readonly history?: HistorySource;
}

export interface RunningOpcuaServer {
  readonly endpointUrl: string;
  /** Catalog ids named by the model that the catalog lacks (left out of the tree). */
  readonly missingPoints: readonly string[];
  close(): Promise<void>;
}

/** The server could not start: the port is taken, the PKI folder is not writable, a user's hash is malformed. */
export class OpcuaStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OpcuaStartError";
  }
}

/** Security modes offered: SignAndEncrypt always, Sign and None as configured. */
export function offeredSecurityModes(opcua: Pick<OpcuaConfig, "securityNone" | "securitySign">): MessageSecurityMode[] {
  return [
    ...(opcua.securityNone !== "off" ? [MessageSecurityMode.None] : []),
    ...(opcua.securitySign ? [MessageSecurityMode.Sign] : []),
    MessageSecurityMode.SignAndEncrypt,
  ];
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

/** Historical access on the trended variables; the server's HistoryServerCapabilities say so. */
function serveHistory(
  server: OPCUAServer,
  bindings: readonly VariableBinding[],
  source: HistorySource,
  log: Logger,
): number {
  const variables = bindings.flatMap((b) => (b.historyPoint ? [{ ...b, pointId: b.historyPoint }] : []));
  const installed = installHistory(variables, { source, log });
  const capabilities = server.engine.historyServerCapabilities;
  capabilities.accessHistoryDataCapability = installed > 0;
  capabilities.maxReturnDataValues = MAX_HISTORY_VALUES_PER_RESPONSE;
  return installed;
}

/**
 * Starts the OPC UA server: certificates (created on first start under the PKI folder), endpoints for the
 * configured security modes (Basic256Sha256 for Sign and SignAndEncrypt), users, the rack's tree, its alarm
 * conditions and methods; then pushes every snapshot of `source` into the tree.
 */
export async function startOpcuaServer(options: StartOpcuaOptions): Promise<RunningOpcuaServer> {
  const { config, source, log } = options;
  const opcua = config.opcua;
  const access = new OpcuaAccess(opcua.users, opcua.securityNone === "full" ? "full" : "readOnly");
  const pkiDir = opcuaPkiDir(opcua, options.dataDir);
  const certificateManager = createServerCertificateManager(pkiDir, opcua.trustUnknownClients);
  const securityModes = offeredSecurityModes(opcua);
  const securityPolicies = [
    ...(opcua.securityNone !== "off" ? [SecurityPolicy.None] : []),
    SecurityPolicy.Basic256Sha256,
  ];
  const version = packageVersion();

  const server = new OPCUAServer({
    port: opcua.port,
    host: opcua.host,
    ...(opcua.hostname !== "" ? { hostname: opcua.hostname } : {}),
    nodeset_filename: [nodesets.standard],
    serverCertificateManager: certificateManager,
    securityModes,
    securityPolicies,
    allowAnonymous: opcua.anonymous === "readOnly",
    userManager: {
      isValidUserAsync: (username, password, callback) => {
        access.isValidUser(username, password).then(
          (valid) => callback(null, valid),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
      getUserRoles: (username) => access.wellKnownRoles(username),
    },
    serverInfo: {
      applicationName: { text: "bcu Battery Control Unit", locale: "en" },
      productUri: PRODUCT_URI,
    },
    buildInfo: {
      productName: "bcu",
      productUri: PRODUCT_URI,
      manufacturerName: "bcu project",
      softwareVersion: version,
      buildNumber: version,
    },
    serverCapabilities: {
      maxSessions: opcua.maxSessions,
      maxMonitoredItemsPerSubscription: opcua.maxMonitoredItems,
      minSupportedSampleRate: opcua.minSamplingInterval_ms,
    },
    maxConnectionsPerEndpoint: opcua.maxSessions,
    isAuditing: false,
  });
  // Operator is granted per session (user and channel); the methods' RolePermissions make UserExecutable follow.
  server.roleResolvers.push(access.operatorRoleResolver);

  let unsubscribe: (() => void) | null = null;
  try {
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    if (addressSpace === null) throw new OpcuaStartError("the OPC UA address space did not load");
    // Binds ConditionRefresh (and Acknowledge/Confirm on the condition types) for the clients.
    addressSpace.installAlarmsAndConditionsService();
    const namespace = addressSpace.registerNamespace(BCU_NAMESPACE_URI);
    const tree = buildRackAddressSpace(namespace, config.rack, nameplateOf(config.rack));
    if (tree.missingPoints.length > 0) {
      log.warn("points named by the OPC UA model are not in the catalog: left out", { points: tree.missingPoints });
    }
    const conditions = new RackConditions(namespace, tree.rack);
    addRackMethods(namespace, tree.rack, access, (command) => source.submit(command));
    const bindings = [...tree.bindings, ...conditions.bindings];
    const historizing = options.history ? serveHistory(server, tree.bindings, options.history, log) : 0;

    const publish = (snapshot: Snapshot): void => {
      publishSnapshot(bindings, snapshot);
      conditions.update(snapshot);
    };
    const latest = source.latest();
    if (latest !== null) publish(latest);
    unsubscribe = source.onSnapshot("opcua", publish);

    await server.start();
    const endpointUrl = server.getEndpointUrl();
    log.info("OPC UA server listening", {
      endpointUrl,
      securityNone: opcua.securityNone,
      securitySign: opcua.securitySign,
      anonymous: opcua.anonymous,
      users: opcua.users.length,
      pkiDir,
      variables: bindings.length,
      historizing,
    });
    return {
      endpointUrl,
      missingPoints: tree.missingPoints,
      async close() {
        unsubscribe?.();
        unsubscribe = null;
        await server.shutdown(0);
        await certificateManager.dispose();
      },
    };
  } catch (error) {
    unsubscribe?.();
    await server.shutdown(0).catch(() => undefined);
    await certificateManager.dispose().catch(() => undefined);
    if (error instanceof OpcuaStartError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new OpcuaStartError(`OPC UA server on port ${opcua.port} did not start: ${reason}`, { cause: error });
  }
}

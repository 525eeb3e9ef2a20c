import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  AccessLevelFlag,
  AttributeIds,
  HistoryReadRequest,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  ReadAtTimeDetails,
  ReadRawModifiedDetails,
  SecurityPolicy,
  StatusCodes,
  TimestampsToReturn,
  UserTokenType,
  VariableIds,
  resolveNodeId,
} from "node-opcua";
import type { ClientSession, DataValue, HistoryReadResult } from "node-opcua";
import { silentLogger } from "../../../src/daemon/log.ts";
import { pointCatalog } from "../../../src/points/catalog.ts";
import { opcuaSection } from "../../../src/config/sections/opcua.ts";
import { storeHistorySource } from "../../../src/northbound/opcua/history-source.ts";
import { hashPassword } from "../../../src/northbound/opcua/password-hash.ts";
import { BCU_NAMESPACE_URI, startOpcuaServer, type RunningOpcuaServer } from "../../../src/northbound/opcua/server.ts";
import { parseCellPointId, queryCellTrend } from "../../../src/store/cell-trend.ts";
import { queryPackTrend, type TrendSample } from "../../../src/store/pack-trend.ts";
import { startStore, type BcuStore } from "../../../src/store/store.ts";
import { TrendLayouts } from "../../../src/store/trend-layout.ts";
import { EPOCH_MS, attach, simRack, storeConfig, type SimRack } from "../../store/store-fixture.ts";
import { freePort } from "./opcua-fixture.ts";

/** Ten simulated minutes of the daemon's rack (two modules) recorded in a real store; the server reads it. */
const RUN_MS = 10 * 60_000;
const VIEWER_PASSWORD = "viewer-secret";

let dir: string;
let rack: SimRack;
let store: BcuStore;
let server: RunningOpcuaServer;
let clientPki: OPCUACertificateManager;
let client: OPCUAClient;
let session: ClientSession;
let ns = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "bcu-opcua-history-"));
  const base = storeConfig(dir, { cellTrendInterval_s: 10 });
  const config = { ...base, rack: { ...base.rack, bmuCount: 2 } };
  rack = simRack(config);
  store = startStore({ config, log: silentLogger, nowMs: () => rack.scheduler.nowMs() });
  attach(rack, store);
  rack.scheduler.runFor(RUN_MS - 120_000);
  // Cell 2.3's sense wire opens for the last two minutes: its samples are unknown (0xFFFF on the bus).
  rack.sim.faults.openCellWire[config.rack.cellsPerBmu + 2] = 1;
  rack.scheduler.runFor(120_000);
  const opcua = {
    ...opcuaSection.defaults,
    port: await freePort(),
    host: "127.0.0.1",
    hostname: "localhost",
    users: [{ name: "victor", passwordHash: hashPassword(VIEWER_PASSWORD), role: "viewer" as const }],
  };
  server = await startOpcuaServer({
    config: { ...config, opcua },
    source: rack.pipeline,
    log: silentLogger,
    dataDir: dir,
    history: storeHistorySource(store, config.store.packTrendPoints),
  });
  clientPki = new OPCUACertificateManager({
    rootFolder: join(dir, "client-pki"),
    automaticallyAcceptUnknownCertificate: true,
  });
  client = OPCUAClient.create({
    applicationName: "bcu-history-test",
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    clientCertificateManager: clientPki,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
  });
  await client.connect(server.endpointUrl);
  session = await client.createSession({ type: UserTokenType.Anonymous });
  await session.readNamespaceArray();
  ns = session.getNamespaceIndex(BCU_NAMESPACE_URI);
});

after(async () => {
  await session?.close();
  await client?.disconnect();
  await server?.close();
  await clientPki?.dispose();
  store?.close(rack.scheduler.nowMs());
  rmSync(dir, { recursive: true, force: true });
});

const node = (path: string): string => `ns=${ns};s=${path}`;

interface Raw {
  start?: number;
  end?: number;
  n?: number;
  bounds?: boolean;
  continuationPoint?: Buffer;
  release?: boolean;
}

async function historyRead(path: string, raw: Raw, on: ClientSession = session): Promise<HistoryReadResult> {
  const response = await on.historyRead(
    new HistoryReadRequest({
      historyReadDetails: new ReadRawModifiedDetails({
        isReadModified: false,
        startTime: raw.start === undefined ? null : new Date(raw.start),
        endTime: raw.end === undefined ? null : new Date(raw.end),
        numValuesPerNode: raw.n ?? 0,
        returnBounds: raw.bounds ?? false,
      }),
      timestampsToReturn: TimestampsToReturn.Source,
      releaseContinuationPoints: raw.release ?? false,
      nodesToRead: [{ nodeId: node(path), continuationPoint: raw.continuationPoint }],
    }),
  );
  return response.results![0];
}

const valuesOf = (result: HistoryReadResult): DataValue[] =>
  (result.historyData as { dataValues?: DataValue[] } | null)?.dataValues ?? [];

/** What the store's own query says, for comparison: [start, end) as the history read's time domain. */
function storeSamples(pointId: string, start: number, end: number): TrendSample[] {
  const db = store.database!;
  const cell = parseCellPointId(pointId);
  const samples = cell
    ? queryCellTrend(db, new TrendLayouts(db), cell, start, end - 1)
    : queryPackTrend(db, new TrendLayouts(db), pointId, start, end - 1);
  return samples.filter((s) => s.timeMs >= start);
}

function assertSameAsStore(values: readonly DataValue[], samples: readonly TrendSample[]): void {
  assert.equal(values.length, samples.length);
  values.forEach((dv, i) => {
    assert.equal(dv.sourceTimestamp?.getTime(), samples[i].timeMs, `timestamp ${i}`);
    if (samples[i].value === null) {
      assert.equal(dv.statusCode, StatusCodes.BadNoData, `unknown value ${i} is Bad, not a number`);
      assert.equal(dv.value.value, null);
    } else {
      assert.equal(dv.statusCode, StatusCodes.Good);
      assert.equal(dv.value.value, samples[i].value, `value ${i}`);
    }
  });
}

test("trended variables are historizing with HistoryRead access; others are not", async () => {
  const attribute = async (path: string, attributeId: AttributeIds): Promise<unknown> =>
    (await session.read({ nodeId: node(path), attributeId })).value.value;
  for (const path of [
    "Rack.ZBAT1.Vol",
    "Rack.ZBAT1.SocPct",
    "Rack.Modules.Module02.Cell03",
    "Rack.Modules.Module01.Tmp02",
  ]) {
    assert.equal(await attribute(path, AttributeIds.Historizing), true, path);
    const access = (await attribute(path, AttributeIds.UserAccessLevel)) as number;
    assert.ok(access & AccessLevelFlag.HistoryRead && access & AccessLevelFlag.CurrentRead, `${path}: ${access}`);
  }
  // An integer state and the module voltage are not in the trends.
  for (const path of ["Rack.LPHD1.State", "Rack.Modules.Module01.Vol", "Rack.ZBAT1.AhrRtg"]) {
    assert.equal(await attribute(path, AttributeIds.Historizing), false, path);
    assert.equal(((await attribute(path, AttributeIds.AccessLevel)) as number) & AccessLevelFlag.HistoryRead, 0);
  }
  const capability = await session.read({
    nodeId: resolveNodeId(VariableIds.HistoryServerCapabilities_AccessHistoryDataCapability),
    attributeId: AttributeIds.Value,
  });
  assert.equal(capability.value.value, true, "HistoryServerCapabilities.AccessHistoryDataCapability");
});

test("a pack point's history equals the store's trend, value for value, with sample times", async () => {
  const start = EPOCH_MS + 60_000;
  const end = EPOCH_MS + 240_000;
  const result = await historyRead("Rack.ZBAT1.Vol", { start, end });
  assert.equal(result.statusCode, StatusCodes.Good);
  assert.equal(result.continuationPoint, null);
  const values = valuesOf(result);
  const samples = storeSamples("pack.voltage", start, end);
  assert.equal(samples.length, 180, "one sample a second, the end excluded");
  assertSameAsStore(values, samples);
  assert.ok(values.every((v) => v.statusCode === StatusCodes.Good && typeof v.value.value === "number"));
});

test("a cell voltage's history equals the cell trend; its unknown samples come back Bad, never as 0", async () => {
  const result = await historyRead("Rack.Modules.Module02.Cell03", { start: EPOCH_MS, end: EPOCH_MS + RUN_MS });
  const samples = storeSamples("cell.2.3.voltage", EPOCH_MS, EPOCH_MS + RUN_MS);
  assert.ok(samples.length >= 59, `a sample every 10 s (${samples.length})`);
  assertSameAsStore(valuesOf(result), samples);
  assert.ok(
    samples.some((s) => s.value !== null && s.value > 2.5 && s.value < 3.65),
    "volts, not millivolts",
  );
  assert.ok(samples.filter((s) => s.value === null).length >= 10, "the open sense wire's samples are unknown");
});

test("the pack points served are exactly those the store records: ZBAT1.Vol's point, not the nameplate", () => {
  const db = store.database!;
  const layouts = db.prepare("SELECT items FROM trend_layout WHERE kind = 'pack'").all() as { items: string }[];
  assert.equal(layouts.length, 1);
  const recorded = JSON.parse(layouts[0].items) as string[];
  assert.ok(recorded.includes("pack.voltage"));
  assert.ok(!recorded.includes("rack.ratedCapacity") && !recorded.includes("rack.ratedEnergy"));
  const source = storeHistorySource(store, storeConfig(dir).store.packTrendPoints);
  assert.deepEqual(
    pointCatalog.map((p) => p.id).filter((id) => source.isTrended(id)),
    recorded,
  );
});

test("numValuesPerNode pages the read with continuation points until it is done", async () => {
  const start = EPOCH_MS + 100_000;
  const end = EPOCH_MS + 220_000;
  const pages: DataValue[][] = [];
  let result = await historyRead("Rack.MMDC1.Amp", { start, end, n: 50 });
  pages.push(valuesOf(result));
  while (result.continuationPoint) {
    result = await historyRead("Rack.MMDC1.Amp", { continuationPoint: result.continuationPoint, start, end, n: 50 });
    assert.equal(result.statusCode, StatusCodes.Good);
    pages.push(valuesOf(result));
  }
  assert.deepEqual(
    pages.map((p) => p.length),
    [50, 50, 20],
  );
  assertSameAsStore(pages.flat(), storeSamples("pack.current", start, end));
});

test("end before start reads backward, newest first; end and a count read the newest values before it", async () => {
  const start = EPOCH_MS + 300_000;
  const end = EPOCH_MS + 200_000;
  const backward = valuesOf(await historyRead("Rack.ZBAT1.Vol", { start, end }));
  // (end, start]: the start is included, the end is not.
  const forward = storeSamples("pack.voltage", end + 1, start + 1);
  assertSameAsStore(backward, [...forward].reverse());
  const newest = valuesOf(await historyRead("Rack.ZBAT1.Vol", { end: start, n: 5 }));
  assert.deepEqual(
    newest.map((v) => v.sourceTimestamp!.getTime()),
    [0, 1, 2, 3, 4].map((i) => start - i * 1000),
  );
});

test("returnBounds adds the values around the domain", async () => {
  const start = EPOCH_MS + 120_500;
  const end = EPOCH_MS + 125_500;
  const values = valuesOf(await historyRead("Rack.ZBAT1.Vol", { start, end, bounds: true }));
  assert.deepEqual(
    values.map((v) => v.sourceTimestamp!.getTime() - EPOCH_MS),
    [120_000, 121_000, 122_000, 123_000, 124_000, 125_000, 126_000],
  );
});

test("a range without data is GoodNoData with no values", async () => {
  const result = await historyRead("Rack.ZBAT1.Vol", { start: EPOCH_MS - 86_400_000, end: EPOCH_MS - 3_600_000 });
  assert.equal(result.statusCode, StatusCodes.GoodNoData);
  assert.equal(valuesOf(result).length, 0);
});

test("requests history cannot answer are refused with the status Part 11 names", async () => {
  const state = await historyRead("Rack.LPHD1.State", { start: EPOCH_MS, end: EPOCH_MS + RUN_MS });
  assert.equal(state.statusCode, StatusCodes.BadHistoryOperationUnsupported, "not a trended point");
  const noDomain = await historyRead("Rack.ZBAT1.Vol", { n: 10 });
  assert.equal(noDomain.statusCode, StatusCodes.BadHistoryOperationInvalid, "no start and no end");
  const forged = await historyRead("Rack.ZBAT1.Vol", { continuationPoint: Buffer.from("not ours") });
  assert.equal(forged.statusCode, StatusCodes.BadContinuationPointInvalid);
  const atTime = await session.historyRead(
    new HistoryReadRequest({
      historyReadDetails: new ReadAtTimeDetails({ reqTimes: [new Date(EPOCH_MS + 60_000)] }),
      timestampsToReturn: TimestampsToReturn.Source,
      nodesToRead: [{ nodeId: node("Rack.ZBAT1.Vol") }],
    }),
  );
  assert.equal(atTime.results![0].statusCode, StatusCodes.BadHistoryOperationUnsupported);
});

test("a viewer reads history too (it is a read)", async () => {
  const viewer = await client.createSession({
    type: UserTokenType.UserName,
    userName: "victor",
    password: VIEWER_PASSWORD,
  });
  try {
    const result = await historyRead("Rack.ZBAT1.Vol", { start: EPOCH_MS + 60_000, end: EPOCH_MS + 70_000 }, viewer);
    assert.equal(result.statusCode, StatusCodes.Good);
    assert.equal(valuesOf(result).length, 10);
  } finally {
    await viewer.close();
  }
});

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  AttributeIds,
  ClientMonitoredItem,
  ClientSubscription,
  DataType,
  StatusCodes,
  TimestampsToReturn,
  callConditionRefresh,
  constructEventFilter,
} from "node-opcua";
import type { ClientSession, DataValue, Variant } from "node-opcua";
import { findPoint } from "../../../src/points/catalog.ts";
import { BCU_NAMESPACE_URI } from "../../../src/northbound/opcua/server.ts";
import { listClientCertificates, trustClientCertificate } from "../../../src/northbound/opcua/pki.ts";
import { connect, eventually, startHarness, type Connection, type Harness } from "./opcua-fixture.ts";

let harness: Harness;
let anonymous: Connection;
let ns = 0;

before(async () => {
  harness = await startHarness();
  harness.rack.startDriving();
  anonymous = await connect(harness);
  await anonymous.session.readNamespaceArray();
  ns = anonymous.session.getNamespaceIndex(BCU_NAMESPACE_URI);
});

after(async () => {
  await anonymous?.close();
  await harness?.close();
});

const node = (path: string): string => `ns=${ns};s=${path}`;

async function read(session: ClientSession, path: string): Promise<DataValue> {
  return session.read({ nodeId: node(path), attributeId: AttributeIds.Value });
}

async function browseNames(session: ClientSession, path: string): Promise<string[]> {
  const result = await session.browse(node(path));
  return (result.references ?? []).map((r) => r.browseName.name ?? "");
}

test("the server's certificate is created under <dataDir>/pki on first start", () => {
  assert.ok(existsSync(join(harness.pkiDir, "own", "certs", "certificate.pem")));
});

test("browse: the rack is a logical device with 61850 logical nodes, modules and cells", async () => {
  const rack = await browseNames(anonymous.session, "Rack");
  for (const ln of [
    "LPHD1",
    "ZBAT1",
    "ZBTC1",
    "MMDC1",
    "CSWI1",
    "XCBR1",
    "XSWI1",
    "XSWI2",
    "XSWI3",
    "Modules",
    "Protection",
  ]) {
    assert.ok(rack.includes(ln), `Rack has ${ln}: ${rack.join(" ")}`);
  }
  // Browsable by everyone (a SCADA greys them out by UserExecutable), callable by an operator only.
  for (const method of ["ResetFaults", "CloseContactors", "OpenContactors"]) assert.ok(rack.includes(method));
  assert.deepEqual(await browseNames(anonymous.session, "Rack.Modules"), ["Module01", "Module02"]);
  const module = await browseNames(anonymous.session, "Rack.Modules.Module02");
  assert.deepEqual(
    module.filter((n) => /^(Cell|Tmp)/.test(n)),
    ["Cell01", "Cell02", "Cell03", "Cell04", "Tmp01", "Tmp02"],
  );
  const zbat = await browseNames(anonymous.session, "Rack.ZBAT1");
  assert.ok(zbat.includes("Vol") && zbat.includes("Amp") && zbat.includes("CelVMax"));
});

test("read: values match the snapshot, with units, range and description from the point catalog", async () => {
  const snapshot = harness.rack.pipeline.latest()!;
  const vol = await read(anonymous.session, "Rack.ZBAT1.Vol");
  assert.equal(vol.statusCode, StatusCodes.Good);
  assert.equal(vol.value.value, findPoint("pack.voltage")!.read(snapshot));
  assert.ok(vol.sourceTimestamp && vol.sourceTimestamp.getTime() >= 1_700_000_000_000);
  const cell = await read(anonymous.session, "Rack.Modules.Module02.Cell02");
  assert.equal(cell.value.value, 3.302);
  assert.equal(cell.statusCode, StatusCodes.Good);

  const units = await anonymous.session.read({
    nodeId: node("Rack.ZBAT1.Vol") + "",
    attributeId: AttributeIds.Description,
  });
  assert.match(String(units.value.value.text), /current sensor U1.*point pack\.voltage/);
  const browse = await anonymous.session.browse(node("Rack.ZBAT1.Amp"));
  const eu = browse.references!.find((r) => r.browseName.name === "EngineeringUnits")!;
  const euValue = await anonymous.session.read({ nodeId: eu.nodeId, attributeId: AttributeIds.Value });
  assert.equal(euValue.value.value.displayName.text, "A");
  const range = browse.references!.find((r) => r.browseName.name === "EURange")!;
  const rangeValue = await anonymous.session.read({ nodeId: range.nodeId, attributeId: AttributeIds.Value });
  assert.deepEqual([rangeValue.value.value.low, rangeValue.value.value.high], [-2000, 2000]);
});

test("subscribe: a change of the rack current reaches the client", async () => {
  const subscription = await anonymous.session.createSubscription2({
    requestedPublishingInterval: 100,
    requestedMaxKeepAliveCount: 20,
    publishingEnabled: true,
  });
  const seen: number[] = [];
  const item = ClientMonitoredItem.create(
    subscription,
    { nodeId: node("Rack.ZBAT1.Amp"), attributeId: AttributeIds.Value },
    { samplingInterval: 100, queueSize: 10, discardOldest: true },
    TimestampsToReturn.Both,
  );
  item.on("changed", (value: DataValue) => seen.push(value.value.value as number));
  await eventually(
    "the initial value",
    () => seen.length,
    (n) => n > 0,
  );
  assert.equal(seen[0], 20);
  harness.rack.current_mA = -35_500;
  await eventually(
    "the new current",
    () => seen.at(-1),
    (v) => v === -35.5,
  );
  harness.rack.current_mA = 20_000;
  await subscription.terminate();
});

test("a silent BMU's cells go Bad (no communication), the other module's stay Good, and come back", async () => {
  harness.rack.silentBmus.add(2);
  const stale = await eventually(
    "module 2 to go stale",
    () => read(anonymous.session, "Rack.Modules.Module02.Cell01"),
    (dv) => dv.statusCode !== StatusCodes.Good,
  );
  assert.equal(stale.statusCode, StatusCodes.BadNoCommunication);
  assert.equal(stale.value.dataType, DataType.Null, "never a frozen number");
  assert.equal((await read(anonymous.session, "Rack.Modules.Module02.Comm")).value.value, false);
  assert.equal((await read(anonymous.session, "Rack.Modules.Module01.Cell01")).statusCode, StatusCodes.Good);
  harness.rack.silentBmus.clear();
  await eventually(
    "module 2 to come back",
    () => read(anonymous.session, "Rack.Modules.Module02.Cell01"),
    (dv) => dv.statusCode === StatusCodes.Good,
  );
});

test("a cell the BMU marks invalid is Bad (sensor failure)", async () => {
  // Cell 1 of module 1 sent as 0xFFFF: the BMU talks but has no valid value.
  harness.rack.edit = (frame) =>
    frame.id === 0x201 && frame.data[0] === 0
      ? { ...frame, data: Uint8Array.from([0, 0xff, 0xff, ...frame.data.slice(3)]) }
      : frame;
  const bad = await eventually(
    "cell 1 invalid",
    () => read(anonymous.session, "Rack.Modules.Module01.Cell01"),
    (dv) => dv.statusCode !== StatusCodes.Good,
  );
  harness.rack.edit = (frame) => frame;
  assert.equal(bad.statusCode, StatusCodes.BadSensorFailure);
});

async function callMethod(session: ClientSession, method: string) {
  return session.call({ objectId: node("Rack"), methodId: node(`Rack.${method}`), inputArguments: [] });
}

const METHODS = ["ResetFaults", "CloseContactors", "OpenContactors"] as const;

/** Executable and UserExecutable of each operator method, as this session reads them. */
async function executableFlags(session: ClientSession): Promise<{ executable: boolean[]; userExecutable: boolean[] }> {
  const values = await session.read(
    METHODS.flatMap((m) => [
      { nodeId: node(`Rack.${m}`), attributeId: AttributeIds.Executable },
      { nodeId: node(`Rack.${m}`), attributeId: AttributeIds.UserExecutable },
    ]),
  );
  for (const dv of values) assert.equal(dv.statusCode, StatusCodes.Good);
  const flags = values.map((dv) => dv.value.value as boolean);
  return { executable: flags.filter((_, i) => i % 2 === 0), userExecutable: flags.filter((_, i) => i % 2 === 1) };
}

test("methods: not user-executable and refused for anonymous and for an operator on an unsecured channel", async () => {
  assert.deepEqual(await executableFlags(anonymous.session), {
    executable: [true, true, true],
    userExecutable: [false, false, false],
  });
  const anon = await callMethod(anonymous.session, "ResetFaults");
  assert.equal(anon.statusCode, StatusCodes.BadUserAccessDenied);

  const operatorNone = await connect(harness, { user: "olga", security: "None" });
  try {
    assert.deepEqual(await executableFlags(operatorNone.session), {
      executable: [true, true, true],
      userExecutable: [false, false, false],
    });
    assert.deepEqual(
      await browseNames(operatorNone.session, "Rack").then((n) => METHODS.filter((m) => n.includes(m))),
      [...METHODS],
    );
    const result = await callMethod(operatorNone.session, "OpenContactors");
    assert.equal(result.statusCode, StatusCodes.BadUserAccessDenied);
  } finally {
    await operatorNone.close();
  }
});

test("SignAndEncrypt: an unknown client is rejected until `trust`; then viewer refused, operator answered by the BCU", async () => {
  await assert.rejects(connect(harness, { user: "olga", security: "SignAndEncrypt" }));
  const rejected = listClientCertificates(harness.pkiDir).filter((c) => c.status === "rejected");
  assert.equal(rejected.length, 1);
  assert.match(rejected[0].subject, /^bcu-test-client/);
  trustClientCertificate(harness.pkiDir, rejected[0].thumbprint.slice(0, 8));

  const viewer = await eventually(
    "the trusted client to connect",
    () => connect(harness, { user: "victor", security: "SignAndEncrypt" }).catch(() => null),
    (c) => c !== null,
  );
  try {
    assert.equal((await read(viewer!.session, "Rack.ZBAT1.Amp")).statusCode, StatusCodes.Good);
    assert.deepEqual(await executableFlags(viewer!.session), {
      executable: [true, true, true],
      userExecutable: [false, false, false],
    });
    const refused = await callMethod(viewer!.session, "CloseContactors");
    assert.equal(refused.statusCode, StatusCodes.BadUserAccessDenied);
  } finally {
    await viewer!.close();
  }

  const operator = await connect(harness, { user: "olga", security: "SignAndEncrypt" });
  try {
    assert.deepEqual(await executableFlags(operator.session), {
      executable: [true, true, true],
      userExecutable: [true, true, true],
    });
    const results: unknown[] = [];
    const off = harness.rack.pipeline.onSnapshot("test", (s) => results.push(...s.commandResults));
    const answer = await callMethod(operator.session, "CloseContactors");
    off();
    const [accepted, reason] = (answer.outputArguments ?? []).map((v: Variant) => v.value);
    const bcu = results.find((r) => (r as { kind: string }).kind === "closeContactors") as
      { accepted: boolean; reason: string } | undefined;
    assert.ok(bcu, "the BCU saw the command");
    assert.equal(accepted, bcu.accepted);
    assert.equal(reason, bcu.reason);
    assert.equal(answer.statusCode, bcu.accepted ? StatusCodes.Good : StatusCodes.BadInvalidState);
  } finally {
    await operator.close();
  }
});

test("alarms: a cell over-voltage raises its condition (severity by level), acknowledge, confirm and ConditionRefresh", async () => {
  const subscription = ClientSubscription.create(anonymous.session, {
    requestedPublishingInterval: 100,
    requestedMaxKeepAliveCount: 20,
    publishingEnabled: true,
  });
  await new Promise<void>((resolve) => subscription.once("started", () => resolve()));
  const fields = [
    "EventId",
    "ConditionName",
    "Severity",
    "Message",
    "ActiveState.Id",
    "AckedState.Id",
    "Retain",
    "EventType",
  ];
  const events: Record<string, unknown>[] = [];
  const item = ClientMonitoredItem.create(
    subscription,
    { nodeId: "i=2253", attributeId: AttributeIds.EventNotifier },
    { samplingInterval: 0, queueSize: 1000, filter: constructEventFilter(fields) },
    TimestampsToReturn.Both,
  );
  item.on("changed", (values: Variant[]) =>
    events.push(Object.fromEntries(fields.map((f, i) => [f, values[i]?.value]))),
  );
  await new Promise((r) => setTimeout(r, 200));

  // Above level 1 (3600 mV), below level 2 (3625 mV): a warning that clears by itself when the cells come back.
  harness.rack.cell_mV = 3605;
  const raised = await eventually(
    "the cellOverVoltage event",
    () => events.filter((e) => e.ConditionName === "cellOverVoltage" && e["ActiveState.Id"] === true),
    (list) => list.length > 0,
  );
  const first = raised[0];
  assert.equal(first.Severity, 300, "level 1 is a low-severity alarm");
  assert.equal(first["AckedState.Id"], false);
  assert.equal(first.Retain, true);
  const level = (await read(anonymous.session, "Rack.Protection.cellOverVoltage.Level")).value.value as number;
  assert.ok(level >= 1);

  const conditionId = node("Rack.Protection.cellOverVoltage");
  const latest = () => events.filter((e) => e.ConditionName === "cellOverVoltage").at(-1)!;
  const acked = await anonymous.session.acknowledgeCondition(conditionId as never, latest().EventId as Buffer, "seen");
  assert.equal(acked, StatusCodes.Good);
  await eventually("the acknowledged state", latest, (e) => e["AckedState.Id"] === true);
  const confirmed = await anonymous.session.confirmCondition(conditionId, latest().EventId as Buffer, "checked");
  assert.equal(confirmed, StatusCodes.Good);

  const before = events.length;
  await callConditionRefresh(anonymous.session, subscription.subscriptionId);
  const refreshed = await eventually(
    "the refreshed condition",
    () => events.slice(before).filter((e) => e.ConditionName === "cellOverVoltage"),
    (list) => list.length > 0,
  );
  assert.equal(refreshed.at(-1)!["ActiveState.Id"], true);

  harness.rack.cell_mV = 3300;
  const cleared = await eventually("the clearing event", latest, (e) => e["ActiveState.Id"] === false, 20_000);
  assert.equal(cleared.Retain, false, "acknowledged and confirmed, then cleared: nothing left to show");
  await subscription.terminate();
});

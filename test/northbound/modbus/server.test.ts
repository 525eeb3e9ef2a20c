import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ModbusExceptionError, ModbusTcpClient } from "../../../src/northbound/modbus/client.ts";
import { RecordingSource, rackSnapshot, startTestServer, type TestServer } from "./fixture.ts";
import { RawConnection, adu } from "./raw.ts";

/** Holding registers 0..40 of default.json for `rackSnapshot()`, worked out by hand from the map. */
const DEFAULT_HOLDING = [
  7926, 64302, 64558, 567, 975, 3342, 13, 9, 3281, 3, 6, 412, 13, 5, 185, 2, 2, 1400, 2805, 1109, 2223, 8640, 6720, 0,
  17, 0, 17, 0, 16, 3, 3, 1, 2, 4242, 1, 1219, 7919, 3305, 273, 0, 16,
];

async function expectException(promise: Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof ModbusExceptionError && error.code === code);
}

describe("Modbus server on the default map", () => {
  let t: TestServer;
  let client: ModbusTcpClient;
  before(async () => {
    t = await startTestServer();
    client = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
  });
  after(async () => {
    await client.close();
    await t.server.close();
  });

  test("holding registers 0..40 carry the snapshot exactly where the map says", async () => {
    assert.deepEqual(await client.read("holdingRegister", 0, 41), DEFAULT_HOLDING);
  });

  test("discrete inputs: connected, stop requested, and one level-3 bit per protection", async () => {
    assert.deepEqual(await client.read("discreteInput", 0, 2), [1, 1]);
    const bits = await client.read("discreteInput", 16, 20);
    assert.deepEqual(
      bits,
      bits.map((_, i) => (i === 4 ? 1 : 0)),
    ); // chargeOverTemperature is ALARM_IDS[4]
  });

  test("every register of the request must be mapped: a gap or an unmapped table is exception 02", async () => {
    await expectException(client.read("holdingRegister", 0, 42), 2);
    await expectException(client.read("holdingRegister", 41, 1), 2);
    await expectException(client.read("holdingRegister", 65535, 1), 2);
    await expectException(client.read("inputRegister", 0, 1), 2);
    await expectException(client.read("discreteInput", 0, 3), 2);
  });

  test("quantity 0 or above the function's limit is exception 03", async () => {
    await expectException(client.read("holdingRegister", 0, 0), 3);
    await expectException(client.read("holdingRegister", 0, 126), 3);
    await expectException(client.read("coil", 0, 2001), 3);
    await expectException(client.read("discreteInput", 0, 0), 3);
  });

  test("golden bytes: unknown functions 01, bad coil value 03, bad byte count 03", async () => {
    const raw = await RawConnection.open(t.server.port);
    try {
      assert.equal((await raw.exchange(adu(1, 1, [0x41, 0, 0]))).toString("hex"), "00010000000301c101");
      assert.equal((await raw.exchange(adu(2, 1, [0x08, 0, 0, 0x12, 0x34]))).toString("hex"), "000200000003018801");
      assert.equal((await raw.exchange(adu(3, 1, [0x2b, 0x0d, 1, 0]))).toString("hex"), "00030000000301ab01");
      assert.equal((await raw.exchange(adu(4, 1, [5, 0, 0, 0x12, 0x34]))).toString("hex"), "000400000003018503");
      assert.equal(
        (await raw.exchange(adu(5, 1, [0x10, 0, 100, 0, 1, 3, 0, 1, 0]))).toString("hex"),
        "000500000003019003",
      );
      assert.equal((await raw.exchange(adu(6, 1, [3, 0, 0, 0]))).toString("hex"), "000600000003018303");
      assert.equal(
        (await raw.exchange(adu(7, 1, [3, 0, 0, 0, 1]))).toString("hex"),
        "0007000000050103021ef6", // 7926 = 0x1EF6
      );
    } finally {
      raw.close();
    }
    assert.deepEqual(t.source.commands, []);
  });

  test("pipelined requests are answered in order", async () => {
    const raw = await RawConnection.open(t.server.port);
    try {
      const requests = Array.from({ length: 200 }, (_, i) => adu(i, 1, [3, 0, i % 41, 0, 1]));
      raw.send(Buffer.concat(requests));
      for (let i = 0; i < 200; i++) {
        const answer = await raw.take(11);
        assert.equal(answer.readUInt16BE(0), i);
        assert.equal(answer.readUInt16BE(9), DEFAULT_HOLDING[i % 41]);
      }
    } finally {
      raw.close();
    }
  });

  test("a wrong unit id gets no answer: the next request is answered first", async () => {
    const raw = await RawConnection.open(t.server.port);
    try {
      raw.send(Buffer.concat([adu(1, 9, [3, 0, 0, 0, 1]), adu(2, 1, [3, 0, 0, 0, 1])]));
      assert.equal((await raw.take(11)).readUInt16BE(0), 2);
    } finally {
      raw.close();
    }
  });

  test("a wrong protocol id closes the connection", async () => {
    const raw = await RawConnection.open(t.server.port);
    raw.send(Buffer.from([0, 1, 0, 7, 0, 6, 1, 3, 0, 0, 0, 1]));
    await raw.waitClosed();
    assert.equal(raw.closed, true);
  });

  test("device identification 43/14: basic objects, and one object on its own", async () => {
    const objects = await client.readDeviceIdentification(1, 1);
    assert.deepEqual([...objects.keys()], [0, 1, 2]);
    assert.equal(objects.get(0), "bcu");
    assert.equal(objects.get(1), "BCU");
    const regular = await client.readDeviceIdentification(1, 2);
    assert.equal(regular.get(4), "Battery Control Unit");
    assert.equal(regular.get(5), "1P240S LFP 280 Ah");
    await expectException(client.readDeviceIdentification(1, 4 + 1), 3);
    const single = await client.request(1, Buffer.from([0x2b, 0x0e, 4, 4]));
    assert.equal(single.subarray(9).toString("latin1"), "Battery Control Unit");
    await expectException(client.request(1, Buffer.from([0x2b, 0x0e, 4, 9])), 2);
  });

  test("commands: coils and holding registers become typed BCU commands with the client address", async () => {
    t.source.commands.length = 0;
    await client.writeCoil(0, true);
    await client.writeCoil(2, false); // 0 on a command coil: accepted, no command
    await client.writeRegister(100, 2);
    await client.writeRegisters(100, [1, 1, 7]);
    assert.deepEqual(t.source.commands, [
      { kind: "closeContactors", origin: "modbus:127.0.0.1" },
      { kind: "openContactors", origin: "modbus:127.0.0.1" },
      { kind: "closeContactors", origin: "modbus:127.0.0.1" },
      { kind: "resetFaults", origin: "modbus:127.0.0.1" },
      { kind: "pcsHeartbeat", origin: "modbus:127.0.0.1", value: 7 },
    ]);
    assert.deepEqual(await client.read("holdingRegister", 102, 1), [7], "the heartbeat reads back");
    await client.writeRegister(102, 0xffff);
    assert.deepEqual(await client.read("holdingRegister", 102, 1), [0xffff], "0xFFFF is a heartbeat value too");
  });

  test("a multi-register write applies whole or not at all", async () => {
    t.source.commands.length = 0;
    await expectException(client.writeRegisters(100, [1, 1, 7, 0]), 2); // 103 is not mapped
    await expectException(client.writeRegisters(100, [9, 1, 7]), 3); // 9 is no setOperation value
    await expectException(client.writeRegisters(0, [1]), 2); // read-only
    await expectException(client.writeCoils(0, [true, true, true, true]), 2); // coil 3 not mapped
    await expectException(client.writeRegister(101, 2), 3); // resetFaults is 0 or 1
    assert.equal(t.source.commands.length, 0);
    await client.writeCoils(0, [false, true, true]);
    assert.deepEqual(
      t.source.commands.map((c) => c.kind),
      ["openContactors", "resetFaults"],
    );
  });
});

describe("Modbus server: failure, unknown values, policy, limits, map switch", () => {
  test("a source that throws is exception 04; the server keeps answering", async () => {
    const source = new RecordingSource();
    const t = await startTestServer({}, source);
    const client = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
    try {
      source.latest = () => {
        throw new Error("broken");
      };
      await expectException(client.read("holdingRegister", 0, 1), 4);
      source.latest = () => rackSnapshot();
      assert.deepEqual(await client.read("holdingRegister", 0, 1), [7926]);
    } finally {
      await client.close();
      await t.server.close();
    }
  });

  test("before the first snapshot every point reads its not-available marker", async () => {
    const source = new RecordingSource();
    source.snapshot = null;
    const t = await startTestServer({}, source);
    const client = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
    try {
      const words = await client.read("holdingRegister", 0, 5);
      assert.deepEqual(words, [0xffff, 0x8000, 0x8000, 0xffff, 0xffff]);
      assert.deepEqual(await client.read("holdingRegister", 23, 2), [0xffff, 0xffff]);
    } finally {
      await client.close();
      await t.server.close();
    }
  });

  test("protection not running: alarm words read all ones, not 'no alarm'", async () => {
    const source = new RecordingSource();
    source.snapshot = rackSnapshot({ alarms: [], maxAlarmLevel: 0 });
    const t = await startTestServer({}, source);
    const client = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
    try {
      assert.deepEqual(await client.read("holdingRegister", 27, 3), [0xffff, 0xffff, 0xffff]);
    } finally {
      await client.close();
      await t.server.close();
    }
  });

  test("writes disabled, or a client not on the allow-list: exception 01 and no command", async () => {
    for (const modbus of [{ writesEnabled: false }, { writeAllowList: ["192.0.2.7"] }]) {
      const t = await startTestServer(modbus);
      const client = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
      try {
        await expectException(client.writeCoil(0, true), 1);
        await expectException(client.writeRegister(100, 1), 1);
        assert.deepEqual(await client.read("holdingRegister", 0, 1), [7926]);
        assert.deepEqual(t.source.commands, []);
      } finally {
        await client.close();
        await t.server.close();
      }
    }
  });

  test("exception 0B for a wrong unit id when configured", async () => {
    const t = await startTestServer({ wrongUnitIdResponse: "exception0B" });
    const raw = await RawConnection.open(t.server.port);
    try {
      assert.equal((await raw.exchange(adu(1, 9, [3, 0, 0, 0, 1]))).toString("hex"), "00010000000309830b");
    } finally {
      raw.close();
      await t.server.close();
    }
  });

  test("the connection limit closes a further connection; the others keep working", async () => {
    const t = await startTestServer({ maxConnections: 2 });
    const a = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
    const b = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
    await a.read("holdingRegister", 0, 1);
    await b.read("holdingRegister", 0, 1);
    const third = await RawConnection.open(t.server.port);
    try {
      await third.waitClosed();
      assert.deepEqual(await a.read("holdingRegister", 0, 1), [7926]);
      assert.equal(t.server.connectionCount(), 2);
    } finally {
      await a.close();
      await b.close();
      await t.server.close();
    }
  });

  test("an idle connection is closed after the idle timeout", async () => {
    const t = await startTestServer({ idleTimeout_ms: 1000 });
    const raw = await RawConnection.open(t.server.port);
    try {
      await raw.waitClosed();
      assert.equal(raw.closed, true);
    } finally {
      await t.server.close();
    }
  });

  test("switching the map keeps the connection open", async () => {
    const t = await startTestServer();
    const client = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
    try {
      assert.deepEqual(await client.read("holdingRegister", 0, 1), [7926]);
      t.server.useMap("sunspec");
      assert.equal(t.server.mapName(), "sunspec");
      assert.deepEqual(await client.read("holdingRegister", 40000, 2), [0x5375, 0x6e53]);
      await expectException(client.read("holdingRegister", 0, 1), 2);
    } finally {
      await client.close();
      await t.server.close();
    }
  });
});

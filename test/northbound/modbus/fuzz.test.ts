import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { test } from "node:test";
import { Prng } from "../../../src/util/prng.ts";
import { ModbusTcpClient } from "../../../src/northbound/modbus/client.ts";
import { startTestServer } from "./fixture.ts";
import { RawConnection } from "./raw.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const FUNCTIONS = [1, 2, 3, 4, 5, 6, 15, 16, 43, 0, 7, 8, 17, 22, 23, 0x41, 0x7f, 0x80, 0xff];
const REQUESTS = 100_000;
const BATCH = 500;

/** A random request PDU: a plausible one of a random function, sometimes truncated, extended or bit-flipped. */
function randomPdu(rng: Prng): number[] {
  const int = (n: number) => Math.floor(rng.next() * n);
  const fc = FUNCTIONS[int(FUNCTIONS.length)];
  const address = rng.next() < 0.5 ? int(130) : rng.next() < 0.5 ? 40000 + int(200) : int(65536);
  const quantity = rng.next() < 0.8 ? 1 + int(130) : int(65536);
  let pdu: number[];
  if (fc === 43) pdu = [43, rng.next() < 0.9 ? 14 : int(256), int(6), int(10)];
  else if (fc === 15 || fc === 16) {
    const bytes = fc === 16 ? 2 * (quantity & 0x7f) : ((quantity & 0x7ff) + 7) >> 3;
    pdu = [fc, address >> 8, address & 0xff, quantity >> 8, quantity & 0xff, bytes & 0xff];
    for (let i = 0; i < Math.min(bytes, 240); i++) pdu.push(int(256));
  } else pdu = [fc, address >> 8, address & 0xff, quantity >> 8, quantity & 0xff];
  const mutation = rng.next();
  if (mutation < 0.1)
    pdu = pdu.slice(0, 1 + int(pdu.length)); // truncated
  else if (mutation < 0.2)
    for (let i = 0; i < 1 + int(8); i++) pdu.push(int(256)); // trailing bytes
  else if (mutation < 0.35) pdu[int(pdu.length)] ^= 1 << int(8); // one bit flipped
  return pdu.slice(0, 253);
}

/** What a correct answer to `pdu` looks like: the same function, or its exception with a standard code. */
function checkAnswer(request: number[], answer: Buffer): string | null {
  const fc = answer[0];
  if (fc === request[0]) {
    if ((fc === 3 || fc === 4) && answer[1] !== 2 * ((request[3] << 8) | request[4])) return "byte count";
    return null;
  }
  if (fc !== (request[0] | 0x80)) return `function ${fc} to ${request[0]}`;
  return [1, 2, 3, 4].includes(answer[1]) && answer.length === 2 ? null : `exception ${answer[1]}`;
}

test(`fuzz: ${REQUESTS} random and mutated requests each answered correctly or dropped; server up, memory flat`, async () => {
  const t = await startTestServer({ map: new URL("./both-maps.json", import.meta.url).pathname });
  const rng = new Prng(20240605);
  const raw = await RawConnection.open(t.server.port);
  const counts = { answered: 0, exceptions: 0, dropped: 0 };
  const heapAt: number[] = [];
  try {
    for (let sent = 0; sent < REQUESTS; sent += BATCH) {
      const batch: { tid: number; pdu: number[]; unit: number }[] = [];
      for (let i = 0; i < BATCH; i++) {
        batch.push({
          tid: (sent + i) & 0xffff,
          pdu: randomPdu(rng),
          unit: rng.next() < 0.05 ? 2 + Math.floor(rng.next() * 250) : 1,
        });
      }
      raw.send(
        Buffer.concat(
          batch.map(({ tid, pdu, unit }) =>
            Buffer.from([tid >> 8, tid & 0xff, 0, 0, (pdu.length + 1) >> 8, (pdu.length + 1) & 0xff, unit, ...pdu]),
          ),
        ),
      );
      for (const request of batch) {
        if (request.unit !== 1) {
          counts.dropped++;
          continue;
        }
        const header = await raw.take(7);
        assert.equal(header.length, 7, "the server closed the connection");
        assert.equal(header.readUInt16BE(0), request.tid, "answers in request order");
        const body = await raw.take(header.readUInt16BE(4) - 1);
        const problem = checkAnswer(request.pdu, body);
        assert.equal(
          problem,
          null,
          `request ${Buffer.from(request.pdu).toString("hex")} answered ${body.toString("hex")}`,
        );
        if (body[0] & 0x80) counts.exceptions++;
        else counts.answered++;
      }
      if (sent % 20_000 === 0) {
        gc();
        heapAt.push(process.memoryUsage().heapUsed);
      }
    }
    // Still up for everyone, and a normal read still works.
    const client = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
    assert.deepEqual(await client.read("holdingRegister", 0, 1), [7926]);
    await client.close();
    const growth_MB = (heapAt[heapAt.length - 1] - heapAt[1]) / 1e6;
    assert.ok(growth_MB < 10, `heap grew ${growth_MB.toFixed(1)} MB`);
    assert.equal(counts.answered + counts.exceptions + counts.dropped, REQUESTS);
    assert.ok(counts.answered > 1000 && counts.exceptions > 1000, JSON.stringify(counts));
  } finally {
    raw.close();
    await t.server.close();
  }
});

test("fuzz: broken MBAP headers close only that connection", async () => {
  const t = await startTestServer();
  const rng = new Prng(7);
  const other = await ModbusTcpClient.connect("127.0.0.1", t.server.port);
  try {
    for (let i = 0; i < 300; i++) {
      const raw = await RawConnection.open(t.server.port);
      const protocolId = 1 + Math.floor(rng.next() * 65535);
      const length = rng.next() < 0.5 ? Math.floor(rng.next() * 2) : 255 + Math.floor(rng.next() * 65280);
      const bad = rng.next() < 0.5;
      raw.send(
        Buffer.from([
          0,
          1,
          bad ? protocolId >> 8 : 0,
          bad ? protocolId & 0xff : 0,
          bad ? 0 : length >> 8,
          bad ? 6 : length & 0xff,
          1,
          3,
          0,
          0,
          0,
          1,
        ]),
      );
      await raw.waitClosed();
    }
    assert.deepEqual(await other.read("holdingRegister", 0, 1), [7926]);
  } finally {
    await other.close();
    await t.server.close();
  }
});

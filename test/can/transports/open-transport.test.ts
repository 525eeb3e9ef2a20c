import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTransport } from "../../../src/can/transports/open-transport.ts";
import { VirtualCanBus } from "../../../src/can/transports/virtual-bus.ts";
import { CandumpLogTransport } from "../../../src/can/transports/candump-log.ts";
import { SocketCanOpenError } from "../../../src/can/transports/socketcan.ts";
import { CanTransportError } from "../../../src/can/transport.ts";
import { SimScheduler } from "../../../src/time/sim-scheduler.ts";

describe("openTransport", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bcu-open-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("opens a virtual endpoint on the given bus", async () => {
    const scheduler = new SimScheduler(0);
    const bus = new VirtualCanBus(scheduler);
    const bcu = await openTransport("virtual:bcu", { bus, scheduler });
    assert.equal(bcu.name, "virtual:bcu");
    const other = bus.endpoint("sim");
    const ids: number[] = [];
    bcu.onFrame((frame) => ids.push(frame.id));
    other.send({ id: 0x201, data: Uint8Array.of() });
    assert.deepEqual(ids, [0x201]);
    await assert.rejects(openTransport("virtual:bcu", { scheduler }), /needs the in-process bus/);
  });

  it("opens a candump log that replays from the first listener, stamped with the scheduler's time", async () => {
    const path = join(dir, "capture.log");
    writeFileSync(path, "(1700000000.000000) can0 201#01\n(1700000000.000000) can0 202#02\n");
    const scheduler = new SimScheduler(42_000);
    const transport = await openTransport(`candump:${path}`, { scheduler });
    assert.ok(transport instanceof CandumpLogTransport);
    assert.equal(transport.name, `candump:${path}`);
    const frames: [number, number][] = [];
    transport.onFrame((frame) => frames.push([frame.id, frame.timestampMs]));
    const summary = await transport.finished;
    assert.equal(summary.framesEmitted, 2);
    assert.deepEqual(frames, [
      [0x201, 42_000],
      [0x202, 42_000],
    ]);
    await assert.rejects(
      openTransport(`candump:${join(dir, "nope.log")}`, { scheduler }),
      /cannot read the log .*nope\.log/,
    );
  });

  it("opens socketcan:IFACE, failing here with the reason", async () => {
    await assert.rejects(openTransport("socketcan:nocan7", { scheduler: new SimScheduler() }), SocketCanOpenError);
  });

  it("refuses anything else with what was expected", async () => {
    const scheduler = new SimScheduler();
    for (const spec of ["", "can0", "virtual:", "socketcan:", "serial:/dev/ttyUSB0", "candump"]) {
      await assert.rejects(openTransport(spec, { scheduler }), (error: unknown) => {
        assert.ok(error instanceof CanTransportError, spec);
        assert.match(error.message, /expected virtual:NAME, socketcan:IFACE \(e\.g\. socketcan:can0\) or candump:PATH/);
        return true;
      });
    }
    await assert.rejects(openTransport("serial:x", { scheduler }), /unknown kind "serial"/);
  });
});

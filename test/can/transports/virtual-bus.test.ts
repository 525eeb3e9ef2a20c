import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { VirtualCanBus } from "../../../src/can/transports/virtual-bus.ts";
import type { ListenerErrorContext } from "../../../src/can/transports/virtual-bus.ts";
import { CanTransportError } from "../../../src/can/transport.ts";
import type { CanFrame } from "../../../src/can/frame.ts";
import { SimScheduler } from "../../../src/time/sim-scheduler.ts";

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const ids = (frames: CanFrame[]): number[] => frames.map((frame) => frame.id);

describe("VirtualCanBus", () => {
  it("delivers to every other endpoint, never back to the sender, stamped with the scheduler's time", () => {
    const sim = new SimScheduler(5000);
    const bus = new VirtualCanBus(sim);
    const bcu = bus.endpoint("bcu");
    const bmu = bus.endpoint("bmu1");
    const sensor = bus.endpoint("ivt");
    assert.equal(bcu.name, "virtual:bcu");
    const got = { bcu: [] as CanFrame[], bmu: [] as CanFrame[], sensor: [] as CanFrame[] };
    bcu.onFrame((frame) => got.bcu.push(frame));
    bmu.onFrame((frame) => got.bmu.push(frame));
    sensor.onFrame((frame) => got.sensor.push(frame));

    bmu.send({ id: 0x201, data: bytes(0, 0xe4, 0x0c, 0xe5, 0x0c, 0xe6, 0x0c, 0) });
    sim.runFor(10);
    bcu.send({ id: 0x0a0, data: bytes(7, 1, 0, 0, 0, 0, 0, 0x5a) });
    sim.runFor(1);
    sensor.send({ id: 0x1abcdef0, extended: true, data: bytes() });

    assert.deepEqual(ids(got.bcu), [0x201, 0x1abcdef0]);
    assert.deepEqual(ids(got.bmu), [0x0a0, 0x1abcdef0]);
    assert.deepEqual(ids(got.sensor), [0x201, 0x0a0]);
    assert.deepEqual(got.bcu[0], {
      id: 0x201,
      extended: false,
      data: bytes(0, 0xe4, 0x0c, 0xe5, 0x0c, 0xe6, 0x0c, 0),
      timestampMs: 5000,
    });
    assert.equal(got.bmu[0].timestampMs, 5010);
    assert.equal(got.bcu[1].timestampMs, 5011);
    assert.equal(got.bcu[1].extended, true);
    assert.equal(bus.framesDelivered, 3);
  });

  it("queues frames sent from inside a listener, so every endpoint sees wire order", () => {
    const bus = new VirtualCanBus(new SimScheduler(0));
    const a = bus.endpoint("a");
    const b = bus.endpoint("b");
    const c = bus.endpoint("c");
    const seenByA: number[] = [];
    const seenByC: number[] = [];
    // b answers each request 0x10 with 0x11 and 0x12; a answers 0x11 with 0x13.
    b.onFrame((frame) => {
      if (frame.id === 0x10) {
        b.send({ id: 0x11, data: bytes() });
        b.send({ id: 0x12, data: bytes() });
      }
    });
    a.onFrame((frame) => {
      seenByA.push(frame.id);
      if (frame.id === 0x11) a.send({ id: 0x13, data: bytes() });
    });
    c.onFrame((frame) => seenByC.push(frame.id));
    const tapped: number[] = [];
    bus.tap((frame) => tapped.push(frame.id));

    a.send({ id: 0x10, data: bytes() });
    // c received 0x10 completely before any answer: the answers were queued, not delivered re-entrantly.
    assert.deepEqual(seenByC, [0x10, 0x11, 0x12, 0x13]);
    assert.deepEqual(seenByA, [0x11, 0x12]);
    assert.deepEqual(tapped, [0x10, 0x11, 0x12, 0x13]);
    assert.equal(bus.framesDelivered, 4);
  });

  it("keeps delivering when a listener throws, then rethrows after delivery by default", () => {
    const bus = new VirtualCanBus(new SimScheduler(0));
    const sender = bus.endpoint("sender");
    const broken = bus.endpoint("broken");
    const healthy = bus.endpoint("healthy");
    const received: number[] = [];
    broken.onFrame((frame) => {
      if (frame.id === 1) broken.send({ id: 2, data: bytes() });
      if (frame.id === 5) return;
      throw new Error(`broken listener on 0x${frame.id.toString(16)}`);
    });
    healthy.onFrame((frame) => received.push(frame.id));
    const offSenderListener = sender.onFrame(() => {
      throw new Error("sender's listener is broken too");
    });
    assert.throws(
      () => sender.send({ id: 1, data: bytes() }),
      (error: unknown) => error instanceof AggregateError && error.errors.length === 2,
    );
    assert.deepEqual(received, [1, 2]);
    assert.equal(bus.listenerErrors, 2);
    offSenderListener();

    // One error is rethrown as is.
    assert.throws(() => sender.send({ id: 3, data: bytes() }), /broken listener on 0x3/);
    assert.deepEqual(received, [1, 2, 3]);
    // And the bus is not stuck afterwards.
    assert.throws(() => healthy.send({ id: 4, data: bytes() }), /broken listener on 0x4/);
    sender.send({ id: 5, data: bytes() }); // throws nothing: broken's listener only fails on 0x1..0x4
    assert.deepEqual(received, [1, 2, 3, 5]);
  });

  it("hands listener errors to onListenerError and does not throw", () => {
    const reported: { message: string; context: ListenerErrorContext }[] = [];
    const bus = new VirtualCanBus(new SimScheduler(0), {
      onListenerError: (error, context) => reported.push({ message: (error as Error).message, context }),
    });
    const sender = bus.endpoint("sender");
    const broken = bus.endpoint("broken");
    const healthy = bus.endpoint("healthy");
    broken.onFrame(() => {
      throw new Error("listener bug");
    });
    bus.tap(() => {
      throw new Error("tap bug");
    });
    let healthyCount = 0;
    healthy.onFrame(() => healthyCount++);
    sender.send({ id: 0x123, data: bytes(1) });
    assert.equal(healthyCount, 1);
    assert.deepEqual(
      reported.map((r) => [r.message, r.context.listenerOf, r.context.frame.id]),
      [
        ["tap bug", "tap", 0x123],
        ["listener bug", "virtual:broken", 0x123],
      ],
    );
  });

  it("refuses malformed frames with a CanTransportError and delivers nothing", () => {
    const bus = new VirtualCanBus(new SimScheduler(0));
    const sender = bus.endpoint("sender");
    const receiver = bus.endpoint("receiver");
    let count = 0;
    receiver.onFrame(() => count++);
    const bad = [
      { id: 0x800, data: bytes() },
      { id: -1, data: bytes() },
      { id: 1.5, data: bytes() },
      { id: 0x2000_0000, extended: true, data: bytes() },
      { id: 0x100, data: new Uint8Array(9) },
      { id: 0x100, data: [1, 2] as unknown as Uint8Array },
    ];
    for (const frame of bad) assert.throws(() => sender.send(frame), CanTransportError, JSON.stringify(frame));
    assert.throws(() => sender.send({ id: 0x800, data: bytes() }), /CAN id 0x800 is out of range for an 11-bit/);
    assert.throws(
      () => sender.send({ id: 0x100, data: new Uint8Array(9) }),
      /9 data bytes; classical CAN carries 0..8/,
    );
    sender.send({ id: 0x7ff, data: new Uint8Array(8) });
    sender.send({ id: 0x1fff_ffff, extended: true, data: bytes() });
    assert.equal(count, 2);
  });

  it("stops listeners on unsubscribe and endpoints on close; rejects a name already open", async () => {
    const bus = new VirtualCanBus(new SimScheduler(0));
    const a = bus.endpoint("a");
    const b = bus.endpoint("b");
    assert.throws(() => bus.endpoint("a"), /virtual:a is already open/);
    let count = 0;
    const off = b.onFrame(() => count++);
    a.send({ id: 1, data: bytes() });
    off();
    a.send({ id: 2, data: bytes() });
    assert.equal(count, 1);
    b.onFrame(() => count++);
    await b.close();
    await b.close();
    a.send({ id: 3, data: bytes() });
    assert.equal(count, 1);
    assert.throws(() => b.send({ id: 4, data: bytes() }), /virtual:b is closed/);
    assert.deepEqual(bus.endpointNames, ["virtual:a"]);
    const reopened = bus.endpoint("b");
    reopened.onFrame(() => count++);
    a.send({ id: 5, data: bytes() });
    assert.equal(count, 2);
  });

  it("lets a listener remove itself or another during delivery without skipping anyone", () => {
    const bus = new VirtualCanBus(new SimScheduler(0));
    const a = bus.endpoint("a");
    const b = bus.endpoint("b");
    const calls: string[] = [];
    const offSecond = b.onFrame(() => {
      calls.push("first");
      offSecond2();
    });
    const offSecond2 = b.onFrame(() => calls.push("second"));
    b.onFrame(() => calls.push("third"));
    a.send({ id: 1, data: bytes() });
    a.send({ id: 2, data: bytes() });
    offSecond();
    assert.deepEqual(calls, ["first", "second", "third", "first", "third"]);
  });

  it("drives request/response between simulated devices under the simulated scheduler", () => {
    const sim = new SimScheduler(0);
    const bus = new VirtualCanBus(sim);
    const bms = bus.endpoint("bms");
    const bmu = bus.endpoint("bmu");
    let alive = 0;
    sim.every(100, () => bmu.send({ id: 0x201, data: bytes(0, alive++ & 0xff) }));
    const seen: [number, number][] = [];
    bms.onFrame((frame) => seen.push([frame.timestampMs, frame.data[1]]));
    sim.runFor(350);
    assert.deepEqual(seen, [
      [100, 0],
      [200, 1],
      [300, 2],
    ]);
  });
});

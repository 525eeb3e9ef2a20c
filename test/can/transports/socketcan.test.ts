import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  SocketCanOpenError,
  SocketCanTransport,
  fromSocketcanMessage,
  toSocketcanMessage,
} from "../../../src/can/transports/socketcan.ts";
import type { RawChannelPort, SocketcanMessage } from "../../../src/can/transports/socketcan.ts";
import { CanBusError, describeErrorFrame } from "../../../src/can/transports/socketcan-errors.ts";
import { CanTransportError } from "../../../src/can/transport.ts";
import type { CanFrame } from "../../../src/can/frame.ts";

const NO_AF_CAN = "skipped: this kernel has no AF_CAN (SocketCAN sockets cannot be opened here)";

/**
 * Opens the first of vcan0/can0 that works. Returns the skip reason when this machine cannot do SocketCAN at
 * all; any other failure is a real failure of the test.
 */
async function openRealInterface(): Promise<{ iface: string } | { skip: string }> {
  let lastError: SocketCanOpenError | undefined;
  for (const iface of ["vcan0", "can0"]) {
    try {
      const probe = await SocketCanTransport.open(iface);
      await probe.close();
      return { iface };
    } catch (error) {
      assert.ok(error instanceof SocketCanOpenError, `unexpected error opening ${iface}: ${String(error)}`);
      if (error.reason === "no-af-can") return { skip: NO_AF_CAN };
      assert.equal(error.reason, "no-interface", error.message);
      lastError = error;
    }
  }
  return { skip: `skipped: no vcan0 or can0 interface (${lastError?.message ?? ""})` };
}

describe("SocketCanTransport on a real interface", () => {
  it("exchanges frames between two sockets on vcan0/can0, never back to the sender", async (t) => {
    const opened = await openRealInterface();
    if ("skip" in opened) {
      t.skip(opened.skip);
      return;
    }
    const a = await SocketCanTransport.open(opened.iface);
    const b = await SocketCanTransport.open(opened.iface);
    try {
      const atB = new Promise<CanFrame>((resolve) => b.onFrame(resolve));
      const atA: CanFrame[] = [];
      a.onFrame((frame) => atA.push(frame));
      a.send({ id: 0x1abcdef0, extended: true, data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) });
      const frame = await atB;
      assert.equal(frame.id, 0x1abcdef0);
      assert.equal(frame.extended, true);
      assert.deepEqual(frame.data, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
      assert.ok(frame.timestampMs > 1_600_000_000_000, "kernel receive time in ms since the epoch");
      assert.deepEqual(atA, []);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("names a missing interface, or the missing kernel support, in the open error", async () => {
    await assert.rejects(SocketCanTransport.open("nocan7"), (error: unknown) => {
      assert.ok(error instanceof SocketCanOpenError);
      assert.ok(error instanceof CanTransportError);
      if (error.reason === "no-af-can") assert.match(error.message, /this kernel has no AF_CAN/);
      else assert.match(error.message, /nocan7: no such network interface; .*ip link add dev nocan7 type vcan/);
      return true;
    });
    await assert.rejects(SocketCanTransport.open("can0; rm -rf /"), /is not a network interface name/);
  });
});

/**
 * The addon's channel cannot run on this kernel, so these tests stand in for it with a recording channel that
 * behaves as the addon does (synchronous callbacks, byte count from send). They check our side of the port.
 */
class RecordingChannel implements RawChannelPort {
  listener: ((message: SocketcanMessage) => void) | undefined;
  sent: SocketcanMessage[] = [];
  stopped = 0;
  sendResult = 16;
  addListener(_event: "onMessage", callback: (message: SocketcanMessage) => void): void {
    this.listener = callback;
  }
  start(): void {}
  stop(): void {
    this.stopped++;
  }
  send(message: SocketcanMessage): number {
    this.sent.push(message);
    return this.sendResult;
  }
}

describe("SocketCanTransport message handling", () => {
  it("converts frames to and from the addon's messages (golden values)", () => {
    assert.deepEqual(toSocketcanMessage({ id: 0x0a0, data: Uint8Array.of(7, 1, 0, 0, 0, 0, 0, 0xd4) }), {
      id: 0x0a0,
      ext: false,
      rtr: false,
      data: Buffer.from([7, 1, 0, 0, 0, 0, 0, 0xd4]),
    });
    const frame = fromSocketcanMessage({
      id: 0x1abcdef0,
      ext: true,
      data: Buffer.from([1, 2]),
      ts_sec: 1_700_000_000,
      ts_usec: 123_456,
    });
    assert.deepEqual(frame, {
      id: 0x1abcdef0,
      extended: true,
      data: Uint8Array.of(1, 2),
      timestampMs: 1_700_000_000_123.456,
    });
    assert.equal(Object.getPrototypeOf(frame.data), Uint8Array.prototype, "a plain Uint8Array, not a Buffer");
  });

  it("delivers frames, isolates a throwing listener, and reports error frames as CanBusError", async () => {
    const channel = new RecordingChannel();
    const transport = new SocketCanTransport("socketcan:test0", channel);
    const errors: CanTransportError[] = [];
    transport.onError((error) => errors.push(error));
    const ids: number[] = [];
    transport.onFrame(() => {
      throw new Error("decoder bug");
    });
    transport.onFrame((frame) => ids.push(frame.id));
    const deliver = channel.listener as (message: SocketcanMessage) => void;

    deliver({ id: 0x201, data: Buffer.from([1]), ts_sec: 1, ts_usec: 0 });
    deliver({ id: 0x123, rtr: true, data: Buffer.alloc(0) });
    deliver({ id: 0x040, err: true, data: Buffer.alloc(8) }); // CAN_ERR_BUSOFF
    assert.deepEqual(ids, [0x201]);
    assert.equal(transport.remoteFramesIgnored, 1);
    assert.equal(transport.errorFramesReceived, 1);
    assert.equal(errors.length, 2);
    assert.match(errors[0].message, /a frame listener of socketcan:test0 threw/);
    assert.ok(errors[1] instanceof CanBusError);
    assert.equal(errors[1].busOff, true);
    assert.match(errors[1].message, /^socketcan:test0: bus-off: .*termination/);

    transport.send({ id: 0x0a0, data: Uint8Array.of(1) });
    assert.deepEqual(channel.sent.at(-1), { id: 0x0a0, ext: false, rtr: false, data: Buffer.from([1]) });
    assert.throws(() => transport.send({ id: 0x800, data: Uint8Array.of() }), /out of range/);
    channel.sendResult = -1;
    assert.throws(() => transport.send({ id: 0x0a0, data: Uint8Array.of(1) }), /the kernel refused the frame 0xa0/);

    await transport.close();
    await transport.close();
    assert.equal(channel.stopped, 1);
    assert.throws(() => transport.send({ id: 1, data: Uint8Array.of() }), /closed/);
    deliver({ id: 0x201, data: Buffer.from([1]) });
    assert.deepEqual(ids, [0x201], "nothing after close");
  });

  it("describes controller, ACK and protocol errors", () => {
    const warning = describeErrorFrame("socketcan:can0", 0x004, Uint8Array.of(0, 0x08 | 0x20, 0, 0, 0, 0, 0, 0));
    assert.equal(warning.busOff, false);
    assert.match(warning.message, /controller: error warning on transmit \(TEC > 96\), error passive on transmit/);
    assert.match(describeErrorFrame("socketcan:can0", 0x020, new Uint8Array(8)).message, /no acknowledgement/);
    assert.match(
      describeErrorFrame("socketcan:can0", 0x008, Uint8Array.of(0, 0, 0x04, 0x0a, 0, 0, 0, 0)).message,
      /protocol violation \(type 0x04, location 0x0a\)/,
    );
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { silentLogger } from "../../src/daemon/log.ts";
import { createServiceNotifier, watchdogInterval } from "../../src/daemon/systemd.ts";

interface ServerSocket {
  bind(path: string): void;
  on(event: "message", listener: (message: Buffer) => void): void;
  close(): void;
}
const { createSocket } = createRequire(import.meta.url)("unix-dgram") as {
  createSocket: (type: "unix_dgram") => ServerSocket;
};

/** A stand-in for systemd's notify socket: a real AF_UNIX datagram socket in a temporary directory. */
function notifySocket(t: { after: (fn: () => void) => void }): { path: string; received: () => Promise<string[]> } {
  const dir = mkdtempSync(join(tmpdir(), "bcu-notify-"));
  const path = join(dir, "notify");
  const server = createSocket("unix_dgram");
  const messages: string[] = [];
  server.on("message", (message) => messages.push(message.toString()));
  server.bind(path);
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // Datagrams are delivered to the bound socket's event loop handler: give it a turn.
  const received = async (): Promise<string[]> => {
    for (let i = 0; i < 50 && messages.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    return [...messages];
  };
  return { path, received };
}

test("READY, STATUS and STOPPING reach the notify socket as sd_notify datagrams", async (t) => {
  const socket = notifySocket(t);
  const notifier = createServiceNotifier({ log: silentLogger, env: { NOTIFY_SOCKET: socket.path } });
  assert.equal(notifier.enabled, true);
  notifier.ready("CAN open, servers listening");
  notifier.stopping();
  notifier.close();
  assert.deepEqual(await socket.received(), ["READY=1\nSTATUS=CAN open, servers listening", "STOPPING=1"]);
});

test("the watchdog is fed from the cycle at half WATCHDOG_USEC, and not at all when the cycle stalls", async (t) => {
  const socket = notifySocket(t);
  let clock = 0;
  const notifier = createServiceNotifier({
    log: silentLogger,
    env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: "5000000", WATCHDOG_PID: String(process.pid) },
    monotonicMs: () => clock,
  });
  assert.equal(notifier.watchdogInterval_ms, 2500);
  // 10 s of 100 ms cycles: a ping at 0, 2.5, 5, 7.5 s.
  for (; clock < 10_000; clock += 100) notifier.cycleAlive();
  // The cycle stalls for 20 s: no cycleAlive, so no ping, whatever the timers do.
  clock += 20_000;
  notifier.close();
  assert.deepEqual(await socket.received(), Array(4).fill("WATCHDOG=1"));
});

test("no NOTIFY_SOCKET (not under systemd): every call is a no-op", () => {
  const notifier = createServiceNotifier({ log: silentLogger, env: {} });
  notifier.ready();
  notifier.cycleAlive();
  assert.equal(notifier.enabled, false);
  assert.equal(notifier.sent, 0);
});

test("a watchdog meant for another process (WATCHDOG_PID) or unset is not fed", () => {
  assert.equal(watchdogInterval({ WATCHDOG_USEC: "4000000", WATCHDOG_PID: "1" }, 4242), null);
  assert.equal(watchdogInterval({}, 4242), null);
  assert.equal(watchdogInterval({ WATCHDOG_USEC: "4000000" }, 4242), 2000);
});

test("a notify socket that does not exist is logged, never thrown", () => {
  const errors: string[] = [];
  const log = { ...silentLogger, error: (m: string) => void errors.push(m) };
  const notifier = createServiceNotifier({ log, env: { NOTIFY_SOCKET: "/nonexistent/notify" } });
  notifier.ready();
  assert.equal(notifier.enabled, false);
  assert.match(errors[0], /cannot open NOTIFY_SOCKET/);
});

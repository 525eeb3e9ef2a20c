import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import type { Logger } from "./log.ts";

/**
 * sd_notify(3) for `Type=notify`: READY=1, STOPPING=1, RELOADING=1, STATUS=... and WATCHDOG=1, sent as unix
 * datagrams to `$NOTIFY_SOCKET`. Node's `dgram` has no AF_UNIX datagrams, so the socket comes from `unix-dgram`
 * (a small native module with no library dependency); spawning `systemd-notify` instead is racy (systemd must
 * still find the sender's cgroup when it reads the message) and costs a process per watchdog ping.
 *
 * The watchdog is fed from the BCU cycle (`cycleAlive` on each snapshot), never from a timer of its own: a stalled
 * cycle stops the feeding and systemd restarts the daemon after `WatchdogSec`.
 */
export interface ServiceNotifier {
  /** Started by systemd with a notify socket. */
  readonly enabled: boolean;
  /** Feeding interval (half of `WatchdogSec`), null when the watchdog is off or not for this process. */
  readonly watchdogInterval_ms: number | null;
  readonly sent: number;
  ready(status?: string): void;
  reloading(): void;
  stopping(): void;
  status(text: string): void;
  /** From each BCU cycle: sends WATCHDOG=1 when half the watchdog interval has passed since the last one. */
  cycleAlive(): void;
  close(): void;
}

/** How a datagram reaches the socket: the real one, or a test's. */
export type DatagramSender = (message: Buffer) => void;

export interface NotifierOptions {
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly pid?: number;
  /** Monotonic milliseconds (the watchdog must not follow the wall clock). */
  readonly monotonicMs?: () => number;
  /** Replaces the unix datagram socket (tests). */
  readonly send?: DatagramSender;
}

export function createServiceNotifier(options: NotifierOptions): ServiceNotifier {
  const env = options.env ?? process.env;
  const pid = options.pid ?? process.pid;
  const now = options.monotonicMs ?? (() => performance.now());
  const socketPath = env.NOTIFY_SOCKET;
  const { log } = options;
  let send: DatagramSender | null = null;
  let close = (): void => {};
  if (socketPath) {
    if (options.send) {
      send = options.send;
    } else {
      const opened = openNotifySocket(socketPath, log);
      send = opened?.send ?? null;
      close = opened?.close ?? close;
    }
  }
  const watchdogInterval_ms = watchdogInterval(env, pid);
  let lastFeedMs = -Infinity;
  let sent = 0;
  let failed = false;
  const notify = (text: string): void => {
    if (!send) return;
    try {
      send(Buffer.from(text));
      sent++;
      failed = false;
    } catch (error) {
      // Logged once per run of failures: the watchdog pings every few seconds.
      if (!failed) log.error("cannot notify systemd", { socket: socketPath, error });
      failed = true;
    }
  };
  return {
    enabled: send !== null,
    watchdogInterval_ms,
    get sent() {
      return sent;
    },
    ready: (status) => notify(status ? `READY=1\nSTATUS=${status}` : "READY=1"),
    reloading: () => notify("RELOADING=1"),
    stopping: () => notify("STOPPING=1"),
    status: (text) => notify(`STATUS=${text}`),
    cycleAlive: () => {
      if (watchdogInterval_ms === null) return;
      const t = now();
      if (t - lastFeedMs < watchdogInterval_ms) return;
      lastFeedMs = t;
      notify("WATCHDOG=1");
    },
    close: () => {
      send = null;
      close();
    },
  };
}

/** Half of `$WATCHDOG_USEC`, when it is set and `$WATCHDOG_PID` (if set) is this process. */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return null;
  return usec / 1000 / 2;
}

interface UnixDgramSocket {
  connect(path: string): void;
  send(buffer: Buffer, callback?: (error?: Error) => void): void;
  close(): void;
  on(event: "error", listener: (error: Error) => void): void;
}

function openNotifySocket(path: string, log: Logger): { send: DatagramSender; close: () => void } | null {
  if (path.startsWith("@")) {
    // Abstract sockets (containers) need a length-exact address unix-dgram cannot express.
    log.error(
      "NOTIFY_SOCKET is an abstract socket, which bcu cannot use: READY and the watchdog will not reach systemd",
      {
        socket: path,
      },
    );
    return null;
  }
  try {
    const require = createRequire(import.meta.url);
    const { createSocket } = require("unix-dgram") as { createSocket: (type: "unix_dgram") => UnixDgramSocket };
    const socket = createSocket("unix_dgram");
    let lastError: Error | null = null;
    socket.on("error", (error) => {
      lastError = error;
    });
    socket.connect(path);
    if (lastError) {
      // An open socket keeps the event loop alive: close it, or the process could not exit.
      socket.close();
      throw lastError;
    }
    return {
      send: (message) => {
        let error: Error | undefined;
        socket.send(message, (e) => {
          error = e;
        });
        if (error) throw error;
      },
      close: () => socket.close(),
    };
  } catch (error) {
    log.error("cannot open NOTIFY_SOCKET: READY and the watchdog will not reach systemd", { socket: path, error });
    return null;
  }
}

/** One step of the ordered shutdown. */
export interface ShutdownStep {
  readonly name: string;
  run(): void | Promise<void>;
  /** A step that takes longer is abandoned (logged) and the next one runs. */
  readonly timeout_ms?: number;
}

export interface ShutdownOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: unknown;
}

/**
 * Runs the shutdown in its fixed order, each step guarded: one that throws or hangs is logged and the next still
 * runs (the final state must be written even when a server will not close). For the daemon: STOPPING=1, servers
 * stop accepting, contactors (finish or open, per configuration), the BCU cycle stops, final state written and
 * the store closed, CAN closed.
 */
export async function runShutdown(steps: readonly ShutdownStep[], log: Logger): Promise<ShutdownOutcome[]> {
  const outcomes: ShutdownOutcome[] = [];
  for (const step of steps) {
    const timeout_ms = step.timeout_ms ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => step.run()),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`did not finish within ${timeout_ms} ms`)), timeout_ms);
        }),
      ]);
      outcomes.push({ name: step.name, ok: true });
    } catch (error) {
      log.error("shutdown step failed; going on with the next", { step: step.name, error });
      outcomes.push({ name: step.name, ok: false, error });
    } finally {
      clearTimeout(timer);
    }
  }
  return outcomes;
}

/**
 * A part of the daemon that takes a new configuration on reload. `prepare` checks it and returns the function that
 * applies it, or throws (with a message an operator can act on) to refuse it; nothing is applied before every
 * participant has prepared.
 */
export interface ReloadParticipant<C> {
  readonly name: string;
  prepare(config: C): () => void;
}

export type ReloadOutcome<C> =
  { readonly ok: true; readonly config: C } | { readonly ok: false; readonly reason: string };

/**
 * SIGHUP and `bcu reload`: loads the configuration (and whatever the participants read, such as the register
 * maps), has every participant prepare it, then applies all. Any failure refuses the whole reload and the running
 * configuration stays. Never throws.
 */
export function reloadConfiguration<C>(
  load: () => C,
  participants: readonly ReloadParticipant<C>[],
  log: Logger,
): ReloadOutcome<C> {
  let config: C;
  try {
    config = load();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.warn("reload refused: the configuration does not load; the running one stays", { reason });
    return { ok: false, reason };
  }
  const commits: (() => void)[] = [];
  for (const participant of participants) {
    try {
      commits.push(participant.prepare(config));
    } catch (error) {
      const reason = `${participant.name}: ${error instanceof Error ? error.message : String(error)}`;
      log.warn("reload refused; the running configuration stays", { reason });
      return { ok: false, reason };
    }
  }
  for (const commit of commits) commit();
  log.info("configuration reloaded", { participants: participants.map((p) => p.name) });
  return { ok: true, config };
}

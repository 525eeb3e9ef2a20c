import { isAbsolute, join } from "node:path";
import type { BcuCommand, CommandResult } from "../bcu/commands.ts";
import type { BcuEvent } from "../bcu/events.ts";
import type { Snapshot } from "../bcu/snapshot.ts";
import type { StoreConfig } from "../config/sections/store.ts";
import type { Logger } from "../daemon/log.ts";
import { pointCatalog } from "../points/catalog.ts";
import type { PointDefinition } from "../points/point.ts";
import { CellTrendWriter } from "./cell-trend.ts";
import { openStoreDatabase, type StoreDatabase } from "./database.ts";
import { StoreError } from "./errors.ts";
import { EventLog } from "./event-log.ts";
import { PackTrendWriter } from "./pack-trend.ts";
import { PersistenceHealth, type PersistenceAlarm, type PersistenceListener } from "./persistence-health.ts";
import { rackFingerprint } from "./rack-fingerprint.ts";
import { StateTable, judgePersisted, type PersistedComponent, type RestoreVerdict } from "./state-store.ts";
import { TrendLayouts } from "./trend-layout.ts";
import { trendedPackPoints } from "./trended-points.ts";

/** The part of the configuration the store reads. */
export interface StoreOwnConfig {
  readonly store: StoreConfig;
  readonly daemon: { readonly dataDir: string };
  readonly rack: unknown;
}

/** A part of the BCU whose state survives a restart: `capture` returns a JSON-serialisable value. */
export interface StateProvider {
  readonly component: string;
  readonly version: number;
  capture(): unknown;
}

export interface StoreOptions {
  readonly config: StoreOwnConfig;
  readonly log: Logger;
  /** Wall clock for start-up decisions and daemon events; snapshot times drive everything else. */
  readonly nowMs?: () => number;
  /** The catalog `store.packTrendPoints` selects from (default: the point catalog). */
  readonly points?: readonly PointDefinition[];
}

export interface RestoredState {
  readonly verdicts: readonly RestoreVerdict[];
  /** A component's persisted state when it is fresh and of this rack, else null. */
  get(component: string): PersistedComponent | null;
}

/** At most this many events wait in memory while the database cannot be written; older ones are dropped. */
const MAX_PENDING_EVENTS = 10_000;

/** The database file of a configuration: `store.path`, relative to `daemon.dataDir` unless absolute. */
export function storeFilePath(config: StoreOwnConfig): string {
  return isAbsolute(config.store.path) ? config.store.path : join(config.daemon.dataDir, config.store.path);
}

/**
 * The daemon's persistence: state, event log and trends in one SQLite file. It runs on the daemon's thread and
 * its writes are synchronous, so "written" means on the disk; no method throws for a database failure: the
 * failure becomes the `persistence` alarm (see `alarm()`), events wait in memory and the database is retried
 * every `store.retryInterval_s`.
 */
export class BcuStore {
  readonly path: string;
  private config: StoreConfig;
  private db: StoreDatabase | null = null;
  private parts: {
    state: StateTable;
    events: EventLog;
    layouts: TrendLayouts;
    pack: PackTrendWriter;
    cells: CellTrendWriter | null;
  } | null = null;
  private readonly health: PersistenceHealth;
  private readonly providers = new Map<string, StateProvider>();
  private readonly lastWrittenJson = new Map<string, string>();
  private readonly pending: BcuEvent[] = [];
  private readonly fingerprint: string;
  private readonly nowMs: () => number;
  private packPoints: readonly PointDefinition[];
  private nextPackMs = -Infinity;
  private nextCellMs = -Infinity;
  private nextStateMs = -Infinity;
  private nextMaintenanceMs = -Infinity;
  private nextRetryMs = -Infinity;
  private cellLayoutKey = "";
  droppedEvents = 0;
  lastStateWriteMs: number | null = null;

  constructor(private readonly options: StoreOptions) {
    this.path = storeFilePath(options.config);
    this.config = options.config.store;
    this.health = new PersistenceHealth(this.config.failureAlarmLevel);
    this.fingerprint = rackFingerprint(options.config.rack);
    this.nowMs = options.nowMs ?? Date.now;
    this.packPoints = this.selectPackPoints(this.config);
    this.tryOpen(this.nowMs());
  }

  /** The database connection while it is open (tests, benchmarks); null while persistence fails to open. */
  get database(): StoreDatabase | null {
    return this.db;
  }

  get persistenceOk(): boolean {
    return this.health.ok && this.db !== null;
  }

  alarm(): PersistenceAlarm {
    return this.health.alarm();
  }

  onPersistenceChange(listener: PersistenceListener): () => void {
    return this.health.onChange(listener);
  }

  get pendingEvents(): number {
    return this.pending.length;
  }

  /**
   * The persisted components usable at start (fresh, same rack), read once before the BCU state is created.
   * Records the verdict in the event log.
   */
  restore(): RestoredState {
    const now = this.nowMs();
    let verdicts: RestoreVerdict[] = [];
    if (this.parts) {
      try {
        verdicts = judgePersisted(this.parts.state.readAll(), this.fingerprint, now, this.config.stateMaxAge_s * 1000);
      } catch (error) {
        this.fail("reading the persisted state", error, now);
      }
    }
    for (const v of verdicts) {
      this.recordEvent({
        timeMs: now,
        kind: "system",
        source: v.restored ? v.component.component : v.component,
        level: 0,
        message: v.restored
          ? `persisted ${v.component.component} state restored (${v.age_s.toFixed(1)} s old)`
          : `persisted ${v.component} state not restored: ${v.reason}`,
      });
    }
    const usable = new Map<string, PersistedComponent>();
    for (const v of verdicts) if (v.restored) usable.set(v.component.component, v.component);
    return { verdicts, get: (component) => usable.get(component) ?? null };
  }

  /** Registers a component whose state is persisted (replaces one of the same name). */
  registerState(provider: StateProvider): void {
    this.providers.set(provider.component, provider);
  }

  /** Every cycle: events at once, trends at their rates, state when due, retention when due. Never throws. */
  onSnapshot(snapshot: Snapshot): void {
    const t = snapshot.timeMs;
    for (const event of snapshot.events) this.queue(event);
    if (!this.ready(t)) return;
    this.flushEvents(t);
    // Samples fall on multiples of their interval, the first one included.
    if (this.nextPackMs === -Infinity) this.nextPackMs = ceilTick(t, this.config.packTrendInterval_s);
    if (this.nextCellMs === -Infinity) this.nextCellMs = ceilTick(t, this.config.cellTrendInterval_s);
    if (t >= this.nextPackMs) {
      this.nextPackMs = nextTick(t, this.config.packTrendInterval_s);
      this.guard("writing the pack trend", t, () =>
        this.trendWrite(() =>
          this.parts?.pack.write(
            t,
            this.packPoints.map((p) => toNumber(p.read(snapshot))),
          ),
        ),
      );
    }
    if (t >= this.nextCellMs) {
      this.nextCellMs = nextTick(t, this.config.cellTrendInterval_s);
      this.guard("writing the cell trend", t, () =>
        this.trendWrite(() => this.cellWriter(snapshot)?.write(t, snapshot.measurements)),
      );
    }
    if (t >= this.nextStateMs) this.writeState(t, false);
    if (t >= this.nextMaintenanceMs) {
      this.nextMaintenanceMs = t + this.config.maintenanceInterval_s * 1000;
      this.guard("applying retention", t, () => this.applyRetention(t));
    }
    this.settle(t);
  }

  /**
   * Appends an event (a daemon event, a configuration change). Returns true when it is on the disk
   * ("acknowledged"), false when it waits in memory because the database cannot be written.
   */
  recordEvent(event: BcuEvent): boolean {
    this.queue(event);
    if (!this.ready(event.timeMs)) return false;
    const written = this.flushEvents(event.timeMs);
    this.settle(event.timeMs);
    return written;
  }

  /** A command and the BCU's answer, with who asked (`modbus:192.0.2.7`, `opcua:alice`, `cli`). */
  recordCommand(command: Pick<BcuCommand, "kind" | "origin">, result: CommandResult): boolean {
    return this.recordEvent({
      timeMs: result.timeMs,
      kind: result.accepted ? "command" : "commandRefused",
      source: command.kind,
      level: 0,
      message: result.accepted ? `${command.kind} accepted` : `${command.kind} refused: ${result.reason}`,
      origin: command.origin,
    });
  }

  /** Writes every registered component's state now when it changed (at shutdown). Returns true when written. */
  flushState(nowMs: number): boolean {
    if (!this.ready(nowMs, true)) return false;
    return this.writeState(nowMs, true);
  }

  /**
   * Applies a reloaded configuration. Intervals, retention and the trend's points take effect at once; a new
   * file path or rack needs a restart and is refused with a StoreError (the running configuration stays).
   */
  reconfigure(config: StoreOwnConfig): void {
    const points = this.checkReconfigure(config);
    this.config = config.store;
    this.packPoints = points;
    if (this.db) this.parts = this.buildParts(this.db);
    this.nextPackMs = this.nextCellMs = this.nextStateMs = this.nextMaintenanceMs = -Infinity;
  }

  /**
   * The reload's prepare step: throws the StoreError `reconfigure` would, changes nothing. Returns the pack trend
   * points the configuration selects.
   */
  checkReconfigure(config: StoreOwnConfig): readonly PointDefinition[] {
    if (storeFilePath(config) !== this.path) {
      throw new StoreError(
        `store.path changed to ${storeFilePath(config)}: restart the daemon to use another database`,
      );
    }
    if (rackFingerprint(config.rack) !== this.fingerprint) {
      throw new StoreError("the rack configuration changed: restart the daemon (the persisted state is per rack)");
    }
    return this.selectPackPoints(config.store);
  }

  /** The points the pack trend records now, in row order (see `trendedPackPoints`). */
  get packTrendPoints(): readonly PointDefinition[] {
    return this.packPoints;
  }

  private selectPackPoints(store: StoreConfig): readonly PointDefinition[] {
    const points = trendedPackPoints(store.packTrendPoints, this.options.points ?? pointCatalog);
    const leftOut = store.packTrendPoints.filter((id) => !points.some((p) => p.id === id));
    if (leftOut.length > 0) {
      this.options.log.warn("store.packTrendPoints: nameplate points are configuration constants, not trended", {
        points: leftOut,
      });
    }
    return points;
  }

  /** Final state, a `stopped` event, WAL folded into the file, closed. Never throws. */
  close(nowMs: number = this.nowMs()): void {
    this.flushState(nowMs);
    this.recordEvent({ timeMs: nowMs, kind: "system", source: "daemon", level: 0, message: "bcu stopped" });
    const db = this.db;
    this.db = null;
    this.parts = null;
    if (!db) return;
    try {
      db.pragma("wal_checkpoint(TRUNCATE)");
    } catch (error) {
      this.options.log.warn("WAL checkpoint at close failed", { error });
    }
    db.close();
  }

  /** Applies retention now (the maintenance does it every `store.maintenanceInterval_s`). */
  applyRetention(nowMs: number): void {
    const db = this.db;
    const parts = this.parts;
    if (!db || !parts) return;
    const day = 86_400_000;
    const r = this.config.retention;
    parts.events.applyRetention(nowMs - r.event_days * day, r.eventMaxRows);
    db.transaction(() => {
      parts.pack.aggregateBefore(nowMs - r.packTrendFine_days * day);
      db.prepare("DELETE FROM pack_trend WHERE time_ms < ?").run(nowMs - r.packTrendFine_days * day);
      db.prepare("DELETE FROM pack_trend_minute WHERE time_ms < ?").run(nowMs - r.packTrendMinute_days * day);
      db.prepare("DELETE FROM cell_trend WHERE time_ms < ?").run(nowMs - r.cellTrend_days * day);
    })();
  }

  /**
   * Trend rows commit without waiting for the disk (synchronous = NORMAL: in WAL mode a power cut may lose the
   * last seconds of trend, never corrupt the file); events and state keep FULL, and their fsync carries the
   * trend rows before them along. A fsync per second on the cycle's thread would stall it on a slow disk.
   */
  private trendWrite(write: () => void): void {
    const db = this.db;
    if (!db) return;
    db.pragma("synchronous = NORMAL");
    try {
      write();
    } finally {
      db.pragma("synchronous = FULL");
    }
  }

  private writeState(t: number, force: boolean): boolean {
    this.nextStateMs = t + this.config.stateWriteInterval_s * 1000;
    const rows: { component: string; version: number; rackFingerprint: string; timeMs: number; json: string }[] = [];
    for (const provider of this.providers.values()) {
      let json: string;
      try {
        json = JSON.stringify(provider.capture());
      } catch (error) {
        this.options.log.error("a component's state cannot be captured", { component: provider.component, error });
        continue;
      }
      // Written on change only: a rack at rest does not rewrite the same state every interval.
      if (!force && this.lastWrittenJson.get(provider.component) === json) continue;
      rows.push({
        component: provider.component,
        version: provider.version,
        rackFingerprint: this.fingerprint,
        timeMs: t,
        json,
      });
    }
    if (rows.length === 0) return true;
    const ok = this.guard("writing the persisted state", t, () => this.parts?.state.write(rows));
    if (ok) {
      for (const row of rows) this.lastWrittenJson.set(row.component, row.json);
      this.lastStateWriteMs = t;
    }
    return ok;
  }

  private queue(event: BcuEvent): void {
    this.pending.push(event);
    if (this.pending.length > MAX_PENDING_EVENTS) {
      this.pending.shift();
      this.droppedEvents++;
    }
  }

  private flushEvents(t: number): boolean {
    if (this.pending.length === 0) return true;
    const batch = this.pending.splice(0);
    const ok = this.guard("appending events", t, () => this.parts?.events.append(batch));
    if (!ok) this.pending.unshift(...batch.slice(0, MAX_PENDING_EVENTS - this.pending.length));
    return ok;
  }

  /**
   * True when writing may be tried now. After a failure, writing pauses for `store.retryInterval_s` (the database
   * is reopened when it was never open), then resumes; the alarm clears after a further interval without failure.
   */
  private ready(t: number, force = false): boolean {
    if (!force && t < this.nextRetryMs) return false;
    if (!this.parts) return this.tryOpen(t);
    return true;
  }

  /** Runs a write; a failure raises the persistence alarm instead of throwing. */
  private guard(what: string, t: number, write: () => void): boolean {
    try {
      write();
      return true;
    } catch (error) {
      this.fail(what, error, t);
      return false;
    }
  }

  /** Clears the alarm when writing has worked for a whole retry interval. */
  private settle(t: number): void {
    const cleared = this.health.settle(t, this.config.retryInterval_s * 1000);
    if (!cleared) return;
    this.options.log.info("persistence works again", { path: this.path });
    this.queue(cleared);
    this.flushEvents(t);
  }

  private fail(what: string, error: unknown, t: number): void {
    const raised = this.health.failed(what, error, t);
    this.nextRetryMs = t + this.config.retryInterval_s * 1000;
    if (raised) {
      this.options.log.error("persistence failed: protection continues", { path: this.path, what, error });
      this.queue(raised);
    }
  }

  private tryOpen(t: number): boolean {
    try {
      const opened = openStoreDatabase(this.path);
      this.db = opened.db;
      this.parts = this.buildParts(opened.db);
      if (opened.migrated.length > 0) {
        this.options.log.info("database schema migrated", {
          path: this.path,
          versions: opened.migrated,
          backup: opened.backupPath,
        });
      }
      return true;
    } catch (error) {
      this.fail("opening the database", error, t);
      return false;
    }
  }

  private buildParts(db: StoreDatabase): NonNullable<BcuStore["parts"]> {
    const layouts = new TrendLayouts(db);
    const packLayout = layouts.idOf(
      "pack",
      this.packPoints.map((p) => p.id),
    );
    this.cellLayoutKey = "";
    return {
      state: new StateTable(db),
      events: new EventLog(db),
      layouts,
      pack: new PackTrendWriter(db, packLayout),
      cells: null,
    };
  }

  /** The cell trend's layout is the snapshot's topology, known at the first snapshot. */
  private cellWriter(snapshot: Snapshot): CellTrendWriter | null {
    const parts = this.parts;
    const db = this.db;
    if (!parts || !db) return null;
    const topology = {
      bmuCount: snapshot.topology.bmuCount,
      cellsPerBmu: snapshot.topology.cellsPerBmu,
      temperatureSensorsPerBmu: snapshot.topology.temperatureSensorsPerBmu,
    };
    const key = JSON.stringify(topology);
    if (parts.cells === null || key !== this.cellLayoutKey) {
      parts.cells = new CellTrendWriter(db, parts.layouts.idOf("cells", topology));
      this.cellLayoutKey = key;
    }
    return parts.cells;
  }
}

/** Opens the store and records the start in the event log. Never throws for a database failure. */
export function startStore(options: StoreOptions): BcuStore {
  const store = new BcuStore(options);
  const nowMs = (options.nowMs ?? Date.now)();
  store.recordEvent({ timeMs: nowMs, kind: "system", source: "daemon", level: 0, message: "bcu started" });
  return store;
}

function toNumber(value: number | boolean | null): number | null {
  return typeof value === "boolean" ? (value ? 1 : 0) : value;
}

/** The first multiple of `interval_s` at or after `t`. */
function ceilTick(t: number, interval_s: number): number {
  const step = interval_s * 1000;
  return Math.ceil(t / step) * step;
}

/** The next multiple of `interval_s` after `t`: samples stay on whole seconds whatever the cycle's phase. */
function nextTick(t: number, interval_s: number): number {
  const step = interval_s * 1000;
  return Math.floor(t / step) * step + step;
}

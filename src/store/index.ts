/** Persistence: state, event log and trends in one SQLite file. The daemon uses `startStore`; the CLI the queries. */
export { BcuStore, startStore, storeFilePath } from "./store.ts";
export type { RestoredState, StateProvider, StoreOptions, StoreOwnConfig } from "./store.ts";
export type { PersistenceAlarm } from "./persistence-health.ts";
export type { PersistedComponent, RestoreVerdict } from "./state-store.ts";
export { openStoreDatabase, openStoreReadOnly, integrityCheck } from "./database.ts";
export { queryEvents, type EventQuery, type LoggedEvent } from "./event-log.ts";
export { queryPackTrend, type TrendSample, type TrendResolution } from "./pack-trend.ts";
export { parseCellPointId, queryCellTrend } from "./cell-trend.ts";
export { TrendLayouts } from "./trend-layout.ts";
export { readsNameplate, trendedPackPoints } from "./trended-points.ts";
export { rackFingerprint } from "./rack-fingerprint.ts";
export { PersistenceError, SchemaVersionError, StoreError, TrendQueryError } from "./errors.ts";

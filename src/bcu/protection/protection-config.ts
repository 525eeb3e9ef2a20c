import { ALARM_IDS, type AlarmId } from "./alarm-ids.ts";

/**
 * The protection table: one row per alarm id, up to three levels each. Level 1 reports; level 2 derates the
 * limits by its `derateFactor` and reports; level 3 sets the limits to 0, asks the PCS to stop and opens the
 * contactors (`open`). Thresholds are in the alarm's `tableUnit` (alarm-ids.ts); `direction` says which side
 * trips. A level that is `null` is not evaluated.
 *
 * Debounce is in measurement time: the condition must hold on every cycle for `setDebounce_ms` before the level
 * trips, and the value must stay on the safe side of `release` for `clearDebounce_ms` before it clears.
 */
export interface ProtectionLevel {
  readonly threshold: number;
  /** Hysteresis: the level clears only once the value is back at or beyond this (below it for "high"). */
  readonly release: number;
  readonly setDebounce_ms: number;
  readonly clearDebounce_ms: number;
  /** A latched level stays reported (and acts) after its cause is gone, until a reset command is accepted. */
  readonly latching: boolean;
}

export interface DerateLevel extends ProtectionLevel {
  /** Multiplier of the charge and discharge limits while this level is active, 0..1. */
  readonly derateFactor: number;
}

/**
 * When level 3 opens the contactors: after `gracePeriod_ms` (the PCS ramps down first), at once, or at once only
 * while the rack charges / discharges (e.g. cell over-voltage while charging). A current that is unknown counts as
 * both (fail safe).
 */
export type OpenMode = "afterGrace" | "immediate" | "immediateWhileCharging" | "immediateWhileDischarging";
export const OPEN_MODES: readonly OpenMode[] = [
  "afterGrace",
  "immediate",
  "immediateWhileCharging",
  "immediateWhileDischarging",
];

export interface DisconnectLevel extends ProtectionLevel {
  readonly open: OpenMode;
  /** A second threshold past which the contactors open at once whatever `open` says (null: none). */
  readonly openAtOnceBeyond: number | null;
}

export interface ProtectionRowLevels {
  readonly level1: ProtectionLevel | null;
  readonly level2: DerateLevel | null;
  readonly level3: DisconnectLevel | null;
}

export interface ProtectionRow extends ProtectionRowLevels {
  readonly id: AlarmId;
}

/** A level as a file writes it: always present, switched off with `enabled: false` (the program sees null). */
export type LevelDocument<L extends ProtectionLevel> = L & { readonly enabled: boolean };

export interface ProtectionRowDocument {
  readonly level1: LevelDocument<ProtectionLevel>;
  readonly level2: LevelDocument<DerateLevel>;
  readonly level3: LevelDocument<DisconnectLevel>;
}

/** A band of the mean cell voltage at rest, both ends included (mV). */
export interface CellVoltageWindow {
  readonly low: number;
  readonly high: number;
  /**
   * The measured mean is brought back to rest with this per-cell DC resistance (mean + I·R, I + = discharge), so
   * a charge current cannot lift the mean of cells at the steep bottom into the window, nor a discharge current
   * push plateau cells out of it.
   */
  readonly cellResistance_mOhm: number;
}

/** The section as written in a configuration file: the table is a mapping by alarm id, so one row can be edited. */
export interface ProtectionConfigDocument {
  readonly gracePeriod_ms: number;
  readonly restCurrent_A: number;
  readonly cellVoltageDifferenceWindow_mV: CellVoltageWindow;
  readonly table: Readonly<Record<AlarmId, ProtectionRowDocument>>;
}

/** What the protection reads: the table as rows in `ALARM_IDS` order (row i is alarm i). */
export interface ProtectionConfig {
  /** Time the PCS gets to ramp down after a level-3 fault before the contactors open (open mode "afterGrace"). */
  readonly gracePeriod_ms: number;
  /** Above this current magnitude the rack charges (current < -restCurrent_A) or discharges; at or below, it rests. */
  readonly restCurrent_A: number;
  /**
   * `cellVoltageDifference` is judged only while the mean cell voltage is within this window (the LFP plateau).
   * Off the plateau the OCV curve is steep, and the capacity spread of healthy cells alone makes hundreds of mV
   * between them at the ends of a cycle; there `cellUnderVoltage` / `cellOverVoltage` protect each cell. Outside,
   * the value is unknown and the alarm holds its state.
   */
  readonly cellVoltageDifferenceWindow_mV: CellVoltageWindow;
  readonly table: readonly ProtectionRow[];
}

export function resolveProtectionConfig(document: ProtectionConfigDocument): ProtectionConfig {
  return {
    gracePeriod_ms: document.gracePeriod_ms,
    restCurrent_A: document.restCurrent_A,
    cellVoltageDifferenceWindow_mV: { ...document.cellVoltageDifferenceWindow_mV },
    table: ALARM_IDS.map(({ id }) => {
      const row = document.table[id];
      return { id, level1: enabled(row.level1), level2: enabled(row.level2), level3: enabled(row.level3) };
    }),
  };
}

function enabled<L extends ProtectionLevel>(level: LevelDocument<L>): L | null {
  if (!level.enabled) return null;
  const { enabled: _enabled, ...spec } = level;
  return spec as unknown as L;
}

/** A problem the cross-field check found, at `path` relative to the section. */
export interface ProtectionConfigIssue {
  readonly path: string;
  readonly reason: string;
}

/**
 * Checks what the schema cannot: thresholds ordered from level 1 to level 3 in the alarm's direction, release on
 * the safe side of its threshold, the fail-safe rows keeping their level 3, and a window that is not empty.
 */
export function checkProtectionConfig(config: ProtectionConfig): ProtectionConfigIssue[] {
  const issues: ProtectionConfigIssue[] = [];
  const window = config.cellVoltageDifferenceWindow_mV;
  if (!(window.low < window.high)) {
    issues.push({
      path: "cellVoltageDifferenceWindow_mV.high",
      reason: `must be above cellVoltageDifferenceWindow_mV.low (${window.low} mV): the cell voltage difference is judged only while the mean cell voltage is between them, got ${window.high} mV`,
    });
  }
  config.table.forEach((row, index) => {
    const definition = ALARM_IDS[index];
    const high = definition.direction === "high";
    const base = `table.${row.id}`;
    const levels = [row.level1, row.level2, row.level3];
    let previous: { level: number; threshold: number } | null = null;
    levels.forEach((spec, k) => {
      if (spec === null) return;
      const path = `${base}.level${k + 1}`;
      const safeSide = high ? spec.release <= spec.threshold : spec.release >= spec.threshold;
      if (!safeSide) {
        issues.push({
          path: `${path}.release`,
          reason: `must be ${high ? "at or below" : "at or above"} the threshold ${spec.threshold} ${definition.tableUnit} (${row.id} trips when the value is ${high ? "high" : "low"}), got ${spec.release}`,
        });
      }
      if (previous !== null) {
        const ordered = high ? spec.threshold >= previous.threshold : spec.threshold <= previous.threshold;
        if (!ordered) {
          issues.push({
            path: `${path}.threshold`,
            reason: `must be ${high ? "at or above" : "at or below"} level ${previous.level}'s threshold ${previous.threshold} ${definition.tableUnit}: a higher level is a worse condition, got ${spec.threshold}`,
          });
        }
      }
      previous = { level: k + 1, threshold: spec.threshold };
    });
    const level3 = row.level3;
    if (level3 === null && definition.level3Required) {
      issues.push({
        path: `${base}.level3`,
        reason: `${row.id} protects the cells and must keep its level 3 (fail safe); raise its threshold instead of removing it`,
      });
    }
    if (level3 !== null && level3.openAtOnceBeyond !== null) {
      const beyond = high ? level3.openAtOnceBeyond >= level3.threshold : level3.openAtOnceBeyond <= level3.threshold;
      if (!beyond) {
        issues.push({
          path: `${base}.level3.openAtOnceBeyond`,
          reason: `must be ${high ? "at or above" : "at or below"} level 3's threshold ${level3.threshold} ${definition.tableUnit}, got ${level3.openAtOnceBeyond}`,
        });
      }
    }
  });
  return issues;
}

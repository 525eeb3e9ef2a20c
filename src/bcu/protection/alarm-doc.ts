import { ALARM_IDS } from "./alarm-ids.ts";
import { levelSpec } from "./protection.ts";
import type { ProtectionConfig } from "./protection-config.ts";

/**
 * The protection table as Markdown, one line per alarm and level, generated from `ALARM_IDS` and a configuration
 * (docs/alarms.md holds it for the defaults; a test keeps it current).
 */
export function renderAlarmTable(config: ProtectionConfig): string {
  const lines = [
    "| id | level | trips at | releases at | set / clear debounce | latching | action |",
    "|---|---|---|---|---|---|---|",
  ];
  config.table.forEach((row, index) => {
    const definition = ALARM_IDS[index];
    const relation = definition.direction === "high" ? "≥" : "≤";
    const back = definition.direction === "high" ? "≤" : "≥";
    const unit = definition.tableUnit;
    for (const k of [1, 2, 3]) {
      const spec = levelSpec(row, k);
      if (spec === null) continue;
      let action = "report";
      if (k === 2 && row.level2 !== null) action = `derate × ${row.level2.derateFactor}`;
      if (k === 3 && row.level3 !== null) {
        action = `stop, open ${row.level3.open}`;
        if (row.level3.openAtOnceBeyond !== null)
          action += `; at once ${relation} ${row.level3.openAtOnceBeyond} ${unit}`;
      }
      lines.push(
        `| \`${row.id}\` | ${k} | ${relation} ${spec.threshold} ${unit} | ${back} ${spec.release} ${unit} | ${spec.setDebounce_ms} / ${spec.clearDebounce_ms} ms | ${spec.latching ? "yes" : "no"} | ${action} |`,
      );
    }
  });
  return lines.join("\n");
}

/** The alarm ids with title, unit and description, as Markdown. */
export function renderAlarmList(): string {
  const lines = ["| id | title | value | description |", "|---|---|---|---|"];
  for (const d of ALARM_IDS) {
    const applies =
      d.appliesWhen === "always"
        ? ""
        : ` (only while ${d.appliesWhen === "charging" ? "charging" : "discharging or resting"})`;
    lines.push(`| \`${d.id}\` | ${d.title} | ${d.unit}${applies} | ${d.description} |`);
  }
  return lines.join("\n");
}

import { DataType, LocalizedText, StatusCodes, coerceNodeId } from "node-opcua";
import type { Namespace, UAAlarmConditionEx, UAObject, UAVariable } from "node-opcua";
import { ALARM_IDS } from "../../bcu/protection/alarm-ids.ts";
import type { AlarmView, Snapshot } from "../../bcu/snapshot.ts";
import { engineeringUnits, type VariableBinding } from "./address-space.ts";
import { derivedValue, type PublishedValue } from "./value-quality.ts";

/** OPC UA severity (1..1000) per BCU level: 1 warn → low, 2 derate → medium, 3 disconnect → high; 0 → cleared. */
export const SEVERITY_BY_LEVEL = [100, 300, 600, 900] as const;

export interface AlarmDefinitionLike {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly unit: string;
}

interface ConditionEntry {
  readonly definition: AlarmDefinitionLike;
  readonly condition: UAAlarmConditionEx;
  level: number;
  latched: boolean;
}

/**
 * One AlarmCondition per protection of `ALARM_IDS` (a protection added there gets its condition with no change
 * here), under `Rack/Protection`, with the Rack as source. Each condition also carries the protection's Level,
 * Latched, Value and Threshold as variables. `update` turns every change of level or latch into a condition event
 * (severity by level); Acknowledge, Confirm and ConditionRefresh are node-opcua's own.
 */
export class RackConditions {
  private readonly entries: ConditionEntry[] = [];
  readonly bindings: VariableBinding[] = [];

  constructor(namespace: Namespace, rack: UAObject, definitions: readonly AlarmDefinitionLike[] = ALARM_IDS) {
    const protection = namespace.addObject({
      componentOf: rack,
      nodeId: "s=Rack.Protection",
      browseName: "Protection",
      description: "One alarm condition per protection (three levels each), with its level, value and threshold.",
      eventNotifier: 1,
      notifierOf: rack,
    });
    for (const definition of definitions) {
      const base = `Rack.Protection.${definition.id}`;
      const condition = namespace.instantiateAlarmCondition("AlarmConditionType", {
        componentOf: protection,
        nodeId: `s=${base}`,
        browseName: definition.id,
        displayName: definition.title,
        description: definition.description,
        conditionSource: rack,
        conditionName: definition.id,
        inputNode: coerceNodeId(`s=${base}.Value`, namespace.index),
        optionals: ["ConfirmedState", "Confirm"],
      });
      condition.setEnabledState(true);
      // node-opcua drops Retain on Confirm even while the alarm is still active; OPC UA Part 9 keeps an active
      // condition retained (ConditionRefresh must still report it).
      condition.on("confirmed", () => {
        const branch = condition.currentBranch();
        if (branch.getActiveState()) branch.setRetain(true);
      });
      const entry: ConditionEntry = { definition, condition, level: 0, latched: false };
      this.entries.push(entry);
      this.addVariables(namespace, entry, base);
    }
  }

  private addVariables(namespace: Namespace, entry: ConditionEntry, base: string): void {
    const { definition, condition } = entry;
    const find = (s: Snapshot): AlarmView | undefined => s.alarms.find((a) => a.id === definition.id);
    const unknown: PublishedValue = { value: null, quality: "badNoCommunication" };
    const add = (
      name: string,
      dataType: DataType,
      description: string,
      read: (alarm: AlarmView) => number | boolean | null,
      unit = "",
    ): void => {
      const units = unit === "" ? null : engineeringUnits(unit);
      const variable: UAVariable = namespace.addVariable({
        componentOf: condition,
        nodeId: `s=${base}.${name}`,
        browseName: name,
        description,
        dataType: DataType[dataType],
        minimumSamplingInterval: 0,
        accessLevel: "CurrentRead",
        userAccessLevel: "CurrentRead",
      });
      if (units) {
        namespace.addVariable({
          propertyOf: variable,
          browseName: { name: "EngineeringUnits", namespaceIndex: 0 },
          dataType: "EUInformation",
          value: { dataType: DataType.ExtensionObject, value: units },
        });
      }
      variable.setValueFromSource({ dataType: DataType.Null }, StatusCodes.BadWaitingForInitialData);
      this.bindings.push({
        variable,
        dataType,
        read: (s) => {
          const alarm = find(s);
          return alarm === undefined ? unknown : derivedValue(read(alarm));
        },
      });
    };
    add("Level", DataType.Int32, "0 none, 1 warning, 2 derate, 3 disconnect.", (a) => a.level);
    add("Latched", DataType.Boolean, "A level 3 that waits for its cause to go and a reset.", (a) => a.latched);
    add("Value", DataType.Double, "The value the protection judges.", (a) => a.value, definition.unit);
    add("Threshold", DataType.Double, "The threshold of the current level.", (a) => a.threshold, definition.unit);
  }

  /** Raises a condition event for every protection whose level or latch changed in `snapshot`. */
  update(snapshot: Snapshot): void {
    if (snapshot.alarms.length === 0) return;
    const time = new Date(snapshot.timeMs);
    for (const entry of this.entries) {
      const alarm = snapshot.alarms.find((a) => a.id === entry.definition.id);
      if (alarm === undefined || (alarm.level === entry.level && alarm.latched === entry.latched)) continue;
      this.transition(entry, alarm, snapshot, time);
    }
  }

  private transition(entry: ConditionEntry, alarm: AlarmView, snapshot: Snapshot, time: Date): void {
    const { condition, definition } = entry;
    const escalated = alarm.level > entry.level;
    entry.level = alarm.level;
    entry.latched = alarm.latched;
    const message = messageFor(definition, alarm, snapshot);
    const severity = SEVERITY_BY_LEVEL[alarm.level];
    if (alarm.level > 0) {
      // A new or higher level asks for a new acknowledgement; a lower one keeps the operator's.
      if (escalated) {
        condition.activateAlarm();
        condition.currentBranch().setConfirmedStateIfExists(false);
      }
      condition.raiseNewCondition({ message, severity, quality: StatusCodes.Good, retain: true, time });
      return;
    }
    const branch = condition.currentBranch();
    const retain = !branch.getAckedState() || !branch.getConfirmedState();
    condition.deactivateAlarm(retain);
    condition.raiseNewCondition({ message, severity, quality: StatusCodes.Good, retain, time });
  }

  /** The condition node of a protection, for tests and the docs. */
  conditionOf(id: string): UAAlarmConditionEx | undefined {
    return this.entries.find((e) => e.definition.id === id)?.condition;
  }
}

const LEVEL_WORDS = ["cleared", "warning", "derate", "disconnect"] as const;

/** The protection's own event message of this cycle when there is one, else the level in words. */
function messageFor(definition: AlarmDefinitionLike, alarm: AlarmView, snapshot: Snapshot): LocalizedText {
  const event = [...snapshot.events].reverse().find((e) => e.source === definition.id && e.kind.startsWith("alarm"));
  if (event !== undefined) return new LocalizedText({ text: event.message });
  const latched = alarm.latched ? " (latched: reset required)" : "";
  return new LocalizedText({ text: `${definition.title}: ${LEVEL_WORDS[alarm.level]}${latched}` });
}

import { DataType, StatusCodes, Variant } from "node-opcua";
import type { StatusCode } from "node-opcua";
import type { Snapshot } from "../../bcu/snapshot.ts";
import type { VariableBinding } from "./address-space.ts";
import type { Quality } from "./value-quality.ts";

const STATUS: Readonly<Record<Quality, StatusCode>> = {
  good: StatusCodes.Good,
  uncertainHeld: StatusCodes.UncertainLastUsableValue,
  badNoCommunication: StatusCodes.BadNoCommunication,
  badSensorFailure: StatusCodes.BadSensorFailure,
};

export function statusOf(quality: Quality): StatusCode {
  return STATUS[quality];
}

function variantOf(dataType: DataType, value: number | boolean | string | null): Variant {
  if (value === null) return new Variant({ dataType: DataType.Null });
  if (dataType === DataType.Boolean) return new Variant({ dataType, value: value === true || value === 1 });
  if (dataType === DataType.String) return new Variant({ dataType, value: String(value) });
  if (typeof value === "boolean") return new Variant({ dataType, value: value ? 1 : 0 });
  if (typeof value === "string") return new Variant({ dataType: DataType.Null });
  return new Variant({ dataType, value: dataType === DataType.Double ? value : Math.round(value) });
}

/**
 * Pushes one snapshot into the tree: every variable gets the snapshot's time as source timestamp and a status
 * from the value's quality, every cycle, so a value never stays Good after its source went quiet.
 */
export function publishSnapshot(bindings: readonly VariableBinding[], snapshot: Snapshot): void {
  const sourceTimestamp = new Date(snapshot.timeMs);
  for (const binding of bindings) {
    const { value, quality } = binding.read(snapshot);
    binding.variable.setValueFromSource(variantOf(binding.dataType, value), STATUS[quality], sourceTimestamp);
  }
}

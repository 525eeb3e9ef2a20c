import { createHash } from "node:crypto";

/**
 * A short hash of the rack configuration (`config.rack`): persisted state carries the fingerprint of the rack it
 * was computed for and is restored only on the same one (a changed cell count or capacity makes per-cell SOC
 * and capacity estimates meaningless). Keys are sorted, so the order they are written in does not matter.
 */
export function rackFingerprint(rack: unknown): string {
  return createHash("sha256").update(canonicalJson(rack)).digest("hex").slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

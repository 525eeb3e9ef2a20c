/**
 * `overlay` merged over `base`, deep: mappings merge key by key; anything else in `overlay` (a scalar, an array,
 * null, a mapping where `base` has none) replaces. Neither input is modified.
 */
export function mergeDeep(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return structuredClone(overlay);
  const merged: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(overlay)) {
    const next = Object.hasOwn(merged, key) ? mergeDeep(merged[key], value) : structuredClone(value);
    // defineProperty, not assignment: a key named `__proto__` stays a (reportable) key, not a prototype.
    Object.defineProperty(merged, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Path segments inside a document: keys of mappings and indexes of sequences. */
export type DocPath = readonly (string | number)[];

/** `["rack", "cell", "capacity_Ah"]` → `rack.cell.capacity_Ah`; `["maps", 2, "unitId"]` → `maps[2].unitId`. */
export function formatDocPath(path: DocPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? segment : `.${segment}`;
  }
  return text;
}

/** An ajv `instancePath` (a JSON pointer: `/maps/2/unitId`) as segments; array indexes become numbers. */
export function fromJsonPointer(pointer: string, document: unknown): (string | number)[] {
  if (pointer === "") return [];
  const segments: (string | number)[] = [];
  let node = document;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    const segment = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    node = node !== null && typeof node === "object" ? (node as Record<string | number, unknown>)[segment] : undefined;
  }
  return segments;
}

/** `"cell.minVoltage_V"` → `["cell", "minVoltage_V"]` (for paths written by hand in cross-field checks). */
export function parseDottedPath(path: string): string[] {
  return path === "" ? [] : path.split(".");
}

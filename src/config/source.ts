import { extname } from "node:path";
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { Node } from "yaml";
import { ConfigError } from "./errors.ts";
import type { ConfigIssue } from "./errors.ts";
import type { DocPath } from "./path.ts";

export interface SourcePosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/**
 * Where a path of the parsed document is written in the file: its value, or its key (`"key"`: for an unknown
 * key, the key is the mistake). When the path is not in the file (a default), the nearest ancestor that is.
 */
export type SourceLocator = (path: DocPath, target: "key" | "value") => SourcePosition | undefined;

export interface ParsedConfigText {
  readonly fileName: string;
  /** The document as plain data; `{}` for an empty file. */
  readonly data: unknown;
  readonly locate: SourceLocator;
}

export type ConfigFormat = "yaml" | "json";

/** The format of a configuration file, by extension. Throws `ConfigError` for any other extension. */
export function configFormatOf(fileName: string): ConfigFormat {
  const extension = extname(fileName).toLowerCase();
  if (extension === ".yaml" || extension === ".yml") return "yaml";
  if (extension === ".json") return "json";
  throw new ConfigError([
    {
      file: fileName,
      path: "",
      reason: `unknown file type "${extension}": a configuration file is YAML (.yaml, .yml) or JSON (.json)`,
    },
  ]);
}

/**
 * Parses a YAML or JSON configuration text (by the extension of `fileName`) and keeps a map back to line and
 * column. Throws `ConfigError` listing every syntax error. JSON is checked with `JSON.parse` (strict JSON: no
 * comments, no trailing commas) and positioned with the YAML parser, which reads JSON too.
 */
export function parseConfigText(text: string, fileName: string): ParsedConfigText {
  const format = configFormatOf(fileName);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positionOf = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const issues: ConfigIssue[] = [...doc.errors, ...doc.warnings].map((error) => ({
    file: fileName,
    path: "",
    reason: `${format === "json" ? "JSON" : "YAML"} syntax: ${firstLine(error.message)}`,
    ...positionOf(error.pos[0]),
  }));
  if (format === "json" && issues.length === 0) {
    try {
      JSON.parse(text);
    } catch (error) {
      // Valid YAML but not JSON (a comment, a single quote, a trailing comma). V8 names the offset in some messages.
      const message = firstLine((error as Error).message);
      const offset = /at position (\d+)/.exec(message)?.[1];
      const position = offset === undefined ? {} : positionOf(Number(offset));
      issues.push({
        file: fileName,
        path: "",
        reason: `JSON syntax: ${message.replace(/ at position \d+.*$/, "")}`,
        ...position,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const data: unknown = doc.contents === null ? {} : doc.toJS({ maxAliasCount: 1000 });
  const locate: SourceLocator = (path, target) => {
    const found = findNode(doc.contents, path);
    // The document's start says nothing about where a missing key belongs.
    if (found.depth === 0 && path.length > 0) return undefined;
    const node = target === "key" && found.exact ? (found.key ?? found.node) : found.node;
    return node?.range ? positionOf(node.range[0]) : undefined;
  };
  return { fileName, data, locate };
}

interface FoundNode {
  readonly node: Node | null;
  readonly key: Node | null;
  /** The whole path was found (not just an ancestor). */
  readonly exact: boolean;
  /** How many segments of the path were found. */
  readonly depth: number;
}

function findNode(root: Node | null, path: DocPath): FoundNode {
  let node: Node | null = root;
  let key: Node | null = null;
  for (const [depth, segment] of path.entries()) {
    let next: Node | null | undefined;
    let nextKey: Node | null = null;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => (isScalar(item.key) ? String(item.key.value) : item.key) === String(segment),
      );
      next = pair?.value as Node | null | undefined;
      nextKey = (pair?.key as Node | null | undefined) ?? null;
      // `key:` with no value: point at the key.
      if (pair !== undefined && next === null) next = nextKey;
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment] as Node | undefined;
    }
    if (next === undefined || next === null) return { node, key, exact: false, depth };
    node = next;
    key = nextKey;
  }
  return { node, key, exact: true, depth: path.length };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

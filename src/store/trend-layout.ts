import type { StoreDatabase } from "./database.ts";

export type LayoutKind = "pack" | "cells";

/** The `trend_layout` table: the id of a layout (inserted on first use), and a layout's items by id (cached). */
export class TrendLayouts {
  private readonly cache = new Map<number, unknown>();

  constructor(private readonly db: StoreDatabase) {}

  idOf(kind: LayoutKind, items: unknown): number {
    const json = JSON.stringify(items);
    const found = this.db.prepare("SELECT id FROM trend_layout WHERE kind = ? AND items = ?").get(kind, json) as
      { id: number } | undefined;
    if (found) return found.id;
    return Number(
      this.db.prepare("INSERT INTO trend_layout (kind, items) VALUES (?, ?)").run(kind, json).lastInsertRowid,
    );
  }

  itemsOf<T>(id: number): T {
    let items = this.cache.get(id);
    if (items === undefined) {
      const row = this.db.prepare("SELECT items FROM trend_layout WHERE id = ?").get(id) as
        { items: string } | undefined;
      items = row ? (JSON.parse(row.items) as unknown) : null;
      this.cache.set(id, items);
    }
    return items as T;
  }
}

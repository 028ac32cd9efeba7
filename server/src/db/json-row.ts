import { getTableColumns, type Column, type InferSelectModel, type Table } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';

/** Per table, once: each column's key, its name in `to_json(row)` and the column (for its mapping). */
const layouts = new WeakMap<Table, [key: string, name: string, column: Column][]>();

function layoutOf(table: Table) {
  let layout = layouts.get(table);
  if (!layout) {
    layout = Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.keyAsName ? toSnakeCase(key) : column.name, column]);
    layouts.set(table, layout);
  }
  return layout;
}

/**
 * A row read as `to_json(<table>)` inside a larger statement (snake_case keys, timestamps as text), as
 * the row drizzle's own select of that table gives: every column of the table, each mapped as drizzle
 * maps it (Date, number for bigint fen). A column added to the table later is carried along by itself.
 */
export function rowFromJson<T extends Table>(table: T, json: Record<string, unknown>): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  for (const [key, name, column] of layoutOf(table)) {
    const value = json[name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}

/**
 * A row of `table` from a row read in array mode (drizzle's `select().from(table)` order: the table's
 * columns as declared), its columns starting at `offset`, each mapped as drizzle maps it: what drizzle's
 * own mapper gives, without its per-column path walk (db/prepared-rows.ts says why that matters).
 */
export function rowFromValues<T extends Table>(table: T, values: readonly unknown[], offset = 0): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  const layout = layoutOf(table);
  for (let i = 0; i < layout.length; i++) {
    const [key, , column] = layout[i]!;
    const value = values[offset + i];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}

/** How many values a row of `table` takes in array mode (where the next selected column starts). */
export function columnCount(table: Table): number {
  return layoutOf(table).length;
}

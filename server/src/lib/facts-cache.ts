/**
 * A bounded in-process map of facts that never change once written (a shop's platform, a SKU's shop
 * and code): entries are never invalidated, so only such facts may go in, and only for rows that
 * were found. Past its bound it starts over rather than grow without limit.
 */
export class FactsCache<V> {
  private readonly entries = new Map<string, V>();

  /** The bound is far above any real catalog (~100–150 bytes an entry). */
  constructor(private readonly maxEntries = 200_000) {}

  get(id: string): V | undefined {
    return this.entries.get(id);
  }

  remember(found: Iterable<readonly [string, V]>): void {
    const list = [...found];
    if (this.entries.size + list.length > this.maxEntries) this.entries.clear();
    for (const [id, value] of list) this.entries.set(id, value);
  }

  /** The facts of `ids`, loading the missing ones first; ids not found are left out (and not cached). */
  async lookUp(ids: readonly string[], load: (missing: string[]) => Promise<Iterable<readonly [string, V]>>): Promise<Map<string, V>> {
    const missing = ids.filter((id) => !this.entries.has(id));
    if (missing.length > 0) this.remember(await load(missing));
    const result = new Map<string, V>();
    for (const id of ids) {
      const value = this.entries.get(id);
      if (value !== undefined) result.set(id, value);
    }
    return result;
  }
}

/** One value per database object, made on first use (the tests run PGlite and PostgreSQL side by side in one process). */
export function perDatabase<T>(make: () => T): (db: object) => T {
  const values = new WeakMap<object, T>();
  return (db) => {
    let value = values.get(db);
    if (value === undefined) values.set(db, (value = make()));
    return value;
  };
}

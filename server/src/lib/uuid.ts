const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every row id is a UUID: anything else names no row, and must not reach a uuid column (PostgreSQL refuses it). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

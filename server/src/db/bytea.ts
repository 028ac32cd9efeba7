import { customType } from 'drizzle-orm/pg-core';

/** bytea as a Uint8Array. postgres-js hands back a Buffer (a Uint8Array) and PGlite a Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

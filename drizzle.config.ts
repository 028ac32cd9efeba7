import { defineConfig } from 'drizzle-kit';

// drizzle-kit only diffs the table definitions; it never connects to a database here.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/src/db/tables.ts',
  out: './migrations',
  casing: 'snake_case',
});

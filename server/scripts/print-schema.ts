import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { printSortedSchema } from '../src/schema.js';

// `npm run schema:print` writes the SDL; `npm run schema:check` fails when the committed file is stale.
const target = path.resolve(import.meta.dirname, '../../schema/schema.graphql');
const printed = printSortedSchema();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // a missing file is simply stale
  }
  if (committed !== printed) {
    console.error('schema/schema.graphql is stale: run `npm run schema:print` and commit the result.');
    process.exit(1);
  }
  console.log('schema/schema.graphql is up to date.');
} else {
  writeFileSync(target, printed);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { extractTrustedDocuments, MANIFEST_PATH } from '../src/auth/trusted-documents.js';

// Run by `npm run build:client` after Vite: the screen's operations, by id, for screen keys.
const manifest = extractTrustedDocuments();
mkdirSync(path.dirname(MANIFEST_PATH), { recursive: true });
writeFileSync(MANIFEST_PATH, `${JSON.stringify(Object.fromEntries(manifest), null, 2)}\n`);
console.log(`trusted documents: ${manifest.size} operations → ${path.relative(process.cwd(), MANIFEST_PATH)}`);

// postinstall: mends postgres.js 3.4.9 where it takes the whole process down when PostgreSQL goes away.
// Both were found by the cluster test that restarts PostgreSQL mid-ingest (server/test/cluster/).
//
// 1. Under a transaction (porsager/postgres#1208; fixes proposed upstream in #1168/#1209, none
// released): with six transactions in flight, every `pg_ctl stop -m fast` crashed the process.
// What goes wrong: after a connection closes (socket = null), the transaction's ROLLBACK or next
// statement is still written to it; a write under 1 KB is sent from a setImmediate, which dereferences
// the null socket and throws where no caller can catch it. And close() cancels a pending write without
// forgetting it, so its bytes would lead the next socket's startup message and later small writes
// would never be scheduled. The mend: a write with no socket settles its queries with
// CONNECTION_CLOSED (the caller sees an ordinary, retryable error), and a close drops what it cancelled.
//
// 2. While a new connection fetches its array types (porsager/postgres#1192, #1205, #1223; open): the
// driver's first statement on every connection runs from an async function whose promise it drops, so
// when that statement fails — the connection reset (ECONNRESET) or the backend told to stop as
// PostgreSQL shuts down — the rejection is unhandled and Node ends the process. CI saw it once in the
// cluster test (an instance exited with `read ECONNRESET`). The failure already reaches the query that
// opened the connection (errored() rejects it), so the mend only handles the dropped promise.
//
// Plain JavaScript with no dependency, so it also runs in `npm ci --omit=dev` (the image's runtime stage).
// Idempotent; it fails the install when postgres.js changes, so an upgrade is a decision to re-check.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const ROOT = new URL('../../node_modules/postgres/', import.meta.url);
const PATCHED_VERSION = '3.4.9';
const MARK = '/* peakops: porsager/postgres#1208 */';
const TYPES_MARK = '/* peakops: porsager/postgres#1192 */';

const EDITS = [
  {
    from: '  function nextWrite(fn) {\n',
    to: `  function nextWrite(fn) {
    if (socket === null) { ${MARK}
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
`,
  },
  {
    from: "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)\n",
    to: `    clearImmediate(nextWriteTimer)
    chunk = nextWriteTimer = null ${MARK}
    socket.removeListener('data', data)
`,
  },
  {
    from: '        return fetchArrayTypes()\n',
    to: `        return fetchArrayTypes().catch(() => {}) ${TYPES_MARK}
`,
  },
];

if (!existsSync(new URL('package.json', ROOT))) process.exit(0); // not installed (yet): nothing to mend
const { version } = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8'));
if (version !== PATCHED_VERSION) {
  console.error(`postgres ${version} is installed; server/scripts/patch-postgres-driver.mjs mends ${PATCHED_VERSION}. Check whether porsager/postgres#1208 is fixed in it, then update or remove the script.`);
  process.exit(1);
}
for (const build of ['src', 'cjs/src', 'cf/src']) {
  const file = new URL(`${build}/connection.js`, ROOT);
  if (!existsSync(file)) continue;
  const original = readFileSync(file, 'utf8');
  let text = original;
  // Each edit on its own, so an install mended before an edit was added gets that edit too.
  for (const { from, to } of EDITS) {
    if (text.includes(to)) continue;
    if (text.split(from).length !== 2) throw new Error(`postgres ${version} ${build}/connection.js: expected exactly one "${from.trim()}"`);
    text = text.replace(from, to);
  }
  if (text !== original) writeFileSync(file, text);
}

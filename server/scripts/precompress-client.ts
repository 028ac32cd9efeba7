import { CLIENT_DIST } from '../src/http/client-files.js';
import { precompressClient } from '../src/http/precompress.js';

// Run by `npm run build:client` after Vite: brotli and gzip copies the server sends instead of the files.
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const done = precompressClient(CLIENT_DIST);
console.log(`precompressed ${done.files} files: ${kb(done.bytes)} → brotli ${kb(done.brotliBytes)}, gzip ${kb(done.gzipBytes)}`);

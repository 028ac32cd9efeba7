// Imported FIRST by benchmarks that time the GraphQL layer, so it runs before graphql-js loads:
// graphql-js chooses at import time, from process.env.NODE_ENV, whether every type check
// (instanceOf) also runs its cross-realm development check — ~5 ms per 1,000-event ingest batch.
// A production server runs with NODE_ENV=production; an explicit value is left as it is.
process.env.NODE_ENV ??= 'production';

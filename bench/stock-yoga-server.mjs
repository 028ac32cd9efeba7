import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

/**
 * Yoga as it comes — one field, no plugins, no tuning, no logging — for bench:peer's `--stock-yoga`:
 * `{ __typename }` here is what Yoga's own per-request stack costs on this machine, beside PeakOps
 * (Yoga with its plugins and tuning) and PostGraphile. Prints one line `{"port": …}` when listening.
 */
const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'hello' } } }),
  logging: false,
  landingPage: false,
  graphiql: false,
  cors: false,
});
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));

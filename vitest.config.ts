import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CJS (main) and ESM (module). Node, and so yoga and Pothos, load the CJS build;
    // Vite would hand our sources the ESM one, and two graphql instances break `instanceof GraphQLError`.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['server/**/*.test.ts'],
    globalSetup: ['server/test/global-setup.ts'],
    reporters: ['verbose'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // PGlite runs inside the worker; two cores means two workers at most.
    maxWorkers: 2,
  },
});

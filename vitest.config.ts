import { createRequire } from 'node:module';
import solid from 'vite-plugin-solid';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CJS (main) and ESM (module). Node, and so yoga and Pothos, load the CJS build;
    // Vite would hand our sources the ESM one, and two graphql instances break `instanceof GraphQLError`.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    reporters: ['verbose'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // PGlite runs inside the worker; two cores means two workers at most.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'server', include: ['server/**/*.test.ts'], globalSetup: ['server/test/global-setup.ts'] },
      },
      {
        // Components in jsdom with Solid's browser build; GraphQL answered by msw.
        plugins: [solid()],
        resolve: { conditions: ['development', 'browser'] },
        test: {
          name: 'client',
          include: ['client/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['client/test/setup.ts'],
        },
      },
      {
        // The built screen in Debian's Chromium against a real server process (see e2e/README.md).
        extends: true,
        test: { name: 'e2e', include: ['e2e/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false },
      },
    ],
  },
});

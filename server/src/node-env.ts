/**
 * graphql-js decides once, when it is first imported, whether to run its development-only checks
 * (every `instanceOf` call inspects constructors across realms); it reads NODE_ENV for that. env.ts
 * already treats an unset NODE_ENV as production (fail closed); this says the same to every library,
 * and must run before any of them is imported: main.ts imports it first, and ES modules evaluate
 * their imports in order. Writing, not reading, process.env: env.ts stays its only reader.
 */
if (!process.env.NODE_ENV) process.env.NODE_ENV = 'production';

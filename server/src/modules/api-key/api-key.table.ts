import { pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, instant } from '../../db/columns.js';

export const API_KEY_SCOPES = ['READ', 'INGEST', 'MANAGE'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const apiKeyScopeEnum = pgEnum('api_key_scope', API_KEY_SCOPES);

/**
 * Keys for partners, ingest pipelines and screens. The secret is shown once; only its SHA-256 is kept
 * (the secret is 32 random bytes, so a fast hash is enough: there is nothing to brute-force).
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    name: text().notNull(),
    /** The first characters of the secret (`pk_AbCd1234`), so people can tell keys apart in lists and logs. */
    prefix: text().notNull(),
    secretHash: text().notNull(),
    /** Null: every shop (only an all-shops caller can create such a key). */
    shopIds: uuid().array(),
    scopes: apiKeyScopeEnum().array().notNull(),
    /** Screen keys may run only the operations the war room was built with (trusted documents). */
    trustedDocumentsOnly: text({ enum: ['ANY', 'TRUSTED_ONLY'] }).notNull().default('ANY'),
    expiresAt: instant(),
    revokedAt: instant(),
    lastUsedAt: instant(),
    /** Who created it: `user:<id>`, `key:<id>` or `admin-key`. */
    createdBy: text().notNull(),
    createdAt: instant().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('api_keys_secret_hash_key').on(t.secretHash)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;

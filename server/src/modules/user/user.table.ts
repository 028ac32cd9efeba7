import { index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, instant, timestamps } from '../../db/columns.js';

export const ROLES = ['ADMIN', 'OPERATOR', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];
export const roleEnum = pgEnum('staff_role', ROLES);

/** Staff who sign in with a password. */
export const users = pgTable(
  'users',
  {
    id: id(),
    /** Stored lower-cased, so sign-in is case-insensitive and two spellings cannot both exist. */
    email: text().notNull(),
    name: text().notNull(),
    role: roleEnum().notNull(),
    /** Null: every shop. Otherwise the only shops this person may see or manage. */
    shopIds: uuid().array(),
    /** `scrypt$N$r$p$salt$hash`, parameters kept with the hash so they can be raised later. */
    passwordHash: text().notNull(),
    disabledAt: instant(),
    /** Consecutive failed sign-ins; reset by a success. Drives the slow-down and the lock. */
    failedSignIns: integer().notNull().default(0),
    lockedUntil: instant(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

/**
 * A signed-in session: access tokens name it (`sid`), so signing out or disabling the user ends every
 * token of it. Refresh tokens rotate; each is stored only as a SHA-256 hash.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    /** Hash of the one refresh token that is currently valid for this session. */
    refreshHash: text().notNull(),
    /** Hash of the token it replaced: presenting that again means the token was stolen → revoke. */
    previousRefreshHash: text(),
    expiresAt: instant().notNull(),
    revokedAt: instant(),
    createdAt: instant().notNull().defaultNow(),
    refreshedAt: instant(),
    sourceAddress: text(),
  },
  (t) => [
    uniqueIndex('sessions_refresh_hash_key').on(t.refreshHash),
    index('sessions_previous_refresh_hash_idx').on(t.previousRefreshHash),
    index('sessions_user_idx').on(t.userId),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

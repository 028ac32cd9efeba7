import { pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

export const CREATION_KINDS = ['Campaign', 'Milestone', 'Plan', 'PlanTask'] as const;
export type CreationKind = (typeof CREATION_KINDS)[number];

/**
 * The creates that carried a `requestId`, one row each: who asked (Viewer.id), for what kind, with what
 * input (its SHA-256) and what it made. A retry of the same request finds it and answers with what the
 * first made instead of making a second (a phone's double tap, a lost answer); db/create-once.ts.
 */
export const creationRequests = pgTable(
  'creation_requests',
  {
    principal: text().notNull(),
    kind: text({ enum: CREATION_KINDS }).notNull(),
    requestId: text().notNull(),
    fingerprint: text().notNull(),
    entityId: uuid().notNull(),
    createdAt: instant().notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'creation_requests_pkey', columns: [t.principal, t.kind, t.requestId] })],
);

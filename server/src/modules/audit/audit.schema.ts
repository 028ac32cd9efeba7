import { builder } from '../../builder.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { listAudit, loadAuditEntries, type AuditOutcome } from './audit.service.js';
import type { AuditRow } from './audit.table.js';

const AuditOutcomeEnum = builder.enumType('AuditOutcome', {
  description: 'OK; REJECTED (userErrors, e.g. a wrong password); ERROR (a GraphQL error); DENIED (not allowed).',
  values: ['OK', 'REJECTED', 'ERROR', 'DENIED'] as const,
});

const AuditEntryRef = builder.loadableNode('AuditEntry', {
  description: 'One mutation or sign-in attempt: who, with which key, what, on which objects, from where, and how it ended.',
  id: uuidNodeId<AuditRow>(),
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'principalKind' in value,
  authScopes: { admin: true },
  // Through node(id): only an ADMIN finds an entry; for anyone else it does not exist.
  load: (ids: string[], ctx) => loadAuditEntries(ctx.db, ctx.viewer, ids),
  sort: (entry) => entry.id,
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    principalId: t.exposeString('principalId'),
    principalKind: t.exposeString('principalKind'),
    principalName: t.exposeString('principalName'),
    keyPrefix: t.exposeString('keyPrefix', { nullable: true }),
    operation: t.exposeString('operation'),
    affectedIds: t.exposeStringList('affectedIds'),
    input: t.string({ description: 'The input as JSON, with passwords, secrets and tokens redacted.', resolve: (r) => JSON.stringify(r.input) }),
    sourceAddress: t.exposeString('sourceAddress', { nullable: true }),
    outcome: t.field({ type: AuditOutcomeEnum, resolve: (r) => r.outcome }),
    code: t.exposeString('code', { nullable: true }),
  }),
});

const AuditFilterInput = builder.inputType('AuditFilter', {
  fields: (t) => ({
    principalId: t.string(),
    operations: t.stringList(),
    outcomes: t.field({ type: [AuditOutcomeEnum] }),
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
  }),
});

builder.queryField('auditLog', (t) =>
  t.connection(
    {
      type: AuditEntryRef,
      authScopes: { admin: true },
      description: 'The append-only audit trail, newest first (ADMIN only).',
      args: { filter: t.arg({ type: AuditFilterInput }) },
      resolve: (_root, { filter, ...args }, ctx) =>
        listAudit(ctx.db, { ...filter, outcomes: filter?.outcomes as AuditOutcome[] | null | undefined }, args),
    },
    { name: 'AuditEntryConnection' },
    { name: 'AuditEntryEdge' },
  ),
);

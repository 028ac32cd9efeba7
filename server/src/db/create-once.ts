import { randomUUID } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import { DomainError } from '../errors.js';
import { sha256 } from '../auth/secrets.js';
import { said } from '../lib/issue-words.js';
import type { Db, DbOrTx } from './client.js';
import { DAY_MS } from '../lib/time.js';
import { creationRequests, type CreationKind } from './creation-requests.table.js';

/** The optional `requestId` of a create's input. */
export const requestIdInput = z.string().trim().min(1, said('must not be empty', '不能为空')).max(200).nullish();

/** A stable digest of a create's parsed input (zod keeps its schema's key order; dates print as ISO). */
function fingerprintOf(input: unknown): string {
  return sha256(JSON.stringify(input));
}

const NAMES: Record<CreationKind, { en: string; zh: string }> = {
  Campaign: { en: 'campaign', zh: '活动' },
  Milestone: { en: 'milestone', zh: '关键节点' },
  Plan: { en: 'plan', zh: '计划' },
  PlanTask: { en: 'task', zh: '任务' },
};

/**
 * Makes a thing once per (caller, kind, requestId). Without a requestId it simply makes it. With one, in a
 * transaction (a savepoint inside the caller's), the request's row is written first under the id the new
 * thing will have: a second request with the same id waits for the first to commit, then finds its row
 * and answers with what it made (`replayed`), and the same id with other input is refused (CONFLICT)
 * instead of answered with something the caller did not ask for. `load` reads the thing as the caller
 * sees it.
 */
export async function createOnce<Row>(
  db: DbOrTx,
  viewer: Viewer,
  kind: CreationKind,
  request: { requestId: string | null | undefined; input: unknown },
  make: (db: DbOrTx, id: string) => Promise<Row>,
  load: (db: DbOrTx, id: string) => Promise<Row | undefined>,
): Promise<{ row: Row; replayed: boolean }> {
  const { requestId } = request;
  if (!requestId) return { row: await make(db, randomUUID()), replayed: false };
  const fingerprint = fingerprintOf(request.input);
  const name = NAMES[kind];
  return db.transaction(async (tx) => {
    const entityId = randomUUID();
    const [claimed] = await tx
      .insert(creationRequests)
      .values({ principal: viewer.id, kind, requestId, fingerprint, entityId })
      .onConflictDoNothing()
      .returning({ entityId: creationRequests.entityId });
    if (claimed) return { row: await make(tx, entityId), replayed: false };
    const [first] = await tx
      .select()
      .from(creationRequests)
      .where(and(eq(creationRequests.principal, viewer.id), eq(creationRequests.kind, kind), eq(creationRequests.requestId, requestId)));
    if (!first || first.fingerprint !== fingerprint) {
      throw new DomainError(
        'CONFLICT',
        { en: `this requestId was already used for a different ${name.en}`, zh: `此 requestId 已用于创建另一${name.zh}` },
        ['input', 'requestId'],
      );
    }
    const row = await load(tx, first.entityId);
    if (row === undefined) {
      throw new DomainError('NOT_FOUND', { en: `the ${name.en} this requestId made is no longer there`, zh: `此 requestId 创建的${name.zh}已不存在` }, ['input', 'requestId']);
    }
    return { row, replayed: true };
  });
}

/** A retry comes within minutes; a month on, the same requestId is a new request. */
export const REQUEST_IDS_KEPT_DAYS = 30;

/** Forgets the requests older than REQUEST_IDS_KEPT_DAYS (the hourly history job): how many. */
export async function forgetOldCreationRequests(db: Db, now: Date): Promise<number> {
  const gone = await db
    .delete(creationRequests)
    .where(lt(creationRequests.createdAt, new Date(now.getTime() - REQUEST_IDS_KEPT_DAYS * DAY_MS)))
    .returning({ id: creationRequests.requestId });
  return gone.length;
}

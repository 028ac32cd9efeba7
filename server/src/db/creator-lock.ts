import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';

/**
 * Serialises one credential's creates of one kind until the transaction ends, so that two at once cannot
 * both count room for one more under a cap. An advisory lock on the creator's id: a creator is a staff user
 * or a key, rows of two tables, and this names either. Count after it, in a statement of its own, so the
 * count sees what the create before committed.
 */
export async function lockCreatesOf(tx: DbOrTx, kind: 'webhooks' | 'api-keys', creatorId: string): Promise<void> {
  // The text hashed is the one instances of earlier versions lock, so a rolling deploy still serialises.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${kind}:${creatorId}`}))`);
}

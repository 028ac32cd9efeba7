import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend, sessionsWaitingOnLocks } from '../../../test/backends.js';
import { insertShop } from '../../../test/fixtures.js';
import { applyFindings, PendingConditions } from './alert.lifecycle.js';
import { alerts, type AlertSeverity } from './alert.table.js';
import type { Finding } from './rules/evaluate.js';

describeEachBackend('alert lifecycle with several instances evaluating', (backend) => {
  const at = new Date('2026-11-11T02:00:00Z');
  const finding = (shopId: string, severity: AlertSeverity, value: number): Finding => ({
    rule: 'CONVERSION_DROP',
    key: `CONVERSION_DROP:${shopId}`,
    shopId,
    campaignId: null,
    shopIds: [shopId],
    subject: '甲店',
    breached: true,
    severity,
    value,
    threshold: 0.02,
    message: `conversion ${value}`,
    sustainMinutes: 0,
    clearMinutes: 10,
  });

  it('escalates an open alert once when two instances evaluate the same tick', async () => {
    const { db, kind } = backend();
    const shop = await insertShop(db, '甲店');
    const [raised] = await applyFindings(db, [finding(shop.id, 'WARNING', 0.015)], at, new PendingConditions());
    expect(raised?.change).toBe('RAISED');

    const worse = [finding(shop.id, 'CRITICAL', 0.005)];
    const twoEngines = () => Promise.all([applyFindings(db, worse, at, new PendingConditions()), applyFindings(db, worse, at, new PendingConditions())]);
    let results: Awaited<ReturnType<typeof twoEngines>>;
    if (kind === 'postgres') {
      // Both engines read the alert as WARNING before either writes: a third session holds the row
      // until both are waiting on it, the way two instances woken by one ingest notice meet.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = db.transaction(async (tx) => {
        await tx.select().from(alerts).where(eq(alerts.id, raised!.alert.id)).for('update');
        locked();
        await held;
      });
      await isLocked;
      const engines = twoEngines();
      await expect.poll(async () => sessionsWaitingOnLocks(db), { timeout: 10_000 }).toBe(2);
      release();
      await holder;
      results = await engines;
    } else {
      results = await twoEngines(); // one connection: the transactions run one after the other
    }
    const changes = results.flat().map((event) => event.change);
    expect(changes).toEqual(['ESCALATED']);
    const [alert] = await db.select().from(alerts).where(eq(alerts.id, raised!.alert.id));
    expect(alert).toMatchObject({ severity: 'CRITICAL', value: 0.005 });
  });
});


import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend, meetingAtALock } from '../../../test/backends.js';
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
    message: `转化率 ${value}`,
    messageEn: `conversion ${value}`,
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
    // Both engines read the alert as WARNING before either writes: a third session holds the row until
    // both wait on it, the way two instances woken by one ingest notice meet. (PGlite: one after the other.)
    const results =
      kind === 'postgres' ? await meetingAtALock(db, (tx) => tx.select().from(alerts).where(eq(alerts.id, raised!.alert.id)).for('update'), 2, twoEngines) : await twoEngines();
    const changes = results.flat().map((event) => event.change);
    expect(changes).toEqual(['ESCALATED']);
    const [alert] = await db.select().from(alerts).where(eq(alerts.id, raised!.alert.id));
    expect(alert).toMatchObject({ severity: 'CRITICAL', value: 0.005 });
  });

  it('tells the room once that an incident went unclaimed, however many instances evaluate when its 10 minutes pass', async () => {
    const { db, kind } = backend();
    const shop = await insertShop(db, '甲店');
    const collapsed = [finding(shop.id, 'CRITICAL', 0.005)];
    const [raised] = await applyFindings(db, collapsed, at, new PendingConditions());
    expect(raised).toMatchObject({ change: 'RAISED', alert: { criticalSince: at } });

    const tenMinutesOn = new Date(at.getTime() + 10 * 60_000);
    const twoEngines = () =>
      Promise.all([applyFindings(db, collapsed, tenMinutesOn, new PendingConditions()), applyFindings(db, collapsed, tenMinutesOn, new PendingConditions())]);
    const results =
      kind === 'postgres' ? await meetingAtALock(db, (tx) => tx.select().from(alerts).where(eq(alerts.id, raised!.alert.id)).for('update'), 2, twoEngines) : await twoEngines();
    expect(results.flat().map((event) => event.change)).toEqual(['RESPONSE_OVERDUE']);
    const [alert] = await db.select().from(alerts).where(eq(alerts.id, raised!.alert.id));
    expect(alert).toMatchObject({ responseOverdueAt: tenMinutesOn, fixOverdueAt: null });
  });
});


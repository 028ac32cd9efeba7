/**
 * A group robot's rate across instances (webhook.pacing.ts): the budget lives on the webhook's row, so
 * two dispatchers sending to one DingTalk robot in the same minute share its 18 messages.
 */
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeEachBackend, meetingAtALock } from '../../../test/backends.js';
import { takeRobotSlot, ROBOT_MESSAGES_PER_MINUTE } from './webhook.pacing.js';
import { webhooks, type WebhookFormat } from './webhook.table.js';

describeEachBackend('a group robot’s rate', (backend) => {
  const robot = async (format: WebhookFormat) => {
    const [row] = await backend()
      .db.insert(webhooks)
      .values({ name: format, url: 'https://oapi.dingtalk.com/robot/send?access_token=t', format, events: ['ALERT_RAISED'], createdBy: 'test' })
      .returning();
    return { id: row!.id, format };
  };
  const start = new Date('2026-11-11T16:00:00.000Z');
  const plus = (ms: number) => new Date(start.getTime() + ms);

  it('lets 18 DingTalk messages through in a minute, however many instances ask at once, and says when the next may go', async () => {
    const hook = await robot('DINGTALK');
    // Two instances' worth of asking at the same moment: 30 messages wanted in the first second.
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => takeRobotSlot(backend().db, hook, plus(i * 10))));
    expect(answers.filter((a) => a === null)).toHaveLength(ROBOT_MESSAGES_PER_MINUTE.DINGTALK);
    // Each refused one learns when the window frees: a minute after the oldest message in it.
    for (const answer of answers.filter((a) => a !== null)) expect(answer!.getTime()).toBeGreaterThanOrEqual(plus(60_000).getTime());
    expect(await takeRobotSlot(backend().db, hook, plus(30_000))).toEqual(plus(60_000));
    // Once the first message is a minute old, there is room again; another robot has its own budget.
    expect(await takeRobotSlot(backend().db, hook, plus(60_001))).toBeNull();
    expect(await takeRobotSlot(backend().db, await robot('WECOM'), plus(30_000))).toBeNull();
  });

  it('counts asks that queue for the robot at the same instant one after another, none on a stale count (PostgreSQL)', async () => {
    if (backend().kind === 'pglite') return; // one connection: nothing runs at the same time
    const hook = await robot('DINGTALK');
    // Four instances ask while another session holds the robot's row; a budget of two for the test.
    const answers = await meetingAtALock(
      backend().db,
      (tx) => tx.execute(sql`select id from webhooks where id = ${hook.id} for update`),
      4,
      () => Promise.all([0, 1, 2, 3].map((i) => takeRobotSlot(backend().db, hook, plus(i), { perWindow: 2 }))),
    );
    expect(answers.filter((a) => a === null)).toHaveLength(2);
  });

  it('gives Feishu its larger rate, and never paces a JSON endpoint', async () => {
    const feishu = await robot('FEISHU');
    for (let i = 0; i < ROBOT_MESSAGES_PER_MINUTE.FEISHU; i++) expect(await takeRobotSlot(backend().db, feishu, plus(i))).toBeNull();
    expect(await takeRobotSlot(backend().db, feishu, plus(100))).toEqual(plus(60_000));
    const partner = await robot('JSON');
    for (let i = 0; i < 100; i++) expect(await takeRobotSlot(backend().db, partner, plus(i))).toBeNull();
  });
});

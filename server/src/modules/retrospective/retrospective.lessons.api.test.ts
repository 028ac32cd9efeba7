import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, twoEditsAtOnce } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import type { CampaignRow } from '../campaign/campaign.table.js';
import { campaignRetrospectives } from './retrospective.table.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const LESSONS = `mutation ($input: WriteRetrospectiveLessonsInput!) { writeRetrospectiveLessons(input: $input) {
  retrospective { lessons lessonsUpdatedBy lessonsUpdatedAt } userErrors { code field message } } }`;
const LESSONS_IN_CHINESE = `mutation ($input: WriteRetrospectiveLessonsInput!) { writeRetrospectiveLessons(input: $input) {
  userErrors { field message messageZh: message(locale: ZH_CN) } } }`;
const READ = `query ($id: ID!) { campaign(id: $id) { retrospective { lessons lessonsUpdatedBy lessonsUpdatedAt } } }`;

describeEachBackend('retrospective lessons edited by several people (expectedUpdatedAt)', (backend) => {
  let server: TestServer;
  let clock: Date;
  let campaign: CampaignRow;
  let wang: string;
  let li: string;
  beforeEach(async () => {
    const shop = await insertShop(backend().db, '天猫旗舰店');
    campaign = await insertCampaign(backend().db, [shop.id], '618', { startsAt: sh('2026-06-01T00:00:00'), endsAt: sh('2026-06-04T00:00:00') });
    clock = sh('2026-06-05T10:00:00');
    server = await startTestServer(backend(), { now: () => clock });
    wang = await server.createKey({ name: '运营 王', shopIds: [shop.id], scopes: ['READ', 'MANAGE'] });
    li = await server.createKey({ name: '运营 李', shopIds: [shop.id], scopes: ['READ', 'MANAGE'] });
  });
  afterEach(() => server.stop());

  const cid = () => gid('Campaign', campaign.id);
  const write = async (as: string, input: Record<string, unknown>) => {
    const result = await server.gql(LESSONS, { input: { campaignId: cid(), ...input } }, bearer(as));
    expect(result.errors).toBeUndefined();
    return result.data.writeRetrospectiveLessons;
  };
  const read = async () => (await server.gql(READ, { id: cid() })).data.campaign.retrospective;
  const stored = () => eq(campaignRetrospectives.campaignId, campaign.id);

  it('a save from the version loaded is written; one from an older version is refused with CONFLICT naming who wrote it and when, and writes nothing', async () => {
    await write(wang, { lessons: '提前两周压测' });
    const loaded = (await read()).lessonsUpdatedAt;
    expect(loaded).toBe(clock.toISOString());

    clock = sh('2026-06-05T10:05:00');
    const first = await write(li, { lessons: '提前两周压测；SOCIAL 首日止损', expectedUpdatedAt: loaded });
    expect(first).toEqual({ retrospective: { lessons: '提前两周压测；SOCIAL 首日止损', lessonsUpdatedBy: '运营 李', lessonsUpdatedAt: clock.toISOString() }, userErrors: [] });

    clock = sh('2026-06-05T10:07:00');
    const stale = await write(wang, { lessons: '提前两周压测；备货加倍', expectedUpdatedAt: loaded });
    expect(stale).toEqual({
      retrospective: null,
      userErrors: [{
        code: 'CONFLICT',
        field: ['input', 'expectedUpdatedAt'],
        message: 'the lessons were changed by 运营 李 at 2026-06-05 10:05:00 (Asia/Shanghai), after the version you loaded; yours were not saved: reload, merge and save again',
      }],
    });
    const inChinese = await server.gql(LESSONS_IN_CHINESE, { input: { campaignId: cid(), lessons: '提前两周压测；备货加倍', expectedUpdatedAt: loaded } }, bearer(wang));
    expect(inChinese.data.writeRetrospectiveLessons.userErrors).toEqual([{
      field: ['input', 'expectedUpdatedAt'],
      message: 'the lessons were changed by 运营 李 at 2026-06-05 10:05:00 (Asia/Shanghai), after the version you loaded; yours were not saved: reload, merge and save again',
      messageZh: '经验教训已被修改（修改人：运营 李，修改时间：2026-06-05 10:05:00 北京时间），晚于你加载的版本；你的修改未保存：请刷新、合并后重新保存',
    }]);
    const after = await read();
    expect(after).toEqual({ lessons: '提前两周压测；SOCIAL 首日止损', lessonsUpdatedBy: '运营 李', lessonsUpdatedAt: sh('2026-06-05T10:05:00').toISOString() });

    // Reloaded and merged, it goes through.
    const merged = await write(wang, { lessons: '提前两周压测；SOCIAL 首日止损；备货加倍', expectedUpdatedAt: after.lessonsUpdatedAt });
    expect(merged.retrospective).toEqual({ lessons: '提前两周压测；SOCIAL 首日止损；备货加倍', lessonsUpdatedBy: '运营 王', lessonsUpdatedAt: clock.toISOString() });
  });

  it('without expectedUpdatedAt (or with null) the last write wins, as for partners that never send it', async () => {
    await write(wang, { lessons: '甲' });
    clock = sh('2026-06-05T10:05:00');
    expect((await write(li, { lessons: '乙' })).retrospective.lessons).toBe('乙');
    clock = sh('2026-06-05T10:06:00');
    expect((await write(wang, { lessons: '丙', expectedUpdatedAt: null })).retrospective).toEqual({ lessons: '丙', lessonsUpdatedBy: '运营 王', lessonsUpdatedAt: clock.toISOString() });
  });

  it('a version sent for lessons never written is a CONFLICT, and writes nothing', async () => {
    const refused = await write(wang, { lessons: '甲', expectedUpdatedAt: '2026-06-05T01:00:00.000Z' });
    expect(refused.userErrors).toEqual([{
      code: 'CONFLICT',
      field: ['input', 'expectedUpdatedAt'],
      message: 'no lessons have been written yet, so there is no version of 2026-06-05 09:00:00 (Asia/Shanghai); yours were not saved: reload and save again',
    }]);
    const tooLong = await server.gql(LESSONS_IN_CHINESE, { input: { campaignId: cid(), lessons: '经'.repeat(20_001) } }, bearer(wang));
    expect(tooLong.data.writeRetrospectiveLessons.userErrors).toEqual([
      { field: ['input', 'lessons'], message: 'at most 20,000 characters', messageZh: '最多 20,000 个字符' },
    ]);
    expect(await backend().db.select().from(campaignRetrospectives).where(stored())).toEqual([]);
  });

  it('lessonsUpdatedAt read from the API is accepted back, also when the database stamped it with microseconds', async () => {
    await write(wang, { lessons: '甲' });
    await backend().db.update(campaignRetrospectives).set({ updatedAt: sql`'2026-06-05 10:00:00.987654+08'::timestamptz` }).where(stored());
    const loaded = (await read()).lessonsUpdatedAt;
    expect(loaded).toBe('2026-06-05T02:00:00.988Z'); // the column keeps milliseconds, as JavaScript's Date does
    expect((await write(li, { lessons: '乙', expectedUpdatedAt: loaded })).userErrors).toEqual([]);
  });

  it('two saves from the same version at once: exactly one is written, the other is a CONFLICT', async () => {
    await write(wang, { lessons: '甲' });
    const loaded = (await read()).lessonsUpdatedAt;
    clock = sh('2026-06-05T10:05:00');
    const results = await twoEditsAtOnce(
      backend(),
      (tx) => tx.select().from(campaignRetrospectives).where(stored()).for('update'),
      () => write(wang, { lessons: '王的版本', expectedUpdatedAt: loaded }),
      () => write(li, { lessons: '李的版本', expectedUpdatedAt: loaded }),
    );
    const won = results.filter((r) => r.userErrors.length === 0);
    const refused = results.filter((r) => r.userErrors.length > 0);
    expect(won).toHaveLength(1);
    expect(refused.map((r) => r.userErrors[0].code)).toEqual(['CONFLICT']);
    expect((await read()).lessons).toBe(won[0]!.retrospective.lessons);
  });

  it('two saves in the same millisecond still move the version on, so an editor who loaded the one before is refused', async () => {
    await write(wang, { lessons: '甲' });
    const loaded = (await read()).lessonsUpdatedAt;
    // The clock does not move (a coarse clock, or another instance's clock a little behind).
    const first = await write(li, { lessons: '乙', expectedUpdatedAt: loaded });
    expect(Date.parse(first.retrospective.lessonsUpdatedAt)).toBe(Date.parse(loaded) + 1);
    expect((await write(wang, { lessons: '丙', expectedUpdatedAt: loaded })).userErrors[0].code).toBe('CONFLICT');
    expect((await read()).lessons).toBe('乙');
  });

  it('a caller refused the campaign gets its refusal even with a stale version, never a CONFLICT that would name who wrote the lessons', async () => {
    await write(wang, { lessons: '甲' });
    const stale = '2026-06-05T01:00:00.000Z';
    const stranger = await server.createKey({ scopes: ['READ', 'MANAGE'], shopIds: [(await insertShop(backend().db, '别家店')).id] });
    expect(await write(stranger, { lessons: 'x', expectedUpdatedAt: stale })).toEqual({
      retrospective: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['input', 'campaignId'], message: 'Campaign not found' }],
    });
    const reader = await server.createKey({ scopes: ['READ'] });
    const readOnly = await server.gql(LESSONS, { input: { campaignId: cid(), lessons: 'x', expectedUpdatedAt: stale } }, bearer(reader));
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(readOnly)).not.toContain('运营 王');
    expect((await read()).lessons).toBe('甲');
  });
});

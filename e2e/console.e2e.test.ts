/**
 * The operations console (运营台) of the built client in Chromium against one real server (PGlite, the
 * demo data, no traffic): the admin key's kiosk link opens the console, an anomaly note written on a
 * flagged report row is still there after a reload, a save that someone else's write overtook is refused in
 * Chinese with who and when, and the two exports download as files — the daily
 * reports as CSV and the ended 618 campaign's retrospective as XLSX — fetched with the credential; a shop's
 * low-stock line set on the alert rules page is what the server holds, and forgotten again; a DingTalk robot
 * created on the alert delivery page gets the test message, signed, at a real receiver, and is deleted; an hour's
 * ad spend typed on the spend page is what the server stores, and voided with a reason; a screen key made on the
 * access page opens the war room through its sign-in link, and is refused once revoked there; a campaign created on
 * the campaigns page is what the API then lists, and is cancelled there.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAILY_REPORTS_CSV_HEADER } from '../server/src/modules/report/report.csv.js';
import { TestReceiver } from '../server/src/modules/webhook/webhook.test-receiver.js';
import { gqlAt, TEST_ADMIN_KEY } from '../server/test/server-process.js';
import { ARTIFACTS, requireClientDist } from './support/client-dist.js';
import { alertEvaluations, campaigns, kioskLink, startDemoStack, startStackAndChromium, until, type DemoStack } from './support/stack.js';

requireClientDist();

interface FlaggedRow {
  date: string;
  source: string;
  shop: { id: string; name: string };
}

/** A report row of the demo flagged by an anomaly rule, as the API lists it (newest day first). */
async function flaggedRow(url: string): Promise<FlaggedRow> {
  const result = await gqlAt(url, '{ dailyReports(first: 1, filter: { anomaliesOnly: true }) { edges { node { date source shop { id name } } } } }');
  const row = result.data?.dailyReports.edges[0]?.node as FlaggedRow | undefined;
  if (!row) throw new Error(`the demo has no flagged report row: ${JSON.stringify(result)}`);
  return row;
}

async function saved(download: Download): Promise<{ name: string; bytes: Buffer }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const target = path.join(ARTIFACTS, `console-${download.suggestedFilename()}`);
  await download.saveAs(target);
  return { name: download.suggestedFilename(), bytes: readFileSync(target) };
}

/** Clicks `testId` and waits for the download it starts. */
async function downloadBy(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(testId).click()]);
  expect(await download.failure()).toBeNull();
  return saved(download);
}

/** A 1920×1080 page that keeps the errors it raises (each test expects none). */
async function watchedPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/**
 * How the elements `selector` matches are laid out: on how many rows (by their bottoms: a flex row may align its
 * items at the foot), and which of them wrap their own text onto a second line.
 */
async function rowsOf(page: Page, selector: string): Promise<{ items: number; rows: number; wrapped: string[] }> {
  return (await page.evaluate(`(() => {
    const items = [...document.querySelectorAll(${JSON.stringify(selector)})];
    const lineTops = (e) => { const range = document.createRange(); range.selectNodeContents(e); return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size; };
    return {
      items: items.length,
      rows: new Set(items.map((e) => Math.round(e.getBoundingClientRect().bottom))).size,
      wrapped: items.filter((e) => lineTops(e) > 1).map((e) => e.textContent.trim()),
    };
  })()`)) as { items: number; rows: number; wrapped: string[] };
}

/** The console page named `nav`, reached as a person does: the admin's kiosk link, the wall's 运营台 link, then the nav. */
async function openFromWall(page: Page, url: string, nav: string): Promise<void> {
  await page.goto(kioskLink(url));
  await page.getByTestId('console-link').click();
  await page.getByRole('link', { name: nav }).click();
}

describe('the operations console in Chromium [pglite]', () => {
  let stack: DemoStack | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    // The alert delivery test's receiver listens on 127.0.0.1, which webhooks may reach only when allowed.
    ({ stack, browser } = await startStackAndChromium(() => startDemoStack('pglite', { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' })));
  }, 600_000);

  afterAll(async () => {
    const died = stack?.unexpectedExit();
    if (died) console.error(`[e2e] ${died}`);
    await page?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await stack?.dispose();
  });

  it('raises no overdue-shipment alert about orders older than the demo warehouse lets wait, once its history is in', async () => {
    // The engine is held until the history is in (main.ts), and the history's forgotten orders are found
    // 30–72 hours after payment (demo.warehouse.ts). Before, an evaluation mid-load saw a batch's payments
    // without its shipments and said "最早一笔已 4136 小时" about June's orders.
    const url = stack!.url;
    await until('the first alert evaluation', 60_000, async () => (await alertEvaluations(url)) > 0);
    const since = new Date(Date.now() - 31 * 24 * 3_600_000).toISOString();
    const result = await gqlAt(url, '{ alerts(first: 100, filter: { rules: [UNSHIPPED_OVERDUE] }) { edges { node { raisedAt message(locale: EN) } } } }');
    const raised = (result.data?.alerts.edges as { node: { raisedAt: string; message: string } }[]).map((e) => e.node).filter((a) => a.raisedAt >= since);
    const oldest = raised.map((a) => Number(/the oldest paid (\d+) h ago/.exec(a.message)?.[1]));
    expect(oldest.filter((hours) => !(hours <= 72))).toEqual([]);
  });

  it('writes an anomaly note on a flagged row that is still there after a reload, then downloads the CSV and the 618 retrospective XLSX', async () => {
    const url = stack!.url;
    const row = await flaggedRow(url);
    page = await browser!.newPage({ viewport: { width: 1920, height: 1080 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // From the war room, by its 运营台 link, to the report of the flagged row's shop and day.
    await page.goto(kioskLink(url));
    await page.getByTestId('console-link').click();
    await page.getByTestId('reports-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console');
    await page.goto(`${url}/console/reports/${encodeURIComponent(row.shop.id)}/${row.date}`);

    const flagged = page.locator(`[data-testid="report-row"][data-source="${row.source}"]`);
    await flagged.locator('[data-testid="anomalies"]').waitFor();
    const note = `e2e ${Date.now()}：付费推广出价过高，已下调`;
    const editor = flagged.getByTestId('report-note-editor');
    await editor.getByLabel('异常指标说明').fill(note);
    await editor.getByRole('button', { name: '保存说明' }).click();
    await editor.getByRole('status').waitFor();
    expect(await editor.getByRole('status').textContent()).toBe('已保存');

    await page.reload();
    await flagged.getByTestId('report-note-editor').waitFor();
    expect(await flagged.getByTestId('report-note-editor').getByLabel('异常指标说明').inputValue()).toBe(note);
    const stored = await gqlAt(url, 'query($s: ID!, $d: Date!) { dailyReport(shopId: $s, date: $d) { rows { source anomalyNote } } }', { s: row.shop.id, d: row.date });
    expect((stored.data?.dailyReport.rows as { source: string; anomalyNote: string | null }[]).find((r) => r.source === row.source)?.anomalyNote).toBe(note);

    // Someone else writes the same row meanwhile: the save from this page is refused (CONFLICT), and the
    // refusal is said in the console's language, with who wrote the row and when, as the server words it.
    const theirs = `e2e ${Date.now()}：王磊改为暂停该计划`;
    const written = await gqlAt(
      url,
      'mutation($input: WriteDailyReportNoteInput!) { writeDailyReportNote(input: $input) { userErrors { message } } }',
      { input: { shopId: row.shop.id, date: row.date, source: row.source, anomalyNote: theirs } },
    );
    expect(written.data?.writeDailyReportNote.userErrors).toEqual([]);
    const reloaded = flagged.getByTestId('report-note-editor');
    await reloaded.getByLabel('异常指标说明').fill(`${note}（补充）`);
    await reloaded.getByRole('button', { name: '保存说明' }).click();
    const refusal = reloaded.getByRole('alert');
    await refusal.waitFor();
    const said = (await refusal.textContent()) ?? '';
    expect(said).toMatch(new RegExp(`^未保存：${row.date} [\\u4e00-\\u9fa5]+的备注已被修改（修改人：[^，]+，修改时间：\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} 北京时间）`));
    expect(said).not.toMatch(/after the version you loaded|Asia\/Shanghai/);
    console.log(`[e2e] refusal: ${said}`);
    // The refusal on screen follows the language toggle: the same refusal in the server's English, and back.
    const toggle = page.getByTestId('lang-toggle');
    await toggle.click();
    await expect.poll(async () => (await refusal.textContent()) ?? '').toMatch(/^Not saved: .+after the version you loaded/);
    expect((await refusal.textContent()) ?? '').not.toMatch(/修改人|北京时间/);
    await toggle.click();
    await expect.poll(async () => (await refusal.textContent()) ?? '').toBe(said);
    await page.reload();
    await flagged.getByTestId('report-note-editor').waitFor();

    // The CSV of the days shown (one day here): the header, then the day's rows, the note that won among them.
    const csv = await downloadBy(page, 'export-csv');
    expect(csv.name).toBe(`daily-reports-${row.date}-${row.date}.csv`);
    const text = csv.bytes.toString('utf8').replace(/^\uFEFF/, '');
    expect(text.split('\r\n')[0]).toBe(DAILY_REPORTS_CSV_HEADER.join(','));
    expect(text).toContain(theirs);
    console.log(`[e2e] CSV ${csv.name}: ${csv.bytes.length} bytes, ${text.trim().split('\r\n').length - 1} rows`);

    // The retrospective opens on the campaign that ended last: the demo's 618.
    const ended = (await campaigns(url)).find((c) => c.status === 'ENDED');
    expect(ended?.name).toContain('618');
    await page.getByRole('link', { name: '活动复盘' }).click();
    await page.getByTestId('retro-summary').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/retrospective/${ended!.id}`);
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toContain('618');
    const xlsx = await downloadBy(page, 'export-xlsx');
    expect(xlsx.name.endsWith('.xlsx')).toBe(true);
    expect(xlsx.bytes.length).toBeGreaterThan(1_000);
    expect(xlsx.bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // a ZIP container, as every XLSX is
    console.log(`[e2e] XLSX ${xlsx.name}: ${xlsx.bytes.length} bytes`);

    await page.screenshot({ path: path.join(ARTIFACTS, 'console-retrospective-1920x1080.png') });
    expect(errors).toEqual([]);
    expect(await page.content()).not.toContain(TEST_ADMIN_KEY);
  });

  it('sets a shop\'s own low-stock line on the alert rules page, which the server then judges by, and lets it inherit again', async () => {
    const url = stack!.url;
    const shops = await gqlAt(url, '{ shops(first: 1) { edges { node { id name } } } }');
    const shop = shops.data?.shops.edges[0]?.node as { id: string; name: string };
    const lowStockAt = async () => {
      const answer = await gqlAt(url, 'query($s: ID!) { alertRules(shopId: $s) { rule threshold source } }', { s: shop.id });
      return (answer.data?.alertRules as { rule: string; threshold: number; source: string }[]).find((r) => r.rule === 'LOW_STOCK');
    };
    const before = await lowStockAt();
    const { page: rules, errors } = await watchedPage(browser!);
    try {
      await openFromWall(rules, url, '告警规则');
      await rules.getByTestId('alert-rules-page').waitFor();
      await rules.getByTestId('alert-rule-scope').selectOption(`shop:${shop.id}`);
      const row = rules.locator('[data-testid="alert-rule"][data-rule="LOW_STOCK"]');
      await expect.poll(() => row.getAttribute('data-source')).toBe(before!.source);
      await row.getByLabel('库存预警：阈值').fill('20');
      await row.getByRole('button', { name: '保存' }).click();
      await row.getByRole('status').waitFor();
      expect(await row.getByRole('status').textContent()).toBe('已保存');
      expect(await lowStockAt()).toEqual({ rule: 'LOW_STOCK', threshold: 20, source: 'SHOP' });
      // The row takes the saved rule from the page's refetch, which may land a moment after the 已保存 status.
      await expect.poll(() => row.getAttribute('data-source')).toBe('SHOP');
      await rules.screenshot({ path: path.join(ARTIFACTS, 'console-alert-rules-1920x1080.png') });

      await row.getByRole('button', { name: '恢复继承' }).click();
      await expect.poll(() => row.getAttribute('data-source')).toBe(before!.source);
      expect(await lowStockAt()).toEqual(before);
      expect(await row.getByLabel('库存预警：阈值').inputValue()).toBe(String(before!.threshold));
      expect(errors).toEqual([]);
    } finally {
      await rules.close();
    }
  });

  it('creates a DingTalk robot on the alert delivery page, whose test message reaches a real receiver signed, and deletes it', async () => {
    const url = stack!.url;
    const receiver = await TestReceiver.start();
    const { page: hooks, errors } = await watchedPage(browser!);
    const listed = async () => (await gqlAt(url, '{ webhooks { name url format signed } }')).data?.webhooks as { name: string; url: string; format: string; signed: boolean }[];
    try {
      await openFromWall(hooks, url, '告警推送');
      await hooks.getByTestId('webhooks-page').waitFor();
      await hooks.getByRole('button', { name: '新建推送' }).click();
      const editor = hooks.getByTestId('webhook-editor');
      await editor.getByLabel('名称').fill('e2e 运营群');
      await editor.getByLabel('Webhook 地址').fill(`${receiver.url}/robot/send?access_token=e2e-robot-token`);
      await editor.getByLabel('加签密钥（SEC 开头，可选）').fill('SECe2e0123456789');
      await editor.getByRole('button', { name: '创建' }).click();

      const card = hooks.locator('[data-testid="webhook"]', { has: hooks.getByRole('heading', { name: /e2e 运营群/ }) });
      await card.waitFor();
      // The robot's token never comes back to the screen.
      expect(await card.textContent()).toContain('access_token=***');
      expect(await card.textContent()).not.toContain('e2e-robot-token');
      expect((await listed()).filter((w) => w.name === 'e2e 运营群')).toEqual([
        { name: 'e2e 运营群', url: `${receiver.url}/robot/send?access_token=***`, format: 'DINGTALK', signed: true },
      ]);

      await card.getByRole('button', { name: '发送测试' }).click();
      await card.getByTestId('webhook-test-result').waitFor();
      expect(await card.getByTestId('webhook-test-result').textContent()).toMatch(/^测试消息已送达（HTTP 200，\d+ 毫秒）/);
      const sent = receiver.received.filter((r) => r.url.startsWith('/hook/robot/send'));
      expect(sent).toHaveLength(1);
      // Signed as DingTalk's 加签 asks, next to the robot's own token.
      expect(sent[0]!.url).toMatch(/access_token=e2e-robot-token&timestamp=\d+&sign=/);
      const message = JSON.parse(sent[0]!.body) as { msgtype: string; markdown: { title: string; text: string } };
      expect(message.markdown.title).toBe('【测试】PeakOps 预警推送');
      expect(message.markdown.text).toContain('全部店铺');
      await hooks.screenshot({ path: path.join(ARTIFACTS, 'console-webhooks-1920x1080.png') });

      await card.getByRole('button', { name: '删除' }).click();
      await card.getByRole('button', { name: '确认删除' }).click();
      await card.waitFor({ state: 'detached' });
      expect((await listed()).filter((w) => w.name === 'e2e 运营群')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await hooks.close();
      await receiver.down();
    }
  });

  it('records an hour of ad spend on the spend page as the server then holds it, and voids it with a reason', async () => {
    const url = stack!.url;
    const shops = await gqlAt(url, '{ shops(first: 1) { edges { node { id name } } } }');
    const shop = shops.data?.shops.edges[0]?.node as { id: string; name: string };
    const mine = async () => {
      const since = new Date(Date.now() - 3 * 3_600_000).toISOString();
      const answer = await gqlAt(url, 'query($s: ID!, $f: DateTime!) { marketingSpend(filter: { shopIds: [$s], sources: [PAID], from: $f }, first: 100) { edges { node { entryId amount source voidedAt voidReason } } } }', { s: shop.id, f: since });
      return (answer.data?.marketingSpend.edges as { node: { entryId: string; amount: string; source: string; voidedAt: string | null; voidReason: string | null } }[])
        .map((e) => e.node)
        .filter((e) => e.entryId.startsWith('console-'));
    };
    const { page: spend, errors } = await watchedPage(browser!);
    try {
      await openFromWall(spend, url, '投放花费');
      await spend.getByTestId('spend-page').waitFor();
      await spend.getByTestId('spend-shop').selectOption(shop.id);
      const form = spend.getByTestId('spend-form');
      await form.getByLabel('金额（元）').fill('1,234.56');
      await form.getByRole('button', { name: '记录' }).click();
      await form.getByRole('status').waitFor();
      expect(await form.getByRole('status').textContent()).toMatch(/^已记录 ¥1,234.56（付费推广 \d{2}:00）$/);
      expect(await mine()).toEqual([{ entryId: expect.stringMatching(/^console-/), amount: '1234.56', source: 'PAID', voidedAt: null, voidReason: null }]);
      await spend.screenshot({ path: path.join(ARTIFACTS, 'console-spend-1920x1080.png') });

      const row = spend.locator('[data-testid="spend-entry"]', { hasText: '¥1,234.56' });
      await row.getByRole('button', { name: '作废' }).click();
      await spend.getByLabel('作废原因').fill('e2e: 录错了');
      await spend.getByRole('button', { name: '确认作废' }).click();
      await expect.poll(() => row.getAttribute('data-voided')).toBe('true');
      expect(await mine()).toEqual([expect.objectContaining({ amount: '1234.56', voidedAt: expect.any(String), voidReason: 'e2e: 录错了' })]);
      expect(errors).toEqual([]);
    } finally {
      await spend.close();
    }
  });

  it('makes a screen key on the access page whose sign-in link opens the war room, and revokes it', async () => {
    const url = stack!.url;
    const { page: access, errors } = await watchedPage(browser!);
    try {
      await openFromWall(access, url, '访问管理');
      await access.getByTestId('api-keys').waitFor();
      await access.getByRole('button', { name: '新建密钥' }).click();
      const editor = access.getByTestId('api-key-editor');
      await editor.getByLabel('名称').fill('e2e 会场大屏');
      await editor.getByLabel('大屏专用', { exact: false }).check();
      await editor.getByRole('button', { name: '创建密钥' }).click();
      const link = (await access.getByTestId('api-key-screen-link').textContent())!;
      expect(link.startsWith(`${url}/#key=pk_`)).toBe(true);
      const secret = decodeURIComponent(link.split('#key=')[1]!);
      // The key as the API lists it: read-only, screen operations only, never its secret.
      const listed = await gqlAt(url, '{ apiKeys { name scopes trustedDocumentsOnly prefix } }');
      const made = (listed.data?.apiKeys as { name: string; scopes: string[]; trustedDocumentsOnly: boolean; prefix: string }[]).find((k) => k.name === 'e2e 会场大屏');
      expect(made).toMatchObject({ scopes: ['READ'], trustedDocumentsOnly: true });
      expect(JSON.stringify(listed)).not.toContain(secret);
      await access.screenshot({ path: path.join(ARTIFACTS, 'console-access-1920x1080.png') });

      // A fresh browser profile, as the screen's own: the link alone signs it in.
      const screenContext = await browser!.newContext({ viewport: { width: 1920, height: 1080 } });
      try {
        const wall = await screenContext.newPage();
        await wall.goto(link);
        await wall.getByTestId('hero').waitFor({ timeout: 60_000 });
        expect(wall.url()).not.toContain('#key=');
      } finally {
        await screenContext.close();
      }

      await access.getByRole('button', { name: '我已保存' }).click();
      const row = access.locator('[data-testid="api-key"]', { hasText: 'e2e 会场大屏' });
      await row.getByRole('button', { name: '吊销' }).click();
      await row.getByRole('button', { name: '确认吊销' }).click();
      await row.waitFor({ state: 'detached' });
      // Revoked: the key is refused from now on.
      const refused = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ query: '{ viewer { name } }' }) });
      expect(refused.status).toBe(401);
      expect(errors).toEqual([]);
    } finally {
      await access.close();
    }
  });

  it('creates a campaign on the campaigns page, in Beijing time, as the API then lists it, and cancels it', async () => {
    const url = stack!.url;
    const shops = await gqlAt(url, '{ shops(first: 1) { edges { node { id name } } } }');
    const shop = shops.data?.shops.edges[0]?.node as { id: string; name: string };
    const listed = async () => {
      const answer = await gqlAt(url, '{ campaigns(first: 50) { edges { node { name status startsAt endsAt gmvTarget theme shops { id } } } } }');
      return (answer.data?.campaigns.edges as { node: { name: string; status: string; startsAt: string; endsAt: string; gmvTarget: string; theme: string | null; shops: { id: string }[] } }[])
        .map((e) => e.node)
        .filter((c) => c.name === 'e2e 双12预热');
    };
    // Two days ahead, so it is still to come whatever the hour.
    const day = new Date(Date.now() + 8 * 3_600_000 + 2 * 86_400_000).toISOString().slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const { page, errors } = await watchedPage(browser!);
    try {
      await openFromWall(page, url, '活动管理');
      await page.getByTestId('campaigns-page').waitFor();
      await page.getByRole('button', { name: '新建活动' }).click();
      const editor = page.getByTestId('campaign-editor');
      await editor.getByLabel('活动名称').fill('e2e 双12预热');
      await editor.getByLabel('活动主题（满减等，可不填）').fill('满200减20');
      await editor.getByLabel('开始（北京时间）').fill(`${day}T20:00`);
      await editor.getByLabel('结束（北京时间）').fill(`${next}T02:00`);
      await editor.getByLabel('GMV 目标（元）').fill('1,200,000');
      await editor.getByLabel(shop.name).check();
      await editor.getByRole('button', { name: '创建活动' }).click();
      await editor.waitFor({ state: 'detached' });
      const [made] = await listed();
      expect(made).toMatchObject({ status: 'UPCOMING', gmvTarget: '1200000.00', theme: '满200减20', shops: [{ id: shop.id }] });
      // Typed as Beijing time: 20:00 there is 12:00 UTC.
      expect(new Date(made!.startsAt).toISOString()).toBe(`${day}T12:00:00.000Z`);
      expect(new Date(made!.endsAt).toISOString()).toBe(`${day}T18:00:00.000Z`);
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-campaigns-1920x1080.png') });

      const row = page.locator('[data-testid="campaign"]', { hasText: 'e2e 双12预热' });
      await row.getByRole('button', { name: '取消活动' }).click();
      await row.getByRole('button', { name: '确认取消活动' }).click();
      await expect.poll(() => row.getAttribute('data-status')).toBe('CANCELLED');
      expect((await listed())[0]?.status).toBe('CANCELLED');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('keeps its navigation and the alert log’s filters on one line each, and its chips unbroken, at 1920 × 1080 in Chinese and in English', async () => {
    const { page, errors } = await watchedPage(browser!);
    try {
      await openFromWall(page, stack!.url, '告警记录');
      await page.getByTestId('alert-log-page').waitFor();
      for (const lang of ['zh-CN', 'en']) {
        if (lang === 'en') await page.getByTestId('lang-toggle').click();
        await page.waitForFunction(`document.documentElement.lang === ${JSON.stringify(lang)}`);
        expect(await rowsOf(page, '.console-nav a'), `${lang}: the navigation`).toEqual({ items: 11, rows: 1, wrapped: [] });
        expect(await rowsOf(page, '[data-testid="alert-log-page"] .console-toolbar > *'), `${lang}: the alert log's toolbar`).toMatchObject({ items: 3, rows: 1 });
        expect(await rowsOf(page, '[data-testid="alert-log-page"] .tabs button'), `${lang}: the status filters`).toEqual({ items: 4, rows: 1, wrapped: [] });
        expect((await rowsOf(page, '[data-testid="alert-log"] .tag')).wrapped, `${lang}: the severity and state chips of the rows`).toEqual([]);
        await page.screenshot({ path: path.join(ARTIFACTS, `console-alerts-${lang}-1920x1080.png`) });
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

/**
 * Access to the built war room in Chromium against one real server (PGlite, the demo with its own
 * traffic, so the figures keep moving): the kiosk link, signing in, and a staff session that outlives
 * several access tokens. The server issues 10-second access tokens for the whole file
 * (ACCESS_TOKEN_TTL_SECONDS=10): the kiosk key does not expire, and signing in is the same with any lifetime.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlAt, TEST_ADMIN_KEY } from '../server/test/server-process.js';
import { WarRoomPage } from './support/browser.js';
import { ARTIFACTS, requireClientDist } from './support/client-dist.js';
import { kioskLink, startDemoStack, startStackAndChromium, type DemoStack } from './support/stack.js';

requireClientDist();

const ACCESS_TOKEN_TTL_S = 10;
const STAFF = { email: 'wang.lei@example.com', name: '王磊', password: 'correct horse battery staple' };

/** Notes, from now on, whether the sign-in page ever appears, however briefly. */
const WATCH_FOR_SIGN_IN = `(() => {
  window.__signInSeen = Boolean(document.querySelector('[data-testid="sign-in"]'));
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="sign-in"]')) window.__signInSeen = true;
  }).observe(document, { childList: true, subtree: true });
})()`;

const storedAccessToken = `(() => { try { return JSON.parse(localStorage.getItem('peakops.credential')).accessToken ?? null; } catch { return null; } })()`;

async function signIn(page: WarRoomPage, password: string) {
  await page.page.getByLabel('邮箱').fill(STAFF.email);
  await page.page.getByLabel('密码').fill(password);
  await page.page.getByRole('button', { name: '登录' }).click();
}

async function screenshot(page: WarRoomPage, file: string, size: { width: number; height: number }) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const target = path.join(ARTIFACTS, file);
  await page.page.screenshot({ path: target });
  const png = readFileSync(target);
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size.width, size.height]);
  console.log(`[e2e] screenshot ${path.relative(process.cwd(), target)} ${size.width}×${size.height}`);
}

describe('access to the war room in Chromium [pglite]', () => {
  let stack: DemoStack | undefined;
  let browser: Browser | undefined;
  const pages: WarRoomPage[] = [];

  const server = () => {
    if (!stack) throw new Error('stack not started');
    return stack;
  };
  const open = async (url: string, viewport?: { width: number; height: number }) => {
    const page = await WarRoomPage.open(browser!, url, viewport);
    pages.push(page);
    return page;
  };
  const liveWithFigures = (page: WarRoomPage, what: string) =>
    page.until(what, (s) => s.badge === 'live' && (s.heroFen ?? 0) > 0, 60_000);

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndChromium(() =>
      startDemoStack('pglite', { ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_S), SIMULATOR_RATE: '50' }, { inProcessTraffic: true }),
    ));

    // A member of staff, made through the API with the admin key, as an operator would.
    const created = await gqlAt(
      stack.url,
      'mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code message } } }',
      { input: { ...STAFF, role: 'VIEWER' } },
      TEST_ADMIN_KEY,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createUser.userErrors).toEqual([]);
  }, 600_000); // may first wait out Shanghai midnight (see clearOfShanghaiMidnight)

  afterAll(async () => {
    const died = stack?.unexpectedExit();
    if (died) console.error(`[e2e] ${died}`);
    for (const page of pages) await page.close().catch(() => {});
    await browser?.close().catch(() => {});
    await stack?.dispose();
  });

  it('opens from a kiosk link: the key leaves the address bar, the figures move, nothing to sign out', async () => {
    const page = await open(kioskLink(server().url));
    const live = await liveWithFigures(page, 'live figures from the kiosk link');
    expect(page.page.url()).toBe(`${server().url}/`);
    expect(await page.page.evaluate('location.href')).not.toContain('key=');
    expect(await page.page.content()).not.toContain(TEST_ADMIN_KEY);
    expect(await page.page.getByTestId('sign-out').count()).toBe(0);

    const moved = await page.until('the hero GMV to rise', (s) => (s.heroFen ?? 0) > live.heroFen!, 60_000);
    expect(moved.badge).toBe('live');
    expect(page.pageErrors).toEqual([]);
  });

  it('signs in: no key → the sign-in page (a wrong password said in words) → the war room with live figures', async () => {
    const laptop = await open(`${server().url}/`, { width: 1366, height: 768 });
    await laptop.page.getByRole('heading', { name: '登录' }).waitFor();
    await screenshot(laptop, 'sign-in-laptop-1366x768.png', { width: 1366, height: 768 });

    const page = await open(`${server().url}/`);
    await page.page.getByRole('heading', { name: '登录' }).waitFor();
    expect(await page.page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    expect(await page.page.getByLabel('邮箱').isVisible()).toBe(true);
    expect(await page.page.getByLabel('密码').isVisible()).toBe(true);
    await screenshot(page, 'sign-in-1920x1080.png', { width: 1920, height: 1080 });

    await signIn(page, 'not the password at all');
    expect(await page.page.getByTestId('sign-in-error').textContent()).toBe('邮箱或密码错误。');
    await screenshot(page, 'sign-in-wrong-password-1920x1080.png', { width: 1920, height: 1080 });

    await signIn(page, STAFF.password);
    await liveWithFigures(page, 'live figures after signing in');
    expect(await page.page.getByTestId('account-name').textContent()).toBe(STAFF.name);
    expect(await page.page.getByTestId('sign-out').isVisible()).toBe(true);
    await screenshot(page, 'war-room-staff-1920x1080.png', { width: 1920, height: 1080 });
    expect(page.pageErrors).toEqual([]);
  });

  it('keeps a staff session through several 10-second access tokens: figures moving, no reload, never the sign-in page', async () => {
    const page = await open(`${server().url}/`);
    await signIn(page, STAFF.password);
    const first = await liveWithFigures(page, 'live figures after signing in');
    await page.page.evaluate(WATCH_FOR_SIGN_IN);
    const loads = page.loads;
    const navigations = page.navigations;
    const sockets = page.sockets;

    // ~35 s: three and a half access-token lifetimes. The screen refreshes each token half-way through
    // its life; the server still closes each socket (4403) when the token it opened with expires.
    const tokens = new Set<string>();
    const badges = new Map<string, number>();
    const until = Date.now() + 35_000;
    while (Date.now() < until) {
      const token = (await page.page.evaluate(storedAccessToken)) as string | null;
      expect(token, 'the session was dropped').not.toBeNull();
      tokens.add(token!);
      const { badge } = await page.state();
      badges.set(String(badge), (badges.get(String(badge)) ?? 0) + 1);
      await page.page.waitForTimeout(500);
    }
    const at35s = await page.state();
    console.log(
      `[e2e] 35 s of a staff session with ${ACCESS_TOKEN_TTL_S}-s access tokens: ${tokens.size} access tokens, ` +
        `${page.sockets - sockets} reconnects, badge samples ${JSON.stringify(Object.fromEntries(badges))}`,
    );

    // Still moving after the tokens it started with are long gone.
    const moving = await page.until('the hero GMV to rise after 35 s', (s) => s.badge === 'live' && (s.heroFen ?? 0) > (at35s.heroFen ?? 0), 60_000);
    expect(moving.heroFen).toBeGreaterThan(first.heroFen!);
    expect(tokens.size).toBeGreaterThanOrEqual(5); // refreshed about every 5 s
    expect(page.sockets - sockets).toBeGreaterThanOrEqual(2); // and reconnected with the new tokens
    expect(await page.page.evaluate('window.__signInSeen')).toBe(false);
    expect(await page.page.getByTestId('account-name').textContent()).toBe(STAFF.name);
    expect(page.loads).toBe(loads);
    expect(page.navigations).toBe(navigations);
    expect(await page.page.evaluate(`performance.getEntriesByType('navigation').length`)).toBe(1);
    expect(page.pageErrors).toEqual([]);
  });
});

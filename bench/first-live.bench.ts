/**
 * First live numbers, two builds of the screen side by side: the built war room opened `--loads` times
 * in Debian's Chromium against a fresh demo server per build, the builds taking turns round by round.
 * For each load: milliseconds from navigation to the frame that paints the hero's GMV (the probe the
 * e2e tests and bench/war-room.bench.ts use), and the page's main-thread CPU until then (a CPU
 * profile of the renderer: the client's own cost, less bent by what else runs on the machine than the
 * wall clock). Prints each build's medians and B / A. Budget: first live numbers ≤ 1.5 s.
 *
 * Run: npm run bench:first-live -- --a <dir> --b <dir> [--rounds 2] [--loads 6] [--backend postgres] [--simulators 0]
 *   --a, --b      built clients (a copy of client/dist after `npm run build:client` at each commit);
 *                 each is put in client/dist in turn, which is restored at the end. Without them: client/dist alone
 *   --a-with-omnibox-popup  A's Chromium builds the address bar's popup, as the harness's did before 2026-12-06
 *                 (browser.ts, WITHOUT_OMNIBOX_POPUP); without --a and --b both sides load client/dist
 *   --simulators  simulator processes feeding the live campaign (50 events/s each), as the soak does with 3
 *   --named       the link names the campaign (`?campaign=<id>`, as the address reads after a pick), instead of
 *                 a bare kiosk link that leaves the choice to the screen
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS, launchChromium, WarRoomPage, WITHOUT_OMNIBOX_POPUP } from '../e2e/support/browser.js';
import { FIRST_LIVE_NUMBERS_BUDGET_MS } from '../e2e/support/client-dist.js';
import { activeCampaign, kioskLink, startDemoStack, startSimulators, type Backend, type Simulator } from '../e2e/support/stack.js';
import { CLIENT_DIST } from '../server/src/http/client-files.js';
import { arg, median, report } from './bench-util.js';

const ROUNDS = Number(arg('rounds', '2'));
const LOADS = Number(arg('loads', '6'));
const BACKEND = arg('backend', 'postgres') as Backend;
const SIMULATORS = Number(arg('simulators', '0'));
const NAMED = process.argv.includes('--named');
const A_WITH_POPUP = process.argv.includes('--a-with-omnibox-popup');
const builds = [arg('a', ''), arg('b', '')].filter(Boolean).map((dir) => path.resolve(dir));
for (const dir of builds) if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`${dir} is not a built client (no index.html)`);

interface Side {
  name: string;
  /** A built client to put in client/dist first; none: client/dist as it is. */
  build?: string;
  chromiumArgs: readonly string[];
}
const sides: Side[] =
  builds.length > 0
    ? builds.map((build, i) => ({ name: i === 0 ? 'A' : 'B', build, chromiumArgs: CHROMIUM_ARGS }))
    : A_WITH_POPUP
      ? [{ name: 'A', chromiumArgs: CHROMIUM_ARGS }, { name: 'B', chromiumArgs: CHROMIUM_ARGS }]
      : [{ name: 'client/dist', chromiumArgs: CHROMIUM_ARGS }];
if (A_WITH_POPUP) sides[0]!.chromiumArgs = CHROMIUM_ARGS.filter((flag) => flag !== WITHOUT_OMNIBOX_POPUP);

interface Load {
  firstLiveMs: number;
  mainThreadMs: number;
}

/** One load of the screen with the renderer's CPU profiled from before navigation to the first live frame. */
async function openOnce(browser: Browser, url: string): Promise<Load> {
  const profiler: { stop?: () => Promise<number> } = {};
  const startProfiler = async (page: Page) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
    profiler.stop = async () => {
      const { profile } = await cdp.send('Profiler.stop');
      const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
      let busyUs = 0;
      profile.samples?.forEach((id, i) => {
        if (!idle.has(id)) busyUs += profile.timeDeltas?.[i + 1] ?? 0;
      });
      return busyUs / 1_000;
    };
  };
  const room = await WarRoomPage.open(browser, url, undefined, startProfiler);
  try {
    const first = await room.firstLive();
    if (!profiler.stop) throw new Error('the page was not profiled');
    const mainThreadMs = await profiler.stop();
    return { firstLiveMs: first.frameMs, mainThreadMs };
  } finally {
    await room.close();
  }
}

async function measureSide(label: string, side: Side): Promise<Load[]> {
  const stack = await startDemoStack(BACKEND, { TICK_MS: '100', LIVE_HEARTBEAT_MS: '1000' });
  const browser = await launchChromium(side.chromiumArgs);
  const simulators: Simulator[] = [];
  try {
    await stack.historyLoaded();
    const campaign = await activeCampaign(stack.url);
    simulators.push(...startSimulators(stack.url, campaign.id, SIMULATORS, 50));
    await Promise.all(simulators.map((s) => s.started()));
    const link = NAMED ? kioskLink(stack.url).replace('/#', `/?campaign=${encodeURIComponent(campaign.id)}#`) : kioskLink(stack.url);
    await openOnce(browser, link); // Chromium's own first start is not the screen's
    const loads: Load[] = [];
    for (let i = 0; i < LOADS; i++) loads.push(await openOnce(browser, link));
    console.log(
      `${label}: first live ${loads.map((l) => Math.round(l.firstLiveMs)).join(', ')} ms; main thread ${loads.map((l) => Math.round(l.mainThreadMs)).join(', ')} ms`,
    );
    return loads;
  } finally {
    await Promise.allSettled(simulators.map((s) => s.stop(1_000)));
    await browser.close();
    await stack.dispose();
  }
}

const names = sides.map((side) => side.name);
const saved = builds.length ? mkdtempSync(path.join(tmpdir(), 'peakops-dist-')) : null;
if (saved) cpSync(CLIENT_DIST, saved, { recursive: true });
const results = new Map<string, Load[]>(names.map((n) => [n, []]));
console.log(
  `first live numbers: ${BACKEND}, ${SIMULATORS} simulator(s), ${ROUNDS} round(s) of ${LOADS} loads per side, ${NAMED ? 'the campaign named in the link' : 'a bare kiosk link'}${A_WITH_POPUP ? ", A's Chromium with the omnibox popup" : ''}`,
);
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const side of sides) {
      if (side.build) {
        rmSync(CLIENT_DIST, { recursive: true, force: true });
        cpSync(side.build, CLIENT_DIST, { recursive: true });
      }
      results.get(side.name)!.push(...(await measureSide(`${side.name} round ${round}`, side)));
    }
  }
} finally {
  if (saved) {
    rmSync(CLIENT_DIST, { recursive: true, force: true });
    cpSync(saved, CLIENT_DIST, { recursive: true });
    rmSync(saved, { recursive: true, force: true });
  }
}

const medianOf = (name: string, key: keyof Load) => median(results.get(name)!.map((l) => l[key]));
const rows: [string, string][] = names.flatMap((name): [string, string][] => [
  [`${name}: first live numbers, median (ms)`, `${Math.round(medianOf(name, 'firstLiveMs'))} (budget ${FIRST_LIVE_NUMBERS_BUDGET_MS})`],
  [`${name}: main-thread CPU until then, median (ms)`, `${Math.round(medianOf(name, 'mainThreadMs'))}`],
]);
if (names.length === 2) {
  rows.push(['B / A first live numbers', (medianOf('B', 'firstLiveMs') / medianOf('A', 'firstLiveMs')).toFixed(2)]);
  rows.push(['B / A main-thread CPU', (medianOf('B', 'mainThreadMs') / medianOf('A', 'mainThreadMs')).toFixed(2)]);
}
report('first live numbers, side by side', rows);

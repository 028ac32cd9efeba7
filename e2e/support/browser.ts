import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded one (see STACK.md: no `playwright install` here). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium (156) still builds the address bar's popup, a WebUI page in a renderer of its own
 * that loads ~100 chrome:// modules, whenever a page opens: during a war room's load that renderer's
 * main thread ran as long as the screen's own (a trace of one load, docs/BENCHMARKS.md "The wall's
 * first numbers"). Nobody sees it headless, and on a 2-core machine it takes the CPU the screen and the
 * server need. `bench:first-live -- --a-with-omnibox-popup` measures what it costs.
 */
export const WITHOUT_OMNIBOX_POPUP = '--disable-features=WebUIOmniboxPopup';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  WITHOUT_OMNIBOX_POPUP,
];

export function launchChromium(args: readonly string[] = CHROMIUM_ARGS): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...args] });
}

/**
 * Installed before the page's own scripts: notes when the hero's exact GMV first shows a figure
 * (DOM time, and the animation frame it is painted in), both in ms since navigation start.
 */
const FIRST_LIVE_PROBE = `(() => {
  const record = () => {
    const el = document.querySelector('[data-testid="hero-gmv-exact"]');
    const text = el && el.textContent;
    if (!text || !/\\d/.test(text)) return false;
    const domMs = performance.now();
    requestAnimationFrame(() => { window.__e2eFirstLive = { domMs, frameMs: performance.now(), text }; });
    return true;
  };
  const observer = new MutationObserver(() => { if (record()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();`;

export interface FirstLive {
  /** ms from navigation start until the exact GMV was in the DOM. */
  domMs: number;
  /** ms from navigation start to the animation frame that paints it. */
  frameMs: number;
  text: string;
  /** First contentful paint (the "loading" text), for context. */
  fcpMs: number | null;
}

/** What a person at the wall would read, in one round trip. */
export interface ScreenState {
  lang: string;
  badge: string | null;
  badgeText: string | null;
  /** data-value of the rolling hero number: the exact GMV in fen. */
  heroFen: number | null;
  /** The rolling number as currently drawn (mid-animation it lags heroFen). */
  heroText: string | null;
  heroExact: string | null;
  banner: string | null;
  asOf: string | null;
  buyers: string | null;
}

const SCREEN_STATE = `(() => {
  const q = (id) => document.querySelector('[data-testid="' + id + '"]');
  const text = (id) => { const el = q(id); return el ? (el.textContent || '').trim() : null; };
  const hero = q('hero-gmv');
  const buyers = document.querySelector('[data-testid="kpi-buyers"] .kpi-value');
  return {
    lang: document.documentElement.lang,
    badge: q('connection-badge') ? q('connection-badge').getAttribute('data-state') : null,
    badgeText: text('connection-badge'),
    heroFen: hero ? Number(hero.getAttribute('data-value')) : null,
    heroText: hero ? (hero.textContent || '').trim() : null,
    heroExact: text('hero-gmv-exact'),
    banner: text('delayed-banner'),
    asOf: text('as-of'),
    buyers: buyers ? (buyers.textContent || '').trim() : null,
  };
})()`;

/** One item of the alert feed as the screen shows it. */
export interface AlertOnScreen {
  rule: string | null;
  /** OPEN, ACKNOWLEDGED, or RESOLVED while it fades out. */
  status: string | null;
  subject: string;
  text: string;
  /** Wholly inside the feed's panel and not hidden for lack of room (the wall cannot scroll), not merely in the DOM. */
  inView: boolean;
}

const ALERTS_ON_SCREEN = `(() => {
  const feed = document.querySelector('[data-testid="alerts-feed"] .panel-body');
  const box = feed ? feed.getBoundingClientRect() : null;
  return [...document.querySelectorAll('[data-testid="alert"]')].map((li) => {
    const r = li.getBoundingClientRect();
    const subject = li.querySelector('.alert-subject');
    return {
      rule: li.getAttribute('data-rule'),
      status: li.getAttribute('data-status'),
      subject: subject ? subject.textContent || '' : '',
      text: li.textContent || '',
      inView: !!box && r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && !li.hasAttribute('data-clipped'),
    };
  });
})()`;

/** A browser tab on the war room, counting what happened to it since it was opened. */
export class WarRoomPage {
  /** Uncaught exceptions in the page. */
  readonly pageErrors: string[] = [];
  /** Full document loads (a reload or a navigation would add one). */
  loads = 0;
  /** Main-frame navigations, the first `goto` included (same-document history changes count too). */
  navigations = 0;
  /** WebSockets the page opened: the first one and every reconnect. */
  sockets = 0;
  /** Live messages (graphql-ws `next` frames) received, in all and per operation (WarRoomProgress, WarRoomToday). */
  liveMessages = 0;
  readonly liveMessagesByOperation = new Map<string, number>();

  private constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    page.on('load', () => this.loads++);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.navigations++;
    });
    page.on('websocket', (ws) => {
      this.sockets++;
      const operations = new Map<string, string>(); // subscription id → operation name, per socket
      ws.on('framesent', (frame) => {
        if (typeof frame.payload !== 'string' || !frame.payload.includes('"subscribe"')) return;
        const message = JSON.parse(frame.payload) as { id?: string; type?: string; payload?: { query?: string } };
        const name = /subscription\s+(\w+)/.exec(message.payload?.query ?? '')?.[1];
        if (message.type === 'subscribe' && message.id && name) operations.set(message.id, name);
      });
      ws.on('framereceived', (frame) => {
        if (typeof frame.payload !== 'string' || !frame.payload.slice(0, 80).includes('"type":"next"')) return;
        this.liveMessages++;
        const id = /"id":"([^"]+)"/.exec(frame.payload)?.[1];
        const name = (id && operations.get(id)) ?? 'unknown';
        this.liveMessagesByOperation.set(name, (this.liveMessagesByOperation.get(name) ?? 0) + 1);
      });
    });
  }

  /** `beforeLoad` runs on the new page before it navigates (a benchmark starts its profiler there). */
  static async open(
    browser: Browser,
    url: string,
    viewport = { width: 1920, height: 1080 },
    beforeLoad?: (page: Page) => Promise<void>,
  ): Promise<WarRoomPage> {
    const page = await browser.newPage({ viewport });
    await beforeLoad?.(page);
    await page.addInitScript({ content: FIRST_LIVE_PROBE });
    const room = new WarRoomPage(page);
    await page.goto(url, { waitUntil: 'load' });
    return room;
  }

  // The evaluated strings run in the page (DOM types are not in this project's lib); each returns the declared shape.
  state(): Promise<ScreenState> {
    return this.page.evaluate(SCREEN_STATE) as Promise<ScreenState>;
  }

  /** The alert feed's items, in the order shown. */
  alerts(): Promise<AlertOnScreen[]> {
    return this.page.evaluate(ALERTS_ON_SCREEN) as Promise<AlertOnScreen[]>;
  }

  /** Waits for the probe; ms are since this document's navigation start. */
  async firstLive(timeoutMs = 30_000): Promise<FirstLive> {
    // A function, not a string: Playwright evals a string predicate inside the page, which the screen's
    // Content-Security-Policy (script-src 'self', no 'unsafe-eval') refuses.
    await this.page.waitForFunction(() => (globalThis as { __e2eFirstLive?: unknown }).__e2eFirstLive !== undefined, undefined, { timeout: timeoutMs });
    return (await this.page.evaluate(`({
      ...window.__e2eFirstLive,
      fcpMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    })`)) as FirstLive;
  }

  /** Polls the screen until `check` accepts it; the error names the last state seen. */
  async until(what: string, check: (s: ScreenState) => boolean, timeoutMs = 20_000): Promise<ScreenState> {
    const deadline = Date.now() + timeoutMs;
    let last: ScreenState | null = null;
    for (;;) {
      last = await this.state();
      if (check(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen: ${JSON.stringify(last)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

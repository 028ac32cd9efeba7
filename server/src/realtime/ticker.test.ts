import { describe, expect, it } from 'vitest';
import { FAILURES_BEFORE_TELLING, liveState, Ticker, type TopicSource } from './ticker.js';

/** A topic whose state is a counter the test moves; compute calls are counted. */
function counterTopic() {
  const state = { value: 0, computations: 0 };
  const source: TopicSource<number> = {
    compute: async () => {
      state.computations++;
      return state.value;
    },
    fingerprint: (value) => String(value),
  };
  return { state, source };
}

/** The promise's value, or a failure naming the wait: a topic held behind another would otherwise hang the test. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms))]);
}

/**
 * Topics whose computations, once `hold` is set, wait until the test releases them; counts how many are
 * in flight at once.
 */
function heldTopics() {
  const held = { hold: false, inFlight: 0, most: 0, release: [] as (() => void)[] };
  const topic = (n: number): TopicSource<number> => ({
    compute: async () => {
      if (!held.hold) return n;
      held.most = Math.max(held.most, ++held.inFlight);
      await new Promise<void>((resolve) => held.release.push(resolve));
      held.inFlight--;
      return n;
    },
    fingerprint: String,
  });
  /** Releases computations as they wait, until `done` settles. */
  const releaseUntil = async (done: Promise<unknown>) => {
    let settled = false;
    void done.then(() => (settled = true));
    while (!settled) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      held.release.splice(0).forEach((go) => go());
    }
  };
  return { held, topic, releaseUntil };
}

describe('the ticker', () => {
  it('lets a slow consumer skip intermediate ticks: it gets the latest state, never a backlog', async () => {
    const ticker = new Ticker({ intervalMs: 60_000, now: () => new Date(), onError: (error) => {
      throw error;
    } });
    ticker.markChanged();
    const { state, source } = counterTopic();
    const slow = ticker.subscribe('t', source);
    const fast = ticker.subscribe('t', source);
    expect((await fast.next()).value).toMatchObject({ sequence: 1, value: 0 });
    for (let i = 1; i <= 50; i++) {
      state.value = i;
      ticker.markChanged();
      await ticker.tick();
      expect((await fast.next()).value).toMatchObject({ sequence: i + 1, value: i });
    }
    // The slow consumer reads only now: one message, the newest, and nothing queued behind it.
    expect((await slow.next()).value).toMatchObject({ sequence: 51, value: 50 });
    state.value = 51;
    ticker.markChanged();
    await ticker.tick();
    expect((await slow.next()).value).toMatchObject({ sequence: 52, value: 51 });
    expect(state.computations).toBe(52); // once per change, not once per subscriber
    await ticker.stop();
  });

  it('rides out a failed tick, and after failing several ticks in a row tells its subscribers why and ends', async () => {
    const logged: string[] = [];
    const ticker = new Ticker({ intervalMs: 60_000, now: () => new Date(), onError: (_error, key) => logged.push(key) });
    const { state, source } = counterTopic();
    let failing = 0;
    const flaky: TopicSource<number> = {
      compute: async (now) => {
        if (failing > 0) {
          failing--;
          throw new Error('relation "metric_rollups" does not exist');
        }
        return source.compute(now);
      },
      fingerprint: source.fingerprint,
    };
    const screen = ticker.subscribe('t', flaky);
    expect((await screen.next()).value).toMatchObject({ sequence: 1, value: 0 });

    // One failed tick: nothing is sent, the next tick carries on.
    failing = 1;
    state.value = 1;
    ticker.markChanged();
    await ticker.tick();
    await ticker.tick();
    expect((await screen.next()).value).toMatchObject({ sequence: 2, value: 1 });

    // A lasting failure: the subscriber gets the error as its last message, then the end.
    failing = FAILURES_BEFORE_TELLING;
    state.value = 2;
    for (let i = 0; i < FAILURES_BEFORE_TELLING; i++) {
      ticker.markChanged();
      await ticker.tick();
    }
    const last = (await screen.next()).value!;
    expect(last.sequence).toBe(3);
    expect(() => liveState(last)).toThrow('relation "metric_rollups" does not exist');
    expect(await screen.next()).toEqual({ value: undefined, done: true });
    expect(ticker.stats()).toMatchObject({ topics: 0, subscribers: 0, failures: 1 + FAILURES_BEFORE_TELLING, topicsFailed: 1 });
    expect(logged).toHaveLength(1 + FAILURES_BEFORE_TELLING); // logged per failure, and no longer once it ended

    // Resubscribing starts the topic afresh.
    const again = ticker.subscribe('t', flaky);
    expect((await again.next()).value).toMatchObject({ value: 2 });
    await ticker.stop();
  });

  it('waits out a database that cannot be reached, however many ticks: no subscription ends, and it is said once', async () => {
    const logged: string[] = [];
    const ticker = new Ticker({ intervalMs: 60_000, now: () => new Date(), onError: (_error, key) => logged.push(key) });
    const { state, source } = counterTopic();
    let away = false;
    // What postgres.js and drizzle throw while PostgreSQL restarts: the driver's code under drizzle's wrapper.
    const lost = () => Object.assign(new Error('Failed query: select …'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }) });
    const shutting = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const database: TopicSource<number> = {
      compute: async (now) => {
        if (away) throw state.computations % 2 ? lost() : shutting();
        return source.compute(now);
      },
      fingerprint: source.fingerprint,
    };
    const screen = ticker.subscribe('t', database);
    const other = ticker.subscribe('u', database);
    expect((await screen.next()).value).toMatchObject({ sequence: 1, value: 0 });
    expect((await other.next()).value).toMatchObject({ sequence: 1, value: 0 });

    away = true;
    for (let i = 0; i < 4 * FAILURES_BEFORE_TELLING; i++) {
      ticker.markChanged();
      await ticker.tick();
    }
    expect(ticker.stats()).toMatchObject({ topics: 2, subscribers: 2, topicsFailed: 0 });
    expect(logged).toHaveLength(1);

    away = false;
    state.value = 7;
    ticker.markChanged();
    await ticker.tick();
    expect((await within(screen.next(), 1_000)).value).toMatchObject({ value: 7 });
    expect((await within(other.next(), 1_000)).value).toMatchObject({ value: 7 });

    // A second outage is said again.
    away = true;
    ticker.markChanged();
    await ticker.tick();
    expect(logged).toHaveLength(2);
    await ticker.stop();
  });

  it('counts only failures in a row: a tick that computes the same state again ends the run', async () => {
    const ticker = new Ticker({ intervalMs: 60_000, now: () => new Date(), onError: () => {} });
    const { source } = counterTopic();
    let failNext = false;
    const flaky: TopicSource<number> = {
      compute: async (now) => {
        if (failNext) throw new Error('pool exhausted');
        return source.compute(now);
      },
      fingerprint: source.fingerprint,
    };
    const screen = ticker.subscribe('t', flaky);
    await screen.next();
    // Every other tick fails, the state never changes: 2 × FAILURES_BEFORE_TELLING failures, never in a row.
    for (let i = 0; i < 4 * FAILURES_BEFORE_TELLING; i++) {
      failNext = i % 2 === 0;
      ticker.markChanged();
      await ticker.tick();
    }
    expect(ticker.stats()).toMatchObject({ topics: 1, subscribers: 1, failures: 2 * FAILURES_BEFORE_TELLING, topicsFailed: 0 });
    await ticker.stop();
  });

  it('tells a subscriber whose very first state cannot be computed, instead of leaving it waiting', async () => {
    const ticker = new Ticker({ intervalMs: 60_000, now: () => new Date(), onError: () => {} });
    const broken: TopicSource<number> = {
      compute: async () => {
        throw new Error('campaign not found');
      },
      fingerprint: String,
    };
    const screen = ticker.subscribe('t', broken);
    const first = screen.next();
    for (let i = 1; i < FAILURES_BEFORE_TELLING; i++) await ticker.tick(); // the warm-up was the first failure
    const failure = (await first).value!;
    expect(() => liveState(failure)).toThrow('campaign not found');
    expect((await screen.next()).done).toBe(true);
  });

  it('computes nothing for a topic nobody watches any more', async () => {
    const ticker = new Ticker({ intervalMs: 60_000, now: () => new Date(), onError: () => {} });
    const { state, source } = counterTopic();
    const subscription = ticker.subscribe('t', source);
    await subscription.next();
    await subscription.return?.();
    ticker.markChanged();
    await ticker.tick();
    expect(state.computations).toBe(1);
    expect(ticker.stats()).toMatchObject({ topics: 0, subscribers: 0 });
  });

  it('re-sends an unchanged state as a heartbeat with a fresh asOf, so a screen can tell quiet from stuck', async () => {
    let now = Date.parse('2026-11-11T12:00:00Z');
    const ticker = new Ticker({ intervalMs: 60_000, now: () => new Date(now), onError: (error) => {
      throw error;
    }, heartbeatMs: 5_000 });
    const { state, source } = counterTopic();
    const subscription = ticker.subscribe('t', source);
    expect((await subscription.next()).value).toMatchObject({ sequence: 1, value: 0, asOf: new Date(now) });

    now += 4_000;
    await ticker.tick(); // quiet, and the heartbeat is not due: nothing computed, nothing sent
    expect(state.computations).toBe(1);

    now += 1_000;
    await ticker.tick();
    const heartbeat = (await subscription.next()).value;
    expect(heartbeat).toMatchObject({ sequence: 2, value: 0, asOf: new Date(now) });

    // A real change resets the heartbeat clock: the next quiet tick sends nothing.
    now += 2_000;
    state.value = 7;
    ticker.markChanged();
    await ticker.tick();
    expect((await subscription.next()).value).toMatchObject({ sequence: 3, value: 7 });
    now += 4_000;
    await ticker.tick();
    expect(state.computations).toBe(3);
    await ticker.stop();
  });

  it('computes up to `concurrency` topics of a tick at once, asks the replica once, and never more at a time', async () => {
    for (const concurrency of [1, 3]) {
      let replicaAsked = 0;
      const ticker = new Ticker({
        intervalMs: 60_000,
        now: () => new Date('2026-11-11T12:00:00Z'),
        concurrency,
        dataTime: async (now) => {
          replicaAsked++;
          return now;
        },
        onError: (error) => {
          throw error;
        },
      });
      const { held, topic, releaseUntil } = heldTopics();
      const screens = Array.from({ length: 7 }, (_, n) => ticker.subscribe(`t${n}`, topic(n)));
      await Promise.all(screens.map((screen) => screen.next()));
      held.hold = true;
      replicaAsked = 0;
      ticker.markChanged();
      // Hand out releases as computations wait: the tick ends once all seven have run.
      await releaseUntil(ticker.tick());
      expect(held.most).toBe(concurrency);
      expect(ticker.stats().computationsLastTick).toBe(7);
      expect(replicaAsked).toBe(1);
      await ticker.stop();
    }
  });

  it('keeps other topics ticking while one is stuck, and queues the stuck one once, not once per tick', async () => {
    const ticker = new Ticker({ intervalMs: 60_000, now: () => new Date(), concurrency: 2, onError: (error) => {
      throw error;
    } });
    const { state, source } = counterTopic();
    let stuckComputations = 0;
    let unstick: () => void = () => {};
    let stuckNow = false;
    const stuck: TopicSource<number> = {
      compute: async () => {
        stuckComputations++;
        // Stands for a statement waiting behind a lock: it ends only when the test lets it.
        if (stuckNow) await new Promise<void>((resolve) => (unstick = resolve));
        return stuckComputations;
      },
      fingerprint: String,
    };
    const slow = ticker.subscribe('slow', stuck);
    const screen = ticker.subscribe('fast', source);
    await Promise.all([slow.next(), screen.next()]);

    stuckNow = true;
    const ticks: Promise<void>[] = [];
    for (let i = 1; i <= 5; i++) {
      state.value = i;
      ticker.markChanged();
      ticks.push(ticker.tick()); // as the timer does: nobody waits for the tick before the next one
      expect((await within(screen.next(), 2_000)).value).toMatchObject({ value: i });
    }
    // Five ticks went by; the stuck topic started once and has one computation queued behind it.
    expect(stuckComputations).toBe(2);
    expect(state.computations).toBe(6);

    stuckNow = false;
    unstick();
    await Promise.all(ticks);
    expect(stuckComputations).toBe(3);
    expect((await slow.next()).value).toMatchObject({ value: 3 });
    await ticker.stop();
  });

  it('never computes more than `concurrency` topics at once, however ticks overlap', async () => {
    const ticker = new Ticker({ intervalMs: 60_000, now: () => new Date(), concurrency: 2, onError: (error) => {
      throw error;
    } });
    const { held, topic, releaseUntil } = heldTopics();
    const screens = Array.from({ length: 5 }, (_, n) => ticker.subscribe(`t${n}`, topic(n)));
    await Promise.all(screens.map((screen) => screen.next()));
    held.hold = true;
    const ticks: Promise<void>[] = [];
    for (let i = 0; i < 4; i++) {
      ticker.markChanged();
      ticks.push(ticker.tick());
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(held.inFlight).toBe(2);
    await releaseUntil(Promise.all(ticks));
    expect(held.most).toBe(2);
    await ticker.stop();
  });

  it('waits in stop() for a computation whose screens already left, and lets a new screen warm up while every turn is held', async () => {
    const ticker = new Ticker({ intervalMs: 60_000, now: () => new Date(), concurrency: 1, onError: (error) => {
      throw error;
    } });
    const { held, topic } = heldTopics();
    const screen = ticker.subscribe('held', topic(1));
    await screen.next();
    held.hold = true;
    ticker.markChanged();
    void ticker.tick();
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(held.inFlight).toBe(1); // the only turn is taken

    // A new screen's first state does not wait for that turn.
    const { source } = counterTopic();
    expect((await within(ticker.subscribe('new', source).next(), 2_000)).value).toMatchObject({ sequence: 1, value: 0 });

    // The held topic's screen leaves (the server closes sockets before it stops the ticker).
    await screen.return!();
    let stopped = false;
    const stopping = ticker.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    held.release.splice(0).forEach((go) => go());
    await stopping;
    expect(held.inFlight).toBe(0);
  });
});

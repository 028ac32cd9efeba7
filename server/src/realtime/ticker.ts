import { isConnectionFailure } from '../db/errors.js';
import { FAILURES_BEFORE_UNHEALTHY } from '../observability/health.js';

/**
 * The ticker: subscriptions with the same normalised key share one topic; each tick computes each
 * live topic ONCE and hands the result to every subscriber, so the database work per tick depends on
 * the number of live topics, never on the number of watchers. A topic without subscribers is
 * dropped and costs nothing.
 */
export interface Snapshot<T> {
  sequence: number;
  asOf: Date;
  value: T;
}

/**
 * A topic's last message when it could not be computed FAILURES_BEFORE_TELLING ticks in a row: the
 * subscription's resolver raises `error` (the subscriber sees it as a GraphQL error, masked like any
 * other) and the subscription completes. A screen that resubscribes starts a fresh topic.
 */
export interface TopicFailure {
  sequence: number;
  asOf: Date;
  error: unknown;
}

/** What a live subscription yields: a state, or the failure that ends it. */
export type LiveMessage<T> = Snapshot<T> | TopicFailure;

/** A subscription field's resolve: the state itself, or the topic's failure raised as the field's error. */
export function liveState<T>(message: LiveMessage<T>): Snapshot<T> {
  if ('error' in message) throw message.error;
  return message;
}

/**
 * Ticks in a row a topic may fail before its subscribers are told: a failed statement costs a tick or two
 * of freshness (the screens' asOf shows it), a lasting failure — the campaign deleted, a bug — ends the
 * subscriptions with the error instead of leaving screens frozen and the log filling. A database that cannot
 * be reached (a restart, a failover: isConnectionFailure) is not counted: every topic waits for it, however
 * long, and carries on when it answers.
 */
export const FAILURES_BEFORE_TELLING = FAILURES_BEFORE_UNHEALTHY;

/** Topics computed at once in a tick unless configured (bench/ticker.bench.ts measures the choice). */
export const DEFAULT_TICK_CONCURRENCY = 4;

export interface TopicSource<T> {
  /** Computes the topic's current state: the only place that touches the database. */
  compute(now: Date): Promise<T>;
  /** A cheap fingerprint of a state; a tick whose fingerprint did not change sends nothing. */
  fingerprint(value: T): Promise<string> | string;
}

interface Topic<T> {
  source: TopicSource<T>;
  subscribers: Set<Mailbox<T>>;
  latest: Snapshot<T> | null;
  fingerprint: string | null;
  sequence: number;
  /** The computation in flight (the first one, or a tick's), if any: a topic never computes twice at once. */
  running: Promise<void> | null;
  /** The tick's computation waiting for `running` to end: at most one, however many ticks pass meanwhile. */
  queued: Promise<void> | null;
  /** Set by a change notice; cleared when the topic is recomputed. */
  dirty: boolean;
  /** When the last message went out (heartbeats included), by the ticker's clock. */
  lastSent: number;
  /** Computations that failed since the last one that succeeded. */
  failures: number;
}

/** What the computations a tick started share: its clock, the replica's answer, and their count. */
interface TickRound {
  now: number;
  dataAt?: Promise<Date>;
  replicaFailed: boolean;
  computations: number;
}

/**
 * One subscriber's delivery slot. It holds only the newest snapshot: a consumer that cannot keep up
 * skips intermediate ticks instead of queueing them, so memory per subscriber is bounded and a slow
 * client never holds the others back.
 */
export class Mailbox<T> implements AsyncIterableIterator<LiveMessage<T>> {
  private pending: LiveMessage<T> | null = null;
  /** Set by divert(): later snapshots go straight to it instead of through the iterator. */
  private sink: ((snapshot: LiveMessage<T>) => void) | null = null;
  /** Never hand out a sequence twice or go back: a client relies on that to detect gaps. */
  private lastSequence = 0;
  private waiting: ((result: IteratorResult<LiveMessage<T>>) => void) | null = null;
  private closed = false;
  /** A failure was delivered: once it is taken, the iterator ends. */
  private ending = false;

  constructor(private readonly onClose: () => void) {}

  deliver(snapshot: LiveMessage<T>) {
    if (this.closed || this.ending || snapshot.sequence <= this.lastSequence) return;
    this.lastSequence = snapshot.sequence;
    if (this.sink) this.sink(snapshot);
    else this.enqueue(snapshot);
  }

  /**
   * From now on hands each new snapshot to `sink` at once, skipping the iterator and everything that maps
   * it (realtime/ws-direct.ts: a WebSocket subscriber's ticks written straight to its socket). Only while
   * nothing waits in this mailbox, so no snapshot overtakes an earlier one; the iterator stays open until
   * the subscription ends.
   */
  divert(sink: (snapshot: LiveMessage<T>) => void): boolean {
    if (this.closed || this.ending || this.pending) return false;
    this.sink = sink;
    return true;
  }

  /** Back to the iterator, with `snapshot` as its next value (a sink that cannot take it, e.g. a result with errors). */
  undivert(snapshot: LiveMessage<T>) {
    this.sink = null;
    if (!this.closed) this.enqueue(snapshot);
  }

  /** The topic failed for good: `failure` is the last message, then the subscription completes. */
  fail(failure: TopicFailure) {
    this.deliver(failure);
    this.ending = true;
  }

  private enqueue(snapshot: LiveMessage<T>) {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: snapshot, done: false });
    } else this.pending = snapshot;
  }

  next(): Promise<IteratorResult<LiveMessage<T>>> {
    if (this.pending) {
      const value = this.pending;
      this.pending = null;
      return Promise.resolve({ value, done: false });
    }
    // A failure still on its way back from a sink (undivert) has not been taken yet.
    if (this.ending && !this.sink) this.close();
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<LiveMessage<T>>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.pending = null;
    this.sink = null;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    this.onClose();
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

export interface TickerStats {
  topics: number;
  subscribers: number;
  /** Topic computations started in the newest tick so far (one per changed or due topic). */
  computationsLastTick: number;
  ticks: number;
  /** Topic computations that failed since start. */
  failures: number;
  /** Topics that failed FAILURES_BEFORE_TELLING times in a row and ended their subscriptions, since start. */
  topicsFailed: number;
}

export interface TickerOptions {
  intervalMs: number;
  now: () => Date;
  /** A topic's computation failed (logged by the app); the ticker retries and, past a bound, tells subscribers. */
  onError: (error: unknown, key: string) => void;
  /**
   * Topics are recomputed on a change notice, and at least this often anyway (time alone moves pace,
   * projections and the day window, and a writer may not have sent a notice); a topic that sent nothing
   * for this long sends its state again with a fresh `asOf`, so a screen can tell "nothing changed" from
   * "the feed is stuck". Default 5 s.
   */
  heartbeatMs?: number;
  /** False only to benchmark the design before shared topics (LIVE_SHARE_TOPICS): a topic per subscriber. */
  shareTopics?: boolean;
  /**
   * With a read replica: the instant its data describes (db/read-replica.ts). Asked once per tick, and
   * it becomes the messages' `asOf`, so replication lag shows on the screens' freshness badge.
   */
  dataTime?: (now: Date) => Promise<Date>;
  /**
   * Topics a tick computes at once (LIVE_TICK_CONCURRENCY, default 4): one at a time, a tick's length is
   * the sum of every topic's statements and JavaScript; a few at a time overlap them, within the pool.
   */
  concurrency?: number;
}

export class Ticker {
  private readonly topics = new Map<string, Topic<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  private failures = 0;
  private topicsFailed = 0;
  /** The newest tick's round: a computation that waited for its turn uses the newest clock and replica time. */
  private round: TickRound | null = null;
  /** Computations of ticks in progress (`concurrency` at most), and those waiting for a turn. */
  private computing = 0;
  private readonly turns: (() => void)[] = [];
  /** Every computation not yet settled, whether its topic is still watched or not: what stop() waits for. */
  private readonly inFlight = new Set<Promise<void>>();

  private readonly intervalMs: number;
  private readonly now: () => Date;
  private readonly onError: (error: unknown, key: string) => void;
  private readonly heartbeatMs: number;
  private readonly shareTopics: boolean;
  private readonly dataTime: ((now: Date) => Promise<Date>) | undefined;
  private readonly concurrency: number;
  /** The last computation failed for want of the database (isConnectionFailure): said once until one succeeds. */
  private databaseAway = false;

  constructor(options: TickerOptions) {
    this.intervalMs = options.intervalMs;
    this.now = options.now;
    this.onError = options.onError;
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.shareTopics = options.shareTopics ?? true;
    this.dataTime = options.dataTime;
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_TICK_CONCURRENCY);
  }

  private naiveSerial = 0;

  /** A change notice (ingestion committed, here or on another instance): recompute on the next tick. */
  markChanged() {
    for (const topic of this.topics.values()) topic.dirty = true;
  }

  start() {
    // The timer does not wait for a tick's computations: one stuck topic must not hold a pending tick per
    // interval. A computation's failure has been reported through onError; if onError itself throws there
    // is nowhere left to report it.
    this.timer ??= setInterval(() => {
      for (const job of this.startTick()) job.catch(() => {});
    }, this.intervalMs);
    this.timer.unref();
  }

  /**
   * Stops ticking, waits for every computation in flight (also those of topics whose screens already left:
   * the server closes sockets first, and the database closes after this), and ends every subscription.
   */
  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    for (const topic of this.topics.values()) for (const mailbox of topic.subscribers) mailbox.close();
    this.topics.clear();
  }

  stats(): TickerStats {
    let subscribers = 0;
    for (const topic of this.topics.values()) subscribers += topic.subscribers.size;
    return { topics: this.topics.size, subscribers, computationsLastTick: this.round?.computations ?? 0, ticks: this.ticks, failures: this.failures, topicsFailed: this.topicsFailed };
  }

  /** Subscribes to a topic: the first message is the full current state, then one per changed tick. */
  subscribe<T>(sharedKey: string, source: TopicSource<T>): AsyncIterableIterator<LiveMessage<T>> {
    const key = this.shareTopics ? sharedKey : `${sharedKey}#${++this.naiveSerial}`;
    let topic = this.topics.get(key) as Topic<T> | undefined;
    if (!topic) {
      topic = { source, subscribers: new Set(), latest: null, fingerprint: null, sequence: 0, running: null, queued: null, dirty: false, lastSent: 0, failures: 0 };
      this.topics.set(key, topic as Topic<unknown>);
    }
    const live = topic;
    const mailbox: Mailbox<T> = new Mailbox<T>(() => {
      live.subscribers.delete(mailbox);
      if (live.subscribers.size === 0 && this.topics.get(key) === live) this.topics.delete(key);
    });
    live.subscribers.add(mailbox);
    if (live.latest) mailbox.deliver(live.latest);
    else {
      // The first computation, shared by everyone who subscribes before it ends; it does not wait for a
      // tick's turn, so a new screen is not held behind other topics.
      const first = live.running ?? live.queued ?? this.warmUp(key, live);
      void first.then(
        () => {
          // Delivered by refresh if the state is new; a late joiner of the warm-up gets it here.
          if (live.latest) mailbox.deliver(live.latest);
        },
        () => {},
      );
    }
    return mailbox;
  }

  private warmUp<T>(key: string, topic: Topic<T>): Promise<void> {
    const job = this.track(
      this.refresh(key, topic, { sendEvenIfUnchanged: false }).finally(() => {
        if (topic.running === job) topic.running = null;
      }),
    );
    topic.running = job;
    return job;
  }

  /** Counts a computation as in flight until it settles. */
  private track(job: Promise<void>): Promise<void> {
    this.inFlight.add(job);
    void job.then(
      () => this.inFlight.delete(job),
      () => this.inFlight.delete(job),
    );
    return job;
  }

  /**
   * One tick: every changed (or due) live topic computed once, up to `concurrency` computations at a time,
   * so a tick with many topics overlaps one topic's JavaScript with another's statements. A topic still
   * computing from an earlier tick (stuck behind a lock, say) gets one computation queued behind it and
   * holds nobody else: the next tick does not wait for it. The promise settles when this tick's
   * computations have, the first failure (a throwing onError) being the tick's; the timer does not wait
   * for it, tests do.
   */
  async tick(): Promise<void> {
    const outcomes = await Promise.allSettled(this.startTick());
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Starts a tick's round: the clock, and a computation queued for every watched topic (at most one per topic). */
  private startTick(): Promise<void>[] {
    this.round = { now: this.now().getTime(), replicaFailed: false, computations: 0 };
    this.ticks++;
    const jobs: Promise<void>[] = [];
    for (const [key, topic] of this.topics) {
      if (topic.subscribers.size === 0) continue;
      jobs.push(topic.queued ?? this.queue(key, topic));
    }
    return jobs;
  }

  /** The topic's next computation, after the one in flight if any. */
  private queue<T>(key: string, topic: Topic<T>): Promise<void> {
    const before = topic.running;
    const run = async () => {
      try {
        await this.computeIfDue(key, topic);
      } finally {
        if (topic.running === job) topic.running = null;
      }
    };
    let job: Promise<void>;
    if (before) {
      job = before
        .catch(() => {}) // its failure was the earlier tick's to report
        .then(() => {
          topic.queued = null;
          topic.running = job;
          return run();
        });
      topic.queued = job;
    } else {
      job = run();
      topic.running = job;
    }
    return this.track(job);
  }

  private async computeIfDue<T>(key: string, topic: Topic<T>) {
    // A topic with no state yet (its first computation failed) is a warm-up: a new screen waits for it, so
    // it does not queue for a turn behind other topics.
    const warming = topic.latest === null;
    if (!warming) await this.turn();
    try {
      // The newest round: a computation that waited behind a slow one must not send an old clock.
      const round = this.round;
      if (!round || topic.subscribers.size === 0 || this.topics.get(key) !== topic) return;
      const heartbeatDue = round.now - topic.lastSent >= this.heartbeatMs;
      if (!topic.dirty && !heartbeatDue && topic.latest) return;
      let at: Date | undefined;
      if (this.dataTime) {
        try {
          // Asked once per tick, by whichever computation needs it first; the others wait for the same answer.
          at = await (round.dataAt ??= this.dataTime(new Date(round.now)));
        } catch (error) {
          // The replica does not answer: the topic could not compute either; the next tick retries.
          if (!round.replicaFailed) this.onError(error, 'read replica');
          round.replicaFailed = true;
          return;
        }
      }
      round.computations++;
      await this.refresh(key, topic, { sendEvenIfUnchanged: heartbeatDue, dataAt: at });
    } finally {
      if (!warming) this.endTurn();
    }
  }

  /** Waits for one of the `concurrency` turns: computations at once stay within the pool, however ticks overlap. */
  private turn(): Promise<void> {
    if (this.computing < this.concurrency) {
      this.computing++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.turns.push(resolve));
  }

  /** Hands the turn to the next waiting computation, or frees it. */
  private endTurn() {
    const next = this.turns.shift();
    if (next) next();
    else this.computing--;
  }

  private async refresh<T>(key: string, topic: Topic<T>, { sendEvenIfUnchanged, dataAt }: { sendEvenIfUnchanged: boolean; dataAt?: Date }) {
    try {
      const clock = this.now();
      // Never later than the clock: a replica's data time is at most now (db/read-replica.ts).
      const asOf = dataAt ?? (this.dataTime ? await this.dataTime(clock) : clock);
      topic.dirty = false; // a notice arriving while we compute marks it again
      const value = await topic.source.compute(asOf);
      const fingerprint = await topic.source.fingerprint(value);
      topic.failures = 0; // computed: an unchanged state is a success too
      this.databaseAway = false;
      if (fingerprint === topic.fingerprint && topic.latest && !sendEvenIfUnchanged) return;
      topic.fingerprint = fingerprint;
      topic.sequence++;
      topic.latest = { sequence: topic.sequence, asOf, value };
      // The ticker's clock, not asOf: a lagging replica must not make every tick a heartbeat.
      topic.lastSent = clock.getTime();
      for (const mailbox of topic.subscribers) mailbox.deliver(topic.latest);
    } catch (error) {
      this.failures++;
      topic.dirty = true; // retried at the next tick, not at the next change or heartbeat
      if (isConnectionFailure(error)) {
        // The database is away (a restart, a failover): every topic fails alike and none of them is broken.
        // Subscriptions stay, silent (their screens see asOf age), and get the next state once it answers;
        // ending them would end a partner's feed for good, as graphql-ws clients do not resubscribe after
        // `complete`. Said once per outage, not once per topic and tick.
        if (!this.databaseAway) this.onError(error, key);
        this.databaseAway = true;
        return;
      }
      topic.failures++;
      this.onError(error, key);
      if (topic.failures >= FAILURES_BEFORE_TELLING) this.endTopic(key, topic, error);
    }
  }

  /** Tells the topic's subscribers why it failed and ends their subscriptions; a new subscriber starts afresh. */
  private endTopic<T>(key: string, topic: Topic<T>, error: unknown) {
    this.topicsFailed++;
    if (this.topics.get(key) === topic) this.topics.delete(key);
    const failure: TopicFailure = { sequence: ++topic.sequence, asOf: this.now(), error };
    for (const mailbox of [...topic.subscribers]) mailbox.fail(failure);
  }
}

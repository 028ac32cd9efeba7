import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { readFragment, type ResultOf } from '../../../client/src/graphql/graphql.js';
import { MilestoneChangedSubscription, MilestoneFields } from '../../../client/src/features/milestones/milestones.documents.js';
import { CampaignProgressSubscription, TodayMetricsSubscription } from '../../../client/src/features/war-room/war-room.documents.js';
import { TEST_ADMIN_KEY } from '../server-process.js';

type Today = ResultOf<typeof TodayMetricsSubscription>['liveMetrics'];
type Progress = ResultOf<typeof CampaignProgressSubscription>['campaignProgress'];

/** A message as the screen got it, with the socket (1 = the first, 2 = after one reconnect …) it came on. */
export interface Received<T> {
  connection: number;
  message: T;
}

export interface Screen {
  /** Sockets opened so far: 1 until the first reconnect. */
  connections(): number;
  today: Received<Today>[];
  progress: Received<Progress>[];
  milestones: { change: string; actualSituation: string | null }[];
  errors: unknown[];
  dispose(): Promise<void>;
}

export interface ScreenOptions {
  /**
   * Awaited before each reconnect, in place of the screen's back-off (client/src/graphql/client.ts):
   * lets a test decide what has happened by the time the screen comes back. Default: 300 ms.
   */
  beforeReconnect?: () => Promise<void>;
}

/**
 * A war-room screen: one graphql-ws socket with the screen's own subscriptions (today's figures, the
 * campaign's progress, its milestones), reconnecting and resubscribing forever as the screen does.
 */
export function openScreen(url: string, campaignId: string, options: ScreenOptions = {}): Screen {
  let connections = 0;
  const screen: Screen = { connections: () => connections, today: [], progress: [], milestones: [], errors: [], dispose: async () => {} };
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: options.beforeReconnect ?? (() => new Promise((resolve) => setTimeout(resolve, 300))),
    on: { connected: () => void connections++ },
  });
  const variables = { campaignId };
  const sink = <T>(take: (data: T) => void) => ({
    next: (result: { data?: T | null; errors?: unknown }) => {
      if (result.errors) screen.errors.push(result.errors);
      else if (result.data) take(result.data);
    },
    error: (error: unknown) => void screen.errors.push(error),
    complete: () => {},
  });
  const unsubscribes = [
    client.subscribe({ query: print(TodayMetricsSubscription), variables }, sink<ResultOf<typeof TodayMetricsSubscription>>((d) => void screen.today.push({ connection: connections, message: d.liveMetrics }))),
    client.subscribe({ query: print(CampaignProgressSubscription), variables }, sink<ResultOf<typeof CampaignProgressSubscription>>((d) => void screen.progress.push({ connection: connections, message: d.campaignProgress }))),
    client.subscribe(
      { query: print(MilestoneChangedSubscription), variables },
      sink<ResultOf<typeof MilestoneChangedSubscription>>((d) => {
        const milestone = readFragment(MilestoneFields, d.milestoneChanged.milestone);
        screen.milestones.push({ change: d.milestoneChanged.change, actualSituation: milestone.actualSituation ?? null });
      }),
    ),
  ];
  screen.dispose = async () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
    await client.dispose();
  };
  return screen;
}

/** The latest of a stream, or undefined before its first message. */
export const latest = <T>(received: Received<T>[]): T | undefined => received.at(-1)?.message;

import { useClient } from '@urql/solid';
import { createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import { sendMutation, type MutationOutcome } from '../../graphql/mutation-outcome';
import { createBackoff, onConnect } from '../../graphql/retry';
import { readFragment } from '../../graphql/graphql';
import { refusalOf, type Refusal } from '../../graphql/refusal';
import { AcknowledgeAlertMutation, AlertChangedSubscription, AlertFields, OpenAlertsQuery, type AlertRow } from './alerts.documents';
import { newerOf, rankAlerts } from './alerts.ranking';

/** A resolved alert fades out for this long before it leaves the list. */
export const LEAVE_MS = 400;
const MAX_REMEMBERED_RESOLVED = 2_000;

export type AcknowledgeOutcome = { ok: true } | Exclude<MutationOutcome<unknown>, { ok: true }>;

export interface AlertFeed {
  /** Unresolved alerts, most severe first, then newest; a just-resolved one stays while it fades. */
  alerts: Accessor<AlertRow[]>;
  /** Resolved and fading out: shown greyed, without controls, not counted. */
  isLeaving(id: string): boolean;
  /** Unresolved alerts on screen (the fading ones not counted). */
  count: Accessor<number>;
  /** The first load has answered: an empty list now means nothing is open. */
  loaded: Accessor<boolean>;
  /** Why the last load failed, in both of the server's languages (the screen words it); null once one answered. */
  loadError: Accessor<Refusal | null>;
  acknowledge(id: string): Promise<AcknowledgeOutcome>;
}

/**
 * The unresolved alerts, loaded once and then kept current by alertChanged — no polling. Every copy of
 * an alert (loaded, streamed, returned by an acknowledgement) is merged by `updatedAt`, so an answer
 * that left the server before a change cannot undo it, and a resolved alert never returns. After a
 * socket reconnect the list is loaded once more: changes made while the socket was down were never
 * streamed to this screen. A load that fails is asked again with the socket's back-off until it answers:
 * a kiosk may never reconnect, and a failed list would stay wrong for good.
 */
export function createAlertFeed(options: { connects: Accessor<number> }): AlertFeed {
  const client = useClient();
  const [byId, setById] = createSignal<ReadonlyMap<string, AlertRow>>(new Map());
  const [leaving, setLeaving] = createSignal<ReadonlySet<string>>(new Set());
  const [loaded, setLoaded] = createSignal(false);
  const [loadError, setLoadError] = createSignal<Refusal | null>(null);
  // RESOLVED is final on the server (a new occurrence is a new alert): an id seen resolved never comes
  // back, whatever older copy a load or a late message brings. Bounded: a wall runs for weeks.
  const resolved = new Set<string>();
  let generation = 0;
  // Alerts streamed since the load under way was asked for: its answer may predate them.
  let streamedSinceLoad = new Set<string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const retry = createBackoff();

  const without = (id: string) => setById((current) => new Map([...current].filter(([key]) => key !== id)));

  const fadeOut = (id: string) => {
    setLeaving((s) => new Set(s).add(id));
    const timer = setTimeout(() => {
      timers.delete(timer);
      setLeaving((s) => new Set([...s].filter((x) => x !== id)));
      without(id);
    }, LEAVE_MS);
    timers.add(timer);
  };

  const put = (alert: AlertRow) => {
    if (resolved.has(alert.id)) return;
    const shown = byId().get(alert.id);
    if (alert.status === 'RESOLVED') {
      resolved.add(alert.id);
      if (resolved.size > MAX_REMEMBERED_RESOLVED) resolved.delete(resolved.values().next().value as string);
      if (!shown) return;
      setById((current) => new Map(current).set(alert.id, alert));
      return fadeOut(alert.id);
    }
    const kept = newerOf(shown, alert);
    if (kept !== shown) setById((current) => new Map(current).set(alert.id, kept));
  };

  const load = async () => {
    const mine = ++generation;
    streamedSinceLoad = new Set();
    retry.cancel();
    const result = await client.query(OpenAlertsQuery, {}).toPromise();
    if (mine !== generation) return; // a newer load was asked for meanwhile; its answer counts
    if (!result.data) {
      setLoadError(result.error ? refusalOf(result.error, undefined) : { message: 'the server answered without data', messageZh: '服务器的应答中没有数据' });
      return retry.schedule(() => void load());
    }
    retry.succeeded();
    const fresh = result.data.alerts.edges.map((edge) => readFragment(AlertFields, edge.node)).filter((a) => !resolved.has(a.id));
    setById((current) => {
      const next = new Map<string, AlertRow>();
      for (const alert of fresh) next.set(alert.id, newerOf(current.get(alert.id), alert));
      // Streamed after the question left, or fading out: newer than what the answer can know.
      for (const [id, alert] of current) if (!next.has(id) && (streamedSinceLoad.has(id) || leaving().has(id))) next.set(id, alert);
      return next;
    });
    setLoadError(null);
    setLoaded(true);
  };

  const subscription = client.subscription(AlertChangedSubscription, {}).subscribe((result) => {
    const changed = result.data?.alertChanged;
    if (!changed) return;
    const alert = readFragment(AlertFields, changed.alert);
    streamedSinceLoad.add(alert.id);
    put(alert);
  });

  void load();
  // On every reconnect, once; on the first connect only if the load above failed (else it covers it).
  onConnect(options.connects, (first) => (!first || loadError() !== null) && void load());
  onCleanup(() => {
    generation++;
    subscription.unsubscribe();
    for (const timer of timers) clearTimeout(timer);
  });

  const alerts = createMemo(() => rankAlerts([...byId().values()]));
  const count = createMemo(() => alerts().filter((a) => a.status !== 'RESOLVED').length);

  const acknowledge = async (id: string): Promise<AcknowledgeOutcome> => {
    const outcome = await sendMutation(client, AcknowledgeAlertMutation, { id }, (data) => data.acknowledgeAlert, (payload) => payload.alert);
    if (!outcome.ok) return outcome;
    put(readFragment(AlertFields, outcome.value));
    return { ok: true };
  };

  return { alerts, isLeaving: (id) => leaving().has(id), count, loaded, loadError, acknowledge };
}

import { useClient } from '@urql/solid';
import { createEffect, createMemo, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { sendMutation, type MutationOutcome } from '../../graphql/mutation-outcome';
import { createBackoff, onConnect } from '../../graphql/retry';
import { readFragment, type VariablesOf } from '../../graphql/graphql';
import { refusalOf, type Refusal } from '../../graphql/refusal';
import { createDueClock, withOverdue } from './overdue';
import { CreateMilestoneMutation, MilestoneChangedSubscription, MilestoneFields, MilestonesQuery, UpdateMilestoneMutation, type MilestoneRow } from './milestones.documents';

export type MilestoneUpdate = VariablesOf<typeof UpdateMilestoneMutation>['input'];
export type MilestoneCreate = VariablesOf<typeof CreateMilestoneMutation>['input'];

/** A refusal keeps its code (RESPONSE_PLAN_REQUIRED, …) so the screen can say it in the viewer's words. */
export type SaveOutcome = { ok: true } | Exclude<MutationOutcome<unknown>, { ok: true }>;

export interface MilestoneFeed {
  /** The campaign's milestones in no particular order (the list orders them for the room); `overdue` follows the screen's clock. */
  milestones: Accessor<MilestoneRow[]>;
  loaded: Accessor<boolean>;
  /** Why the last load failed, in both of the server's languages (the screen words it); null once one answered. */
  loadError: Accessor<Refusal | null>;
  save(input: MilestoneUpdate): Promise<SaveOutcome>;
  /** 新建关键节点: the milestone made is on the board at once, not only when its milestoneChanged arrives. */
  create(input: MilestoneCreate): Promise<SaveOutcome>;
}

/** The later of two copies of one milestone by `updatedAt`; the one on screen wins a tie. */
export function newerMilestone(shown: MilestoneRow | undefined, incoming: MilestoneRow): MilestoneRow {
  if (!shown) return incoming;
  return Date.parse(incoming.updatedAt) > Date.parse(shown.updatedAt) ? incoming : shown;
}

/**
 * One campaign's milestones, loaded once and then kept current by milestoneChanged — no polling.
 * Every copy (loaded, streamed, returned by an edit) is merged by `updatedAt`, so an answer that left
 * the server before a change cannot undo it. After a socket reconnect the list is loaded once more
 * (the same rule as the alerts feed): changes made while the socket was down were never streamed.
 * A load that fails is asked again with the socket's back-off until it answers, as the alerts are.
 */
export function createMilestoneFeed(options: { campaignId: Accessor<string>; connects: Accessor<number> }): MilestoneFeed {
  const client = useClient();
  const [byId, setById] = createSignal<ReadonlyMap<string, MilestoneRow>>(new Map());
  const [loaded, setLoaded] = createSignal(false);
  const [loadError, setLoadError] = createSignal<Refusal | null>(null);
  let generation = 0;
  // Milestones streamed since the load under way was asked for: its answer may predate them.
  let streamedSinceLoad = new Set<string>();
  const retry = createBackoff();

  const put = (milestone: MilestoneRow) => {
    const shown = byId().get(milestone.id);
    const kept = newerMilestone(shown, milestone);
    if (kept !== shown) setById((current) => new Map(current).set(milestone.id, kept));
  };

  const load = async (campaignId: string) => {
    const mine = ++generation;
    streamedSinceLoad = new Set();
    retry.cancel();
    const result = await client.query(MilestonesQuery, { campaignId }, { requestPolicy: 'network-only' }).toPromise();
    if (mine !== generation) return; // a newer load (or another campaign) was asked for meanwhile
    if (result.error && !result.data) {
      setLoadError(refusalOf(result.error, undefined));
      return retry.schedule(() => void load(campaignId));
    }
    retry.succeeded();
    const fresh = (result.data?.campaign?.milestones ?? []).map((m) => readFragment(MilestoneFields, m));
    setById((current) => {
      const next = new Map<string, MilestoneRow>();
      for (const m of fresh) next.set(m.id, newerMilestone(current.get(m.id), m));
      for (const [id, m] of current) if (!next.has(id) && streamedSinceLoad.has(id)) next.set(id, m);
      return next;
    });
    setLoadError(null);
    setLoaded(true);
  };

  // A new campaign on the screen: a fresh list and a stream of its own.
  createEffect(
    on(options.campaignId, (campaignId) => {
      setById(new Map());
      setLoaded(false);
      const subscription = client.subscription(MilestoneChangedSubscription, { campaignId }).subscribe((result) => {
        const changed = result.data?.milestoneChanged;
        if (!changed) return;
        const milestone = readFragment(MilestoneFields, changed.milestone);
        streamedSinceLoad.add(milestone.id);
        put(milestone);
      });
      void load(campaignId);
      onCleanup(() => {
        generation++;
        retry.cancel(); // a retry waiting for this campaign must not load it into the next one's board
        subscription.unsubscribe();
      });
    }),
  );
  // On every reconnect, once; on the first connect only if the load above failed (else it covers it).
  onConnect(options.connects, (first) => (!first || loadError() !== null) && void load(options.campaignId()));

  const rows = createMemo(() => [...byId().values()]);
  const dueClock = createDueClock(rows);
  const milestones = createMemo(() => withOverdue(rows(), dueClock()));

  const save = async (input: MilestoneUpdate): Promise<SaveOutcome> => {
    const outcome = await sendMutation(client, UpdateMilestoneMutation, { input }, (data) => data.updateMilestone, (payload) => payload.milestone);
    if (!outcome.ok) return outcome;
    put(readFragment(MilestoneFields, outcome.value));
    return { ok: true };
  };

  const create = async (input: MilestoneCreate): Promise<SaveOutcome> => {
    const outcome = await sendMutation(client, CreateMilestoneMutation, { input }, (data) => data.createMilestone, (payload) => payload.milestone);
    if (!outcome.ok) return outcome;
    put(readFragment(MilestoneFields, outcome.value));
    return { ok: true };
  };

  return { milestones, loaded, loadError, save, create };
}

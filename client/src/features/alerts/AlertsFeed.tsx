import { createMemo, createSignal, Show } from 'solid-js';
import { Panel } from '../../components/Panel';
import { refusalIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { shanghaiDate } from '../../lib/shanghai-day';
import type { Permission } from '../access/viewer.documents';
import { createAlertFeed, type AcknowledgeOutcome } from './alerts.data';
import { AlertList } from './AlertList';
import { HiddenAlerts } from './HiddenAlerts';
import { groupByRule, hiddenAlerts } from './hidden-alerts';

export interface AlertsFeedProps {
  permissions: ReadonlySet<Permission>;
  /** Socket (re)connections so far (ConnectionStore.connects): each reconnect reloads the list once. */
  connects: () => number;
  /** Wall-clock ms, ticking: which Asia/Shanghai day counts as today. */
  nowWall: number;
  /** The phone's layout: messages wrap instead of being cut, larger touch targets. */
  compact?: boolean;
}

/**
 * The unresolved alerts, live (alerts.data.ts): most severe first, new ones arrive by themselves,
 * resolved ones fade out. 认领 (acknowledge) shows only for a viewer with MANAGE; the server's answer
 * is final, and a refusal keeps the alert and says why in words.
 */
export function AlertsFeed(props: AlertsFeedProps) {
  const { t, locale } = useI18n();
  const feed = createAlertFeed({ connects: () => props.connects() });
  const today = createMemo(() => shanghaiDate(props.nowWall));
  // acknowledgeAlert needs MANAGE on the server: a screen key or a VIEWER would only be refused.
  const canAcknowledge = () => props.permissions.has('MANAGE');
  const [pending, setPending] = createSignal<ReadonlySet<string>>(new Set());
  // The refusal is kept, not its wording, so the language toggle rewords it.
  const [refusal, setRefusal] = createSignal<Exclude<AcknowledgeOutcome, { ok: true }> | null>(null);
  // MANAGE withdrawn after the screen asked: say so in words, not in the server's English.
  const failure = () => {
    const refused = refusal();
    return refused && t('alerts.ackFailed', { message: refused.forbidden ? t('alerts.readOnly') : refusalIn(refused, locale()) });
  };
  const loadFailure = () => {
    const refused = feed.loadError();
    return refused && t('alerts.loadFailed', { message: refusalIn(refused, locale()) });
  };

  const onAcknowledge = async (id: string) => {
    setPending((s) => new Set(s).add(id));
    const outcome = await feed.acknowledge(id);
    setPending((s) => new Set([...s].filter((x) => x !== id)));
    setRefusal(outcome.ok ? null : outcome);
  };

  return (
    <Panel
      title={t('alerts.title')}
      class={props.compact ? 'panel-alerts alerts-compact' : 'panel-alerts'}
      testId="alerts-feed"
      extra={<span class="count">{feed.count()}</span>}
      // The phone scrolls; the wall cannot, so it says which alerts it has no room for, by rule.
      clipItems={props.compact ? undefined : '.alerts > li'}
      clipNote={(hidden) => {
        // The panel measures how many it hides (clipped.ts); the feed knows which alerts those are.
        const groups = createMemo(() => groupByRule(hiddenAlerts(feed.alerts(), hidden(), feed.isLeaving)));
        return <HiddenAlerts groups={groups()} />;
      }}
    >
      <Show when={failure() ?? loadFailure()}>
        {(message) => (
          <p class="inline-error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <AlertList
        alerts={feed.alerts()}
        today={today()}
        now={props.nowWall}
        isLeaving={feed.isLeaving}
        loaded={feed.loaded()}
        canAcknowledge={canAcknowledge()}
        pending={pending()}
        onAcknowledge={(id) => void onAcknowledge(id)}
      />
    </Panel>
  );
}

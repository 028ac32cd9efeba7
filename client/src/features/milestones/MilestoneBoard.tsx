import { createSignal, Show, untrack } from 'solid-js';
import { Panel } from '../../components/Panel';
import { refusalIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { Permission } from '../access/viewer.documents';
import { MilestoneEditor } from './MilestoneEditor';
import { MilestoneList } from './MilestoneList';
import { createMilestoneFeed, type MilestoneFeed } from './milestones.data';

export interface MilestoneBoardProps {
  campaignId: string;
  /** What the viewer may do (none until known): editing needs MANAGE. */
  permissions: ReadonlySet<Permission>;
  /** Socket (re)connections so far (ConnectionStore.connects): each reconnect reloads the list once. */
  connects: () => number;
  /** The feed to show, when the page holds it (the console's 新建关键节点 adds to it); else the board's own. */
  feed?: MilestoneFeed;
  /** The caller sees only part of the campaign (Campaign.partial): its milestones are theirs to read, not to change. */
  partial?: boolean;
}

/**
 * The campaign's milestones, live (milestones.data.ts): loaded once, then changed by milestoneChanged.
 * A viewer with MANAGE edits status, risk, response plan and 实际情况 in a dialog over the wall.
 */
export function MilestoneBoard(props: MilestoneBoardProps) {
  const { t, locale } = useI18n();
  const feed = untrack(() => props.feed) ?? createMilestoneFeed({ campaignId: () => props.campaignId, connects: () => props.connects() });
  // updateMilestone needs MANAGE on the server, over all the campaign's shops: a screen key, a VIEWER or a
  // caller who sees only their part would only be refused.
  const canEdit = () => props.permissions.has('MANAGE') && !props.partial;
  const [editing, setEditing] = createSignal<{ id: string; opener: HTMLElement } | null>(null);
  // The copy being edited follows the feed, so the dialog never shows a milestone older than the board.
  const edited = () => feed.milestones().find((m) => m.id === editing()?.id);
  const close = () => {
    const opener = editing()?.opener;
    setEditing(null);
    if (opener?.isConnected) opener.focus();
  };

  return (
    <Panel title={t('milestones.title')} class="panel-milestones" testId="milestone-board" clipItems=".milestones > li">
      <Show when={feed.loadError()}>
        {(refusal) => (
          <p class="inline-error" role="alert">
            {t('milestones.loadFailed', { message: refusalIn(refusal(), locale()) })}
          </p>
        )}
      </Show>
      <MilestoneList milestones={feed.milestones()} canEdit={canEdit()} onEdit={(m, opener) => setEditing({ id: m.id, opener })} />
      {/* Not keyed: a streamed change to the milestone must not wipe what the operator is typing. */}
      <Show when={canEdit() && edited()}>{(m) => <MilestoneEditor milestone={m()} onSave={feed.save} onClose={close} />}</Show>
    </Panel>
  );
}

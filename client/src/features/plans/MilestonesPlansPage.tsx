import { createQuery } from '@urql/solid';
import { createSignal, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { canManage, useConsole } from '../console/console.context';
import { createMilestoneInput, emptyMilestoneForm, type MilestoneForm } from '../milestones/milestone-form';
import { MilestoneBoard } from '../milestones/MilestoneBoard';
import { MilestoneCreator } from '../milestones/MilestoneCreator';
import { createMilestoneFeed } from '../milestones/milestones.data';
import { MilestonesCampaignQuery } from './plans.documents';
import { PlanTasks } from './PlanTasks';

/**
 * The campaign's milestones, live and editable with MANAGE (the war room's own board), and the operations
 * plans; with MANAGE, 新建关键节点 (while the campaign runs or is to come, for a caller over all its shops).
 */
export function MilestonesPlansPage(props: { campaignId: string }) {
  const { t } = useI18n();
  const services = useConsole();
  // The page holds the feed so that a milestone made here is on the board at once.
  const feed = createMilestoneFeed({ campaignId: () => props.campaignId, connects: () => services.connects() });
  const [campaign] = createQuery({ query: MilestonesCampaignQuery, variables: () => ({ id: props.campaignId }) });
  // The server refuses a milestone for an ended campaign (CAMPAIGN_ENDED: the retrospective judges the
  // milestones it had) and from a caller over only some of its shops (FORBIDDEN).
  const refusesMilestones = (): MessageKey | null => {
    const c = campaign.data?.campaign;
    if (!c) return null;
    if (c.partial) return 'milestones.partialNote';
    return Date.parse(c.endsAt) <= services.now() ? 'milestones.endedNote' : null;
  };
  const takesMilestones = () => !!campaign.data?.campaign && refusesMilestones() === null;
  const [creating, setCreating] = createSignal(false);
  // One requestId per opened form: saving it again after a lost answer is answered with the milestone made.
  let requestId = '';
  const openNew = () => {
    requestId = `console-${crypto.randomUUID()}`;
    setCreating(true);
  };
  const create = async (form: MilestoneForm) => {
    const built = createMilestoneInput(props.campaignId, form);
    if ('problem' in built) return built;
    const outcome = await feed.create({ ...built.input, requestId });
    if (outcome.ok) setCreating(false);
    return outcome.ok ? { ok: true as const, value: null } : outcome;
  };
  return (
    <div class="console-page-body console-milestones" data-testid="milestones-page">
      <div class="console-toolbar">
        <h2>{t('console.milestones')}</h2>
        <Show when={canManage(services.permissions()) && takesMilestones() && !creating()}>
          <button type="button" class="primary" onClick={openNew}>
            {t('milestones.new')}
          </button>
        </Show>
        <Show when={canManage(services.permissions()) && refusesMilestones()}>
          {(key) => (
            <p class="muted" data-testid="milestones-create-note">
              {t(key())}
            </p>
          )}
        </Show>
      </div>
      <Show when={creating()}>
        <section class="console-card">
          <h3>{t('milestones.new')}</h3>
          <MilestoneCreator initial={emptyMilestoneForm()} onSubmit={create} onCancel={() => setCreating(false)} />
        </section>
      </Show>
      <MilestoneBoard campaignId={props.campaignId} permissions={services.permissions()} connects={services.connects} feed={feed} partial={campaign.data?.campaign?.partial ?? false} />
      <PlanTasks />
    </div>
  );
}

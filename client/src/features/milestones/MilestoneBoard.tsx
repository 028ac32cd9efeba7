import { createQuery } from '@urql/solid';
import { onCleanup } from 'solid-js';
import { Panel } from '../../components/Panel';
import { useI18n } from '../../i18n/i18n';
import { MilestonesQuery } from './milestones.documents';
import { MilestoneList } from './MilestoneList';

const REFRESH_MS = 30_000;

/** Milestones change by hand, not by the second: polled every 30 s. */
export function MilestoneBoard(props: { campaignId: string }) {
  const { t } = useI18n();
  const [result, refetch] = createQuery({ query: MilestonesQuery, variables: () => ({ campaignId: props.campaignId }) });
  const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), REFRESH_MS);
  onCleanup(() => clearInterval(timer));
  return (
    <Panel title={t('milestones.title')} class="panel-milestones" testId="milestone-board">
      <MilestoneList milestones={result.data?.campaign?.milestones ?? []} />
    </Panel>
  );
}

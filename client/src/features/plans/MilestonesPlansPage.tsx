import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../console/console.context';
import { MilestoneBoard } from '../milestones/MilestoneBoard';
import { PlanTasks } from './PlanTasks';

/** The campaign's milestones, live and editable with MANAGE (the war room's own board), and the operations plans. */
export function MilestonesPlansPage(props: { campaignId: string }) {
  const { t } = useI18n();
  const services = useConsole();
  return (
    <div class="console-page-body console-milestones" data-testid="milestones-page">
      <div class="console-toolbar">
        <h2>{t('console.milestones')}</h2>
      </div>
      <MilestoneBoard campaignId={props.campaignId} permissions={services.permissions()} connects={services.connects} />
      <PlanTasks />
    </div>
  );
}

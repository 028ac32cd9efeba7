import { For } from 'solid-js';
import { FormActions } from '../../components/FormActions';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { useCheckedForm } from '../console/save-failure';
import { ACTUAL_MAX } from './MilestoneEditor';
import type { MilestoneForm, MilestoneProblem } from './milestone-form';
import type { RiskLevel } from './milestones.documents';

const RISKS: readonly RiskLevel[] = ['NONE', 'LOW', 'MEDIUM', 'HIGH'];

export interface MilestoneCreatorProps {
  initial: MilestoneForm;
  onSubmit: (form: MilestoneForm) => Promise<{ problem: MilestoneProblem } | MutationOutcome<unknown>>;
  onCancel: () => void;
}

/** 新建关键节点: name, owner, due time in Asia/Shanghai, 完成标准, risk (a HIGH one with its response plan) and 实际情况. */
export function MilestoneCreator(props: MilestoneCreatorProps) {
  const { t } = useI18n();
  const { form, change, submit, problem, pending, failure } = useCheckedForm<MilestoneForm, MilestoneProblem>(() => props.initial, (typed) => props.onSubmit(typed));
  return (
    <form class="console-create-form" data-testid="milestone-creator" onSubmit={submit}>
      <div class="console-create-grid">
        <label class="field">
          {t('milestones.name')}
          <input value={form().name} maxLength={100} aria-invalid={problem() === 'name'} onInput={(e) => change({ name: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('milestones.owner')}
          <input value={form().owner} maxLength={50} aria-invalid={problem() === 'owner'} onInput={(e) => change({ owner: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('milestones.dueAt')}
          <input type="datetime-local" value={form().dueAt} aria-invalid={problem() === 'due'} onChange={(e) => change({ dueAt: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('milestones.risk')}
          <select value={form().riskLevel} onChange={(e) => change({ riskLevel: e.currentTarget.value as RiskLevel | '' })}>
            <option value="" selected={form().riskLevel === ''}>
              {t('milestones.riskUnrated')}
            </option>
            <For each={RISKS}>{(r) => <option value={r} selected={r === form().riskLevel}>{t(`risk.${r}` as MessageKey)}</option>}</For>
          </select>
        </label>
      </div>
      <label class="field">
        {t('milestones.completionStandard')}
        <input value={form().completionStandard} maxLength={500} aria-invalid={problem() === 'standard'} placeholder={t('milestones.standardPlaceholder')} onInput={(e) => change({ completionStandard: e.currentTarget.value })} />
      </label>
      <label class="field">
        {form().riskLevel === 'HIGH' ? t('milestones.responsePlanRequired') : t('milestones.responsePlan')}
        <textarea rows={2} value={form().responsePlan} onInput={(e) => change({ responsePlan: e.currentTarget.value })} />
      </label>
      <label class="field">
        {t('milestones.actualOptional')}
        <textarea rows={2} maxLength={ACTUAL_MAX} value={form().actualSituation} onInput={(e) => change({ actualSituation: e.currentTarget.value })} />
      </label>
      <FormActions message={problem() ? t(`milestones.problem.${problem()!}` as MessageKey) : failure()} pending={pending()} submitLabel={t('milestones.create')} onCancel={() => props.onCancel()} />
    </form>
  );
}

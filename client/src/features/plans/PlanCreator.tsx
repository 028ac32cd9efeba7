import { FormActions } from '../../components/FormActions';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { useCheckedForm } from '../console/save-failure';
import { ShopChoice } from '../console/ShopChoice';
import type { ShopOption } from '../reports/reports.documents';
import type { PlanForm, PlanProblem } from './plan-form';

export interface PlanCreatorProps {
  initial: PlanForm;
  shops: readonly ShopOption[];
  onSubmit: (form: PlanForm) => Promise<{ problem: PlanProblem } | MutationOutcome<unknown>>;
  onCancel: () => void;
}

/** 新建运营计划: name, owner, period (calendar days), goal, strategy and the shops it covers. */
export function PlanCreator(props: PlanCreatorProps) {
  const { t } = useI18n();
  const { form, change, submit, problem, pending, failure } = useCheckedForm<PlanForm, PlanProblem>(() => props.initial, (typed) => props.onSubmit(typed));
  return (
    <form class="console-create-form" data-testid="plan-creator" onSubmit={submit}>
      <div class="console-create-grid">
        <label class="field">
          {t('plans.name')}
          <input value={form().name} maxLength={100} aria-invalid={problem() === 'name'} placeholder={t('plans.namePlaceholder')} onInput={(e) => change({ name: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('plans.owner')}
          <input value={form().owner} maxLength={50} aria-invalid={problem() === 'owner'} onInput={(e) => change({ owner: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('plans.periodStart')}
          <input type="date" value={form().periodStart} aria-invalid={problem() === 'period'} onChange={(e) => change({ periodStart: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('plans.periodEnd')}
          <input type="date" value={form().periodEnd} aria-invalid={problem() === 'period'} onChange={(e) => change({ periodEnd: e.currentTarget.value })} />
        </label>
      </div>
      <label class="field">
        {t('plans.goal')}
        <input value={form().goal} maxLength={500} aria-invalid={problem() === 'goal'} placeholder="GMV +30%" onInput={(e) => change({ goal: e.currentTarget.value })} />
      </label>
      <label class="field">
        {t('plans.strategy')}
        <textarea rows={3} maxLength={4000} value={form().strategy} onInput={(e) => change({ strategy: e.currentTarget.value })} />
      </label>
      <ShopChoice legend={t('plans.shops')} allShops={false} shopIds={form().shopIds} shops={props.shops} invalid={problem() === 'shops'} name="plan-shops" onChange={(choice) => change({ shopIds: choice.shopIds })} />
      <FormActions message={problem() ? t(`plans.problem.${problem()!}` as MessageKey) : failure()} pending={pending()} submitLabel={t('plans.create')} onCancel={() => props.onCancel()} />
    </form>
  );
}

import { For } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import { formatInteger } from '../../lib/format';
import { money, rate } from '../console/console-format';
import { RetroSection } from './RetroSection';
import type { Retrospective } from './retrospective.documents';

/** 帕累托: the fewest SKUs that together make at least 80 % of GMV, best seller first. */
export function RetroPareto(props: { pareto: Retrospective['pareto'] }) {
  const { t, locale } = useI18n();
  return (
    <RetroSection title={t('retro.pareto')} testId="retro-pareto">
      <p class="retro-verdict" data-testid="pareto-verdict">
        {t('retro.paretoVerdict', {
          count: formatInteger(props.pareto.skuCount, locale()),
          sold: formatInteger(props.pareto.soldSkus, locale()),
          skus: props.pareto.skuCount,
          soldSkus: props.pareto.soldSkus,
        })}
      </p>
      <ConsoleTable columns={[t('retro.sku'), t('retro.gmv'), t('retro.units'), t('retro.share'), t('retro.cumulativeShare')]}>
        <tbody>
          <For each={props.pareto.skus}>
            {(s) => (
              <tr data-testid="pareto-sku">
                <th scope="row">
                  {s.sku.product.name} <span class="muted">{s.sku.code} {s.sku.spec}</span>
                </th>
                <td class="num">{money(s.gmv, locale())}</td>
                <td class="num">{formatInteger(s.units, locale())}</td>
                <td class="num">{rate(s.share, locale(), 1)}</td>
                <td class="num">{rate(s.cumulativeShare, locale(), 1)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </ConsoleTable>
    </RetroSection>
  );
}

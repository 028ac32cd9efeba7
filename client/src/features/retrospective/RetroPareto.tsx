import { For } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import { formatInteger } from '../../lib/format';
import { money, rate } from '../console/console-format';
import { RetroSection } from './RetroSection';
import type { Retrospective } from './retrospective.documents';

/** 帕累托: the fewest products that together make at least 80 % of GMV, best seller first, each the sum of its SKUs. */
export function RetroPareto(props: { pareto: Retrospective['pareto'] }) {
  const { t, locale } = useI18n();
  return (
    <RetroSection title={t('retro.pareto')} testId="retro-pareto">
      <p class="retro-verdict" data-testid="pareto-verdict">
        {t('retro.paretoVerdict', {
          count: formatInteger(props.pareto.productCount, locale()),
          sold: formatInteger(props.pareto.soldProducts, locale()),
          products: props.pareto.productCount,
          soldProducts: props.pareto.soldProducts,
        })}
      </p>
      <ConsoleTable columns={[t('retro.product'), t('retro.gmv'), t('retro.units'), t('retro.skusSold'), t('retro.share'), t('retro.cumulativeShare')]}>
        <tbody>
          <For each={props.pareto.products}>
            {(p) => (
              <tr data-testid="pareto-product">
                <th scope="row">
                  {/* A campaign over several shops sells the same product in each: the shop tells them apart. */}
                  {p.product.name} <span class="muted">{p.product.shop.name}</span>
                </th>
                <td class="num">{money(p.gmv, locale())}</td>
                <td class="num">{formatInteger(p.units, locale())}</td>
                <td class="num">{formatInteger(p.skusSold, locale())}</td>
                <td class="num">{rate(p.share, locale(), 1)}</td>
                <td class="num">{rate(p.cumulativeShare, locale(), 1)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </ConsoleTable>
    </RetroSection>
  );
}

import { createQuery } from '@urql/solid';
import { Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { canManage, useConsole } from '../console/console.context';
import { ConsoleShopsQuery } from '../reports/reports.documents';
import { ApiKeysSection } from './ApiKeysSection';
import { UsersSection } from './UsersSection';

/**
 * 访问管理: who may get in. API keys for partners, producers and screens (MANAGE), and staff accounts (ADMIN).
 * docs/SECURITY.md has the roles, scopes and rules.
 */
export function AccessPage() {
  const { t } = useI18n();
  const services = useConsole();
  const [shops] = createQuery({ query: ConsoleShopsQuery });
  const shopList = () => shops.data?.shops.edges.map((e) => e.node) ?? [];
  return (
    <div class="console-page-body" data-testid="access-page">
      <div class="console-toolbar">
        <h2>{t('access.title')}</h2>
      </div>
      <Show when={canManage(services.permissions())} fallback={<p class="empty" data-testid="access-need-manage">{t('access.needManage')}</p>}>
        <ApiKeysSection shops={shopList()} />
      </Show>
      <Show when={services.permissions().has('ADMIN')}>
        <UsersSection shops={shopList()} />
      </Show>
    </div>
  );
}

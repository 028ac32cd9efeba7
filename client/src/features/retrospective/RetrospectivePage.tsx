import { createQuery } from '@urql/solid';
import { createSignal, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { useI18n } from '../../i18n/i18n';
import { errorIn } from '../../graphql/refusal';
import { formatDateTime } from '../../lib/format';
import { canManage, useConsole } from '../console/console.context';
import { useExportDownload } from '../console/export-download';
import { LessonsEditor } from './LessonsEditor';
import { RetroAlerts } from './RetroAlerts';
import { RetroBuyers } from './RetroBuyers';
import { RetroHours } from './RetroHours';
import { RetroMilestones } from './RetroMilestones';
import { RetroPareto } from './RetroPareto';
import { RetroRanking } from './RetroRanking';
import { RetroSummary } from './RetroSummary';
import { RetrospectiveQuery, type Lessons, type RetrospectiveCampaign } from './retrospective.documents';

/** 复盘 of one campaign: every section on one printable page, the lessons editor, and the XLSX export. */
export function RetrospectivePage(props: { campaignId: string }) {
  const { t, locale } = useI18n();
  const [query, reload] = createQuery({ query: RetrospectiveQuery, variables: () => ({ campaignId: props.campaignId }) });
  return (
    <div class="console-page-body retrospective" data-testid="retrospective-page">
      <InlineError message={query.error && t('app.error', { message: errorIn(query.error, locale()) })} />
      <Show when={query.data} fallback={<p class="empty">{t('app.loading')}</p>}>
        <Show when={query.data?.campaign} fallback={<p class="empty">{t('retro.notFound')}</p>}>
          {(campaign) => <RetrospectiveSections campaign={campaign()} onReload={() => reload()} />}
        </Show>
      </Show>
    </div>
  );
}

function RetrospectiveSections(props: { campaign: RetrospectiveCampaign; onReload: () => void }) {
  const { t, locale } = useI18n();
  const services = useConsole();
  const r = () => props.campaign.retrospective;
  const [saved, setSaved] = createSignal<Lessons | null>(null);
  const lessons = () => saved() ?? r();
  // Lessons saved by someone else since the page loaded: what is stored now replaces what this page saved.
  const reloadLessons = () => {
    setSaved(null);
    props.onReload();
  };
  const xlsx = useExportDownload();
  const exportXlsx = () => xlsx.download(r().exportPath, t('retro.exportFileName', { name: props.campaign.name }));
  return (
    <>
      <header class="retro-header">
        <div>
          <h2>{t('retro.title', { name: props.campaign.name })}</h2>
          <p class="muted">
            {formatDateTime(props.campaign.startsAt, locale())} – {formatDateTime(props.campaign.endsAt, locale())} ·{' '}
            {r().ended ? t('retro.ended') : t('retro.running')}
          </p>
          <p class="retro-due" classList={{ bad: lessons().overdue }} data-testid="retro-due" data-overdue={String(lessons().overdue)}>
            {t('retro.dueAt', { at: formatDateTime(r().dueAt, locale()) })}
            <Show when={lessons().overdue}> · {t('retro.overdue')}</Show>
          </p>
        </div>
        <div class="retro-actions no-print">
          <button type="button" onClick={() => window.print()}>
            {t('retro.print')}
          </button>
          <button type="button" class="primary" data-testid="export-xlsx" disabled={xlsx.exporting()} onClick={() => void exportXlsx()}>
            {xlsx.exporting() ? t('console.exporting') : t('retro.exportXlsx')}
          </button>
        </div>
      </header>
      <InlineError message={xlsx.error()} />
      <RetroSummary retrospective={r()} conversionTarget={props.campaign.conversionTarget} partial={props.campaign.partial} shops={props.campaign.shops.length} />
      <RetroHours retrospective={r()} />
      <RetroRanking
        title={t('retro.channels')}
        testId="retro-channels"
        labels="channel"
        rows={r().channels.map((c) => ({ ...c, name: c.channel }))}
        best={r().bestChannel?.channel ?? null}
        worst={r().worstChannel?.channel ?? null}
      />
      <RetroRanking
        title={t('retro.sources')}
        testId="retro-sources"
        labels="source"
        rows={r().sources.map((s) => ({ ...s, name: s.source }))}
        best={r().bestSource?.source ?? null}
        worst={r().worstSource?.source ?? null}
      />
      <RetroPareto pareto={r().pareto} />
      <RetroBuyers retrospective={r()} />
      <RetroMilestones milestones={r().milestones} />
      <RetroAlerts retrospective={r()} />
      {/* The lessons are written of the whole campaign: someone who sees it in part reads none (the server answers null). */}
      <Show
        when={!props.campaign.partial}
        fallback={
          <p class="muted" data-testid="retro-lessons-partial">
            {t('retro.lessonsPartial')}
          </p>
        }
      >
        <LessonsEditor campaignId={props.campaign.id} lessons={lessons()} canEdit={canManage(services.permissions())} onSaved={setSaved} onConflict={reloadLessons} />
      </Show>
    </>
  );
}

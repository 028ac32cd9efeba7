import { createSignal } from 'solid-js';
import { refusalIn, type Refusal } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { downloadExport } from '../../lib/download';
import { useConsole } from './console.context';

/**
 * An export a page downloads with the console's credential: whether one is under way, and why the last was
 * refused in the screen's language. The refusal is kept, not its wording, so the language toggle rewords it.
 */
export function useExportDownload() {
  const { t, locale } = useI18n();
  const services = useConsole();
  const [exporting, setExporting] = createSignal(false);
  const [refusal, setRefusal] = createSignal<Refusal | null>(null);
  return {
    exporting,
    error: (): string | null => {
      const refused = refusal();
      return refused && t('console.exportFailed', { message: refusalIn(refused, locale()) });
    },
    async download(path: string, fallbackName: string) {
      setExporting(true);
      const outcome = await downloadExport(services.credentials, path, fallbackName);
      setExporting(false);
      setRefusal(outcome.ok ? null : outcome);
    },
  };
}

import { ErrorBoundary, onCleanup, type ParentProps } from 'solid-js';
import { useI18n } from '../i18n/i18n';

/** How long a failed part of the screen waits before it draws itself again from the figures of the moment. */
export const GUARDED_RETRY_MS = 5_000;

/**
 * One part of the wall that fails alone. Without it, an exception while drawing one panel (a figure the
 * screen did not expect, a bug) ends the whole screen's reactive tree: every panel stops moving and the
 * status stays at 连接中 while the room watches a frozen wall. Inside it, the part says it cannot be
 * shown, the rest keeps updating, and the part tries again every few seconds (the next tick's figures may
 * well draw).
 */
export function Guarded(props: ParentProps<{ name: string }>) {
  return (
    <ErrorBoundary fallback={(error: unknown, reset) => <Fault name={props.name} error={error} reset={reset} />}>
      {props.children}
    </ErrorBoundary>
  );
}

function Fault(props: { name: string; error: unknown; reset: () => void }) {
  const { t } = useI18n();
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  // Said where whoever looks after the screen will look (the browser console): each time the part falls
  // back, so a failure that keeps coming back every retry keeps saying so.
  console.error(`[screen] ${props.name} could not be drawn; retrying in ${GUARDED_RETRY_MS / 1000} s`, props.error);
  const retry = setTimeout(() => props.reset(), GUARDED_RETRY_MS);
  onCleanup(() => clearTimeout(retry));
  return (
    <p class="fault" role="status" data-testid="fault" data-part={props.name} title={message}>
      {t('panel.fault')}
    </p>
  );
}

import type { Accessor, Setter } from 'solid-js';
import { useI18n } from '../i18n/i18n';

export interface PagerProps {
  /** The cursors of the pages walked so far, the current page's last (null: the first page). */
  cursors: Accessor<(string | null)[]>;
  setCursors: Setter<(string | null)[]>;
  /** The current page's, once it has loaded. */
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
}

/** 上一页 / 下一页 over a Relay connection: back pops the last cursor, next pushes the page's end cursor. */
export function Pager(props: PagerProps) {
  const { t } = useI18n();
  return (
    <div class="pager">
      <button type="button" disabled={props.cursors().length < 2} onClick={() => props.setCursors((c) => c.slice(0, -1))}>
        {t('console.previous')}
      </button>
      <button type="button" disabled={!props.pageInfo?.hasNextPage} onClick={() => props.setCursors((c) => [...c, props.pageInfo?.endCursor ?? null])}>
        {t('console.next')}
      </button>
    </div>
  );
}

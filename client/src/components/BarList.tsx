import { Index, Show } from 'solid-js';

export interface BarRow {
  key: string;
  label: string;
  value: string;
  /** 0..1 of the longest bar. */
  share: number;
  /** A figure after the value, in its own column (a platform's ROI): `bad` red, `good` green; null leaves the cell empty. */
  note?: { text: string; tone: 'good' | 'bad' | 'unjudged'; title: string } | null;
}

/** Horizontal bars with the figure at the end: platforms, sources, funnel steps. */
export function BarList(props: { rows: BarRow[]; testId?: string; /** Rows have a note column. */ notes?: boolean }) {
  return (
    <ul class="bar-list" classList={{ 'with-notes': !!props.notes }} data-testid={props.testId}>
      {/* Index, not For: every update brings new row objects, and rows should change in place. */}
      <Index each={props.rows}>
        {(row) => (
          <li class="bar-row">
            <span class="bar-label" title={row().label}>
              {row().label}
            </span>
            <span class="bar-track">
              <span class="bar-fill" style={{ width: `${Math.max(0, Math.min(1, row().share)) * 100}%` }} />
            </span>
            <span class="bar-value" title={row().value}>
              {row().value}
            </span>
            <Show when={props.notes}>
              <span class={`bar-note ${row().note?.tone ?? ''}`} title={row().note?.title}>
                {row().note?.text}
              </span>
            </Show>
          </li>
        )}
      </Index>
    </ul>
  );
}

import { Index } from 'solid-js';

export interface BarRow {
  key: string;
  label: string;
  value: string;
  /** 0..1 of the longest bar. */
  share: number;
}

/** Horizontal bars with the figure at the end: platforms, sources, funnel steps. */
export function BarList(props: { rows: BarRow[]; testId?: string }) {
  return (
    <ul class="bar-list" data-testid={props.testId}>
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
          </li>
        )}
      </Index>
    </ul>
  );
}

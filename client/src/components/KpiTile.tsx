import { Show } from 'solid-js';
import { FitText } from './FitText';

/** One KPI with its change against the same time yesterday (▲ green / ▼ red; for refunds the colours swap). */
export function KpiTile(props: {
  label: string;
  /** Beside the label, smaller: what the figure is held to (目标 3.00%). */
  target?: string;
  /** The figure misses its target: it reads in the warning colour. */
  missed?: boolean;
  value: string;
  change: number | null;
  changeText: string;
  caption: string;
  higherIsWorse?: boolean;
  testId?: string;
}) {
  const direction = () => (props.change === null || props.change === 0 ? 'flat' : props.change > 0 ? 'up' : 'down');
  const arrow = () => (direction() === 'flat' ? '' : direction() === 'up' ? '▲ ' : '▼ ');
  const good = () => (direction() === 'flat' ? 'neutral' : (direction() === 'up') !== Boolean(props.higherIsWorse) ? 'good' : 'bad');
  return (
    <div class="kpi" data-testid={props.testId} data-panel>
      <div class="kpi-label" title={props.target ? `${props.label} · ${props.target}` : props.label}>
        {props.label}
        <Show when={props.target}>
          <span class="kpi-target"> · {props.target}</span>
        </Show>
      </div>
      <FitText class={props.missed ? 'kpi-value missed' : 'kpi-value'} text={props.value} title={props.value}>
        {props.value}
      </FitText>
      <div class={`kpi-change ${good()}`} title={`${props.changeText} ${props.caption}`}>
        {/* The caption runs longer in English ("vs same time yesterday") than the tile: the line shrinks a little rather than losing its last word. */}
        <FitText text={`${arrow()}${props.changeText} ${props.caption}`}>
          <Show when={arrow()}>
            <span aria-hidden="true">{arrow()}</span>
          </Show>
          {props.changeText}
          <span class="kpi-caption"> {props.caption}</span>
        </FitText>
      </div>
    </div>
  );
}

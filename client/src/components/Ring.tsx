const STROKE = 18;

/** A circle stroked over `share` (0..1) of its circumference, starting at 3 o'clock. */
function Arc(props: { class: string; size: number; stroke: number; share: number; round?: boolean }) {
  const radius = () => (props.size - props.stroke) / 2;
  const circumference = () => 2 * Math.PI * radius();
  return (
    <circle
      class={props.class}
      cx={props.size / 2}
      cy={props.size / 2}
      r={radius()}
      stroke-width={props.stroke}
      fill="none"
      stroke-linecap={props.round ? 'round' : undefined}
      stroke-dasharray={`${circumference() * props.share} ${circumference()}`}
    />
  );
}

/** Achievement as a ring: full circle at 100%; beyond it a second lap in a brighter colour. */
export function Ring(props: { rate: number; label: string; size?: number }) {
  const size = () => props.size ?? 220;
  const lap = () => Math.min(1, Math.max(0, props.rate));
  const extra = () => Math.min(1, Math.max(0, props.rate - 1));
  return (
    <svg class="ring" width={size()} height={size()} viewBox={`0 0 ${size()} ${size()}`} role="img" aria-label={props.label}>
      <g transform={`rotate(-90 ${size() / 2} ${size() / 2})`}>
        <Arc class="ring-track" size={size()} stroke={STROKE} share={1} />
        <Arc class="ring-value" size={size()} stroke={STROKE} share={lap()} round />
        <Arc class="ring-over" size={size()} stroke={STROKE} share={extra()} />
      </g>
      <text class="ring-label" x="50%" y="50%" dominant-baseline="central" text-anchor="middle">
        {props.label}
      </text>
    </svg>
  );
}

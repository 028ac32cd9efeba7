/** Achievement as a ring: full circle at 100%; beyond it a second lap in a brighter colour. */
export function Ring(props: { rate: number; label: string; size?: number }) {
  const size = () => props.size ?? 220;
  const stroke = 18;
  const radius = () => (size() - stroke) / 2;
  const circumference = () => 2 * Math.PI * radius();
  const lap = () => Math.min(1, Math.max(0, props.rate));
  const extra = () => Math.min(1, Math.max(0, props.rate - 1));
  return (
    <svg class="ring" width={size()} height={size()} viewBox={`0 0 ${size()} ${size()}`} role="img" aria-label={props.label}>
      <g transform={`rotate(-90 ${size() / 2} ${size() / 2})`}>
        <circle class="ring-track" cx={size() / 2} cy={size() / 2} r={radius()} stroke-width={stroke} fill="none" />
        <circle
          class="ring-value"
          cx={size() / 2}
          cy={size() / 2}
          r={radius()}
          stroke-width={stroke}
          fill="none"
          stroke-linecap="round"
          stroke-dasharray={`${circumference() * lap()} ${circumference()}`}
        />
        <circle
          class="ring-over"
          cx={size() / 2}
          cy={size() / 2}
          r={radius()}
          stroke-width={stroke}
          fill="none"
          stroke-dasharray={`${circumference() * extra()} ${circumference()}`}
        />
      </g>
      <text class="ring-label" x="50%" y="50%" dominant-baseline="central" text-anchor="middle">
        {props.label}
      </text>
    </svg>
  );
}

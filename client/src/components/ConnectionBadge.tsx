import type { Freshness } from '../lib/freshness';

/** live (green), connecting/reconnecting (amber, pulsing), stale (red): readable at 3 m by colour and word. */
export function ConnectionBadge(props: { state: Freshness; label: string }) {
  return (
    <span class={`badge badge-${props.state}`} role="status" data-testid="connection-badge" data-state={props.state}>
      <span class="badge-dot" aria-hidden="true" />
      {props.label}
    </span>
  );
}

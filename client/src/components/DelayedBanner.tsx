import { Show } from 'solid-js';

/** The plain-words warning across the top when the figures on screen are not live. */
export function DelayedBanner(props: { visible: boolean; message: string }) {
  return (
    <Show when={props.visible}>
      <div class="delayed-banner" role="alert" data-testid="delayed-banner">
        {props.message}
      </div>
    </Show>
  );
}

import { Show } from 'solid-js';

/** A failure said where it happened (role=alert), or nothing. */
export function InlineError(props: { message: string | null | undefined }) {
  return (
    <Show when={props.message}>
      {(message) => (
        <p class="inline-error" role="alert">
          {message()}
        </p>
      )}
    </Show>
  );
}

import type { JSX, ParentProps } from 'solid-js';

/** A titled card of the big screen. */
export function Panel(props: ParentProps<{ title: string; class?: string; extra?: JSX.Element; testId?: string }>) {
  return (
    <section class={`panel ${props.class ?? ''}`} data-testid={props.testId} data-panel>
      <header class="panel-header">
        <h2 title={props.title}>{props.title}</h2>
        {props.extra}
      </header>
      <div class="panel-body">{props.children}</div>
    </section>
  );
}

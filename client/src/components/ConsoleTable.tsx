import { For, type ParentProps } from 'solid-js';

/** A console table: its column headings (already in the viewer's language) and the body rows the caller gives. */
export function ConsoleTable(props: ParentProps<{ columns: readonly string[]; class?: string; testId?: string }>) {
  return (
    <table class={`console-table ${props.class ?? ''}`} data-testid={props.testId}>
      <thead>
        <tr>
          <For each={props.columns}>{(c) => <th scope="col">{c}</th>}</For>
        </tr>
      </thead>
      {props.children}
    </table>
  );
}

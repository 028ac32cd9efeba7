import type { ParentProps } from 'solid-js';

/** One section of the printable 复盘: a card on screen, its own page on paper. */
export function RetroSection(props: ParentProps<{ title: string; testId: string }>) {
  return (
    <section class="console-card retro-section" data-testid={props.testId}>
      <h3>{props.title}</h3>
      {props.children}
    </section>
  );
}

import { Show, type Accessor, type JSX, type ParentProps } from 'solid-js';
import { useI18n } from '../i18n/i18n';
import { createClippedCount } from './clipped';
import { Guarded } from './Guarded';

export interface PanelProps {
  title: string;
  class?: string;
  extra?: JSX.Element;
  testId?: string;
  /**
   * The items of a list the panel may have more of than it can show (a CSS selector inside its body): those
   * that do not fit whole are hidden, and the header says how many (clipped.ts).
   */
  clipItems?: string;
  /**
   * What the header says instead of 另有 N 项未显示 while items are hidden, given how many are (the last
   * `hidden()` items of the list, in its order): a panel that can say which ones they are.
   */
  clipNote?: (hidden: Accessor<number>) => JSX.Element;
}

/** A titled card of the big screen. */
export function Panel(props: ParentProps<PanelProps>) {
  const { t } = useI18n();
  let body: HTMLDivElement | undefined;
  // Only a panel given clipItems watches its items; the selector is fixed for the panel's life.
  const hidden = props.clipItems ? createClippedCount(() => body, props.clipItems) : () => 0;
  return (
    <section class={`panel ${props.class ?? ''}`} data-testid={props.testId} data-panel>
      <header class="panel-header">
        <h2 title={props.title}>{props.title}</h2>
        {/* In the header, not at the foot: saying so costs the list no row. */}
        <Show when={hidden() > 0}>
          <Show
            when={props.clipNote}
            fallback={
              <span class="clipped-note" data-testid="clipped-note">
                {t('panel.clipped', { n: hidden() })}
              </span>
            }
          >
            {(note) => note()(hidden)}
          </Show>
        </Show>
        {props.extra}
      </header>
      <div class="panel-body" classList={{ clips: !!props.clipItems }} ref={body} data-clip-items={props.clipItems}>
        {/* A panel that cannot draw says so in its body; its title and every other panel stay. */}
        <Guarded name={props.testId ?? props.title}>{props.children}</Guarded>
      </div>
    </section>
  );
}

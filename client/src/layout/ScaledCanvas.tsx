import { createSignal, onCleanup, onMount, Show, type ParentProps } from 'solid-js';

export const DESIGN_WIDTH = 1920;
export const DESIGN_HEIGHT = 1080;

export type Layout = 'screen' | 'laptop';

/** `?layout=screen|laptop` wins; otherwise big and wide viewports get the scaled wall layout. */
export function chooseLayout(search: string, width: number, height: number): Layout {
  const asked = new URLSearchParams(search).get('layout');
  if (asked === 'screen' || asked === 'laptop') return asked;
  return width >= 1600 && width / height >= 1.5 ? 'screen' : 'laptop';
}

/** Fits the design canvas inside the viewport, centred: 4K doubles it, ultrawide letterboxes it. */
export function fitScale(width: number, height: number): number {
  return Math.min(width / DESIGN_WIDTH, height / DESIGN_HEIGHT);
}

/**
 * The wall layout is drawn once at 1920×1080 and scaled as a whole, so nothing reflows between a
 * 1080p TV and a 4K wall. Laptops get a flowing layout instead of a shrunken wall.
 */
export function ScaledCanvas(props: ParentProps) {
  const read = () => ({ width: window.innerWidth, height: window.innerHeight });
  const [viewport, setViewport] = createSignal(read());
  const layout = () => chooseLayout(location.search, viewport().width, viewport().height);
  onMount(() => {
    const onResize = () => setViewport(read());
    window.addEventListener('resize', onResize);
    onCleanup(() => window.removeEventListener('resize', onResize));
  });
  return (
    <Show when={layout() === 'screen'} fallback={<div class="laptop">{props.children}</div>}>
      <div class="letterbox">
        <div
          class="canvas"
          data-testid="canvas"
          style={{
            width: `${DESIGN_WIDTH}px`,
            height: `${DESIGN_HEIGHT}px`,
            transform: `translate(-50%, -50%) scale(${fitScale(viewport().width, viewport().height)})`,
          }}
        >
          {props.children}
        </div>
      </div>
    </Show>
  );
}

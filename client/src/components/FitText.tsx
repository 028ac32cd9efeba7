import { createEffect, createSignal, on, onCleanup, onMount, type ParentProps } from 'solid-js';

/**
 * Text that shrinks to the width it is given instead of running under its neighbours, never above the
 * size its CSS sets: the hero's GMV follows the room the ring leaves (never the other way), a KPI its
 * tile. `text` is the final text (a rolling number shows in-between values; the fit is made for where
 * it lands), measured by a hidden copy whenever it or the box changes. The box's line height is fixed in
 * CSS, so a shrink never moves what is below it.
 */
export function FitText(props: ParentProps<{ text: string; class?: string; title?: string }>) {
  let box: HTMLSpanElement | undefined;
  let sizer: HTMLSpanElement | undefined;
  const [scale, setScale] = createSignal(1);
  const fit = () => {
    if (!box || !sizer) return;
    // Both untransformed CSS pixels (offsetWidth, clientWidth), so the wall canvas's scale cancels out.
    const natural = sizer.offsetWidth / scale();
    const available = box.clientWidth - 1; // a pixel of slack: widths are rounded
    if (natural <= 0 || available <= 0) return; // not laid out (jsdom, display: none)
    const next = Math.min(1, available / natural);
    if (Math.abs(next - scale()) > 0.002) setScale(next);
  };
  createEffect(on(() => props.text, fit));
  onMount(() => {
    if (typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(() => fit());
    if (box) observer.observe(box);
    void document.fonts?.ready.then(fit); // a late web font changes the width of the same text
    onCleanup(() => observer.disconnect());
  });
  const size = () => `${scale()}em`;
  return (
    <span class={`fit ${props.class ?? ''}`} ref={box} title={props.title} data-fit-scale={scale().toFixed(3)}>
      <span class="fit-text" style={{ 'font-size': size() }}>
        {props.children}
      </span>
      {/* The copy is drawn by CSS (::before, content: attr(data-text)): it stays out of the text of the page. */}
      <span class="fit-sizer" ref={sizer} aria-hidden="true" data-text={props.text} style={{ 'font-size': size() }} />
    </span>
  );
}

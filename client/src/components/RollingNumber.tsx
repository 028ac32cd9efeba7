import { createEffect, createSignal, on, onCleanup } from 'solid-js';

/**
 * A number that rolls up to each new value instead of jumping (ease-out over `durationMs`). The
 * final frame is always the exact value; `data-value` carries it throughout for tests and tools.
 */
export function RollingNumber(props: { value: number; format: (value: number) => string; durationMs?: number; class?: string; testId?: string }) {
  const [shown, setShown] = createSignal(props.value);
  let frame = 0;
  const animates = typeof requestAnimationFrame === 'function' && typeof cancelAnimationFrame === 'function';
  const cancel = () => animates && cancelAnimationFrame(frame);
  createEffect(
    on(
      () => props.value,
      (target) => {
        cancel();
        const start = shown();
        const duration = props.durationMs ?? 800;
        if (start === target || duration <= 0 || !animates) return void setShown(target);
        const began = performance.now();
        const step = (time: number) => {
          const t = Math.min(1, (time - began) / duration);
          const eased = 1 - (1 - t) ** 3;
          setShown(t >= 1 ? target : Math.round(start + (target - start) * eased));
          if (t < 1) frame = requestAnimationFrame(step);
        };
        frame = requestAnimationFrame(step);
      },
      { defer: true },
    ),
  );
  onCleanup(cancel);
  return (
    <span class={`rolling ${props.class ?? ''}`} data-testid={props.testId} data-value={props.value}>
      {props.format(shown())}
    </span>
  );
}

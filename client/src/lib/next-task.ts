import { createSignal, onCleanup, type Accessor } from 'solid-js';

/**
 * False until the task that created it has finished, then true. A screen that starts its requests and
 * draws a heavy layout in one task sends nothing until the drawing ends: the socket's frames wait for
 * the task's microtasks. Drawn one task later, the layout is made while the server already answers.
 */
export function createAfterThisTask(): Accessor<boolean> {
  const [done, setDone] = createSignal(false);
  const timer = setTimeout(() => setDone(true), 0);
  onCleanup(() => clearTimeout(timer));
  return done;
}

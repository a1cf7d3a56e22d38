/**
 * "The screen's content is on screen": the moment a screen's own data (every `useLoaded` call in
 * flight) has arrived, been rendered and painted. Parts of a screen that are not its content
 * (controls above it, charts and tables below it, other tabs) load after that moment through
 * `common/deferred.tsx`, so the first screen carries only the code that draws its content.
 */

let loading = 0;
let shown = false;
let waiting: Array<() => void> = [];

/** After the browser painted what is committed now (the next frame, then a task after it). */
function afterPaint(then: () => void) {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(then, 0));
  else setTimeout(then, 0);
}

function release() {
  afterPaint(() => {
    if (loading > 0 || shown) return; // another load started meanwhile: wait for it too
    shown = true;
    const ready = waiting;
    waiting = [];
    for (const go of ready) go();
  });
}

/**
 * A screen load has started; call `done()` once its result is committed (or it was abandoned).
 * `done` may be called more than once.
 */
export function screenLoadStarted(): { done(): void } {
  loading++;
  let open = true;
  return {
    done() {
      if (!open) return;
      open = false;
      loading--;
      if (loading === 0 && waiting.length) release();
    },
  };
}

/**
 * Resolves once the page's first content is on screen: no screen load in flight and the answers
 * painted. Once that has happened it stays true for the rest of the visit. Call it from an effect
 * (as common/deferred.tsx does): the check waits a microtask, until every effect of the same commit
 * has run, so the loads the screen starts in its own effects are waited for.
 */
export function whenContentShown(): Promise<void> {
  if (shown) return Promise.resolve();
  return new Promise((resolve) => {
    waiting.push(resolve);
    queueMicrotask(() => {
      if (loading === 0) release();
    });
  });
}

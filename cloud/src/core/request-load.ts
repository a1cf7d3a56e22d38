/**
 * How many API requests this instance is answering right now, so background work that can wait
 * (the outbox's deliveries to projections and timelines) yields to a burst of members instead of
 * competing with it for the one event loop: 500 members registering for a class at once were
 * answered about twice as fast once the deliveries of their logins waited for the burst to pass.
 * Yielding is bounded (`maxWaitMs` per call), so under sustained load the background still moves.
 */
let inFlight = 0;

/** A request started; call the returned function once when it ends. */
export function requestStarted(): () => void {
  inFlight++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    inFlight--;
  };
}

export function requestsInFlight(): number {
  return inFlight;
}

/** At or above this many requests in flight the instance counts as busy. */
export const BUSY_AT = 16;

/**
 * Resolves once fewer than `busyAt` requests are in flight, or after `maxWaitMs` (so a loaded
 * instance still makes progress). Resolves at once when the instance is not busy.
 */
export async function whenCalm(maxWaitMs: number, busyAt = BUSY_AT, pollMs = 10): Promise<void> {
  const until = Date.now() + maxWaitMs;
  while (inFlight >= busyAt && Date.now() < until) {
    await new Promise<void>((r) => setTimeout(r, Math.min(pollMs, Math.max(1, until - Date.now()))));
  }
}

/**
 * Tell the server log about an error a page caught (error boundary, uncaught error, unhandled
 * rejection). Best effort: a failing report is dropped silently (it must never loop into another
 * report), and at most a few per page load are sent.
 */
import { createApiClient, fetchTransport } from '../../contracts/client';
import * as system from '../../contracts/system';

const client = createApiClient({ baseUrl: '', transport: fetchTransport });
let sent = 0;
const MAX_PER_PAGE = 10;

export function reportClientError(surface: 'admin' | 'sidebar', area: string, err: unknown): void {
  if (sent >= MAX_PER_PAGE) return;
  sent += 1;
  const e = err instanceof Error ? err : new Error(typeof err === 'string' ? err : JSON.stringify(err ?? null));
  client
    .call(system.reportClientError, {
      body: {
        surface,
        area: (area || '/').slice(0, 120),
        message: (e.message || e.name || 'error').slice(0, 500),
        stack: e.stack ? e.stack.slice(0, 4000) : undefined,
        url: location.href.slice(0, 1024),
      },
    })
    .catch(() => undefined);
}

/** Uncaught errors and rejections outside React's tree (event handlers, timers) are reported too. */
export function reportUncaught(surface: 'admin' | 'sidebar'): void {
  window.addEventListener('error', (ev) => reportClientError(surface, 'window.onerror', ev.error ?? ev.message));
  window.addEventListener('unhandledrejection', (ev) => reportClientError(surface, 'unhandledrejection', ev.reason));
}

/**
 * Referral on every card a member shares (issue 15): a newcomer's arrival from a card (`rt`) or a
 * poster (scene `t=…`) is recorded, and a signed-in member's card carries a signed share token.
 * Main package, so the tab pages (年夜饭) and every subpackage use the same two functions.
 */
import { createShare, openShare, type ShareContentKind } from '@contracts/referral';
import { api } from './client';
import { deviceId, rememberShareToken, tokenFromParams } from './referral-touch';

/**
 * A newcomer arrived from a card or poster: the server checks the signed token and keeps the open
 * for the funnel; the token is kept for the registration (never a reward by itself).
 */
export function rememberSharer(params: Record<string, string | undefined>): void {
  const token = tokenFromParams(params);
  if (!token) return;
  const device = deviceId();
  api
    .call(openShare, { body: { token, ...(device ? { deviceId: device } : {}) } })
    .then(() => rememberShareToken(token))
    .catch(() => undefined); // a forged or stale token: nothing is kept
}

export interface ShareCard {
  title: string;
  path: string;
  /** weapp: WeChat uses what this resolves to when it answers within 3 s, else title/path above. */
  promise?: Promise<{ title: string; path: string }>;
}

/**
 * The card for `useShareAppMessage`: the plain page at once, and for a signed-in member the signed
 * path asked for only now, when they really share (a share row per real share, not per page view).
 */
export function shareCard(opts: { kind: ShareContentKind; contentId?: number; title: string; path: string; signedIn: boolean }): ShareCard {
  const plain = { title: opts.title, path: opts.path };
  if (!opts.signedIn) return plain;
  const device = deviceId();
  const promise = api
    .call(createShare, { body: { kind: opts.kind, ...(opts.contentId ? { contentId: opts.contentId } : {}), ...(device ? { deviceId: device } : {}) } })
    .then(
      (s) => ({ title: opts.title, path: s.path }),
      () => plain, // the card still works without attribution
    );
  return { ...plain, promise };
}

/**
 * The sidebar's WeCom OAuth `state` is bound to the tab: a random value stored before leaving for
 * OAuth; a code that comes back with another state (a planted link) is not exchanged.
 */
import { signIn, type PublicConfig } from '../../web/sidebar/flow';
import type { ApiClient, TokenStore } from '../../web/shared/api';

const config = { env: 'production', privacyVersion: 'v', wecom: { corpId: 'ww1', agentId: '1000002' }, simulator: null } as PublicConfig;

function deps(href: string) {
  const calls: string[] = [];
  let token: string | null = null;
  const tokens: TokenStore = { get: () => token, set: (v: string) => (token = v), clear: () => (token = null) } as TokenStore;
  const api = {
    call: async (route: { path: string }, input?: { body?: { code?: string } }) => {
      calls.push(`${route.path} ${input?.body?.code ?? ''}`);
      if (route.path === '/api/auth/wecom/login') return { token: 't0k3n', staff: { id: 1, username: 'u' } };
      throw Object.assign(new Error('401'), { status: 401 });
    },
  } as unknown as ApiClient;
  return { calls, tokens, api, config, href, storage: window.sessionStorage, inWecom: true };
}

beforeEach(() => window.sessionStorage.clear());

test('the OAuth URL carries a fresh random state, remembered in this tab', async () => {
  const d = deps('https://hub.example.com/sidebar/');
  const out = await signIn(d);
  expect(out.kind).toBe('needsWecom');
  const url = new URL((out as { oauthUrl: string }).oauthUrl.replace('#wechat_redirect', ''));
  const state = url.searchParams.get('state')!;
  expect(state).toMatch(/^[0-9a-f]{32}$/);
  expect(window.sessionStorage.getItem('hub.sidebar.oauthState')).toBe(state);
  const again = await signIn(deps('https://hub.example.com/sidebar/'));
  expect(new URL((again as { oauthUrl: string }).oauthUrl.replace('#wechat_redirect', '')).searchParams.get('state')).not.toBe(state);
});

test('a code coming back with our state signs in; with a foreign state it is not exchanged', async () => {
  const first = await signIn(deps('https://hub.example.com/sidebar/'));
  const state = new URL((first as { oauthUrl: string }).oauthUrl.replace('#wechat_redirect', '')).searchParams.get('state')!;
  const ok = deps(`https://hub.example.com/sidebar/?code=good&state=${state}`);
  expect((await signIn(ok)).kind).toBe('signedIn');
  expect(ok.calls).toEqual(['/api/auth/wecom/login good']);

  window.sessionStorage.clear();
  await signIn(deps('https://hub.example.com/sidebar/'));
  const planted = deps('https://hub.example.com/sidebar/?code=attacker&state=sidebar');
  const out = await signIn(planted);
  expect(out.kind).toBe('needsWecom');
  expect(planted.calls.filter((c) => c.includes('wecom/login'))).toEqual([]);
  // and no automatic bounce back into OAuth from a returned URL
  expect((out as { autoRedirect: boolean }).autoRedirect).toBe(false);
});

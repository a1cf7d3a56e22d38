import { CURRENT_PRIVACY_VERSION } from '../../contracts/identity';
import { buttonAttrKey, createHarness, findNode, nodeText, waitFor, type Harness } from './harness';

const member = {
  id: 7,
  nickname: '王阿姨',
  avatarUrl: null,
  tier: '金卡会员',
  storeId: 3,
  storeName: '幸福里店',
  householdId: null,
  consentVersion: '2026-11-01',
  createdAt: '2026-11-01T02:00:00.000Z',
};

let h: Harness;
beforeEach(() => {
  jest.resetModules();
  document.body.innerHTML = '';
  h = createHarness();
});

describe('compiled weapp output', () => {
  it('app registers the privacy-authorization listener at launch', async () => {
    await waitFor(() => (h.calls.onNeedPrivacyAuthorization?.length ?? 0) > 0, 'wx.onNeedPrivacyAuthorization to be called');
  });

  it('consent page renders the guide and an agreePrivacyAuthorization button', async () => {
    const page = await h.loadPage('packages/privacy/consent/index');
    const text = page.text();
    for (const heading of ['隐私保护指引', '一、我们收集哪些信息', '三、我们保存多久', '五、您的权利', '六、联系我们']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('openid');
    expect(page.root.querySelectorAll('wx-button')).toHaveLength(2);

    const agree = findNode(page.data().root, (n) => nodeText(n) === '同意并继续' && n.nn !== '9' && !!n.uid);
    expect(agree).toBeTruthy();
    expect(agree.uid).toBe('consent-agree'); // buttonId passed to the privacy resolver
    expect(agree[buttonAttrKey('open-type')]).toBe('agreePrivacyAuthorization');
    // Opening the guide alone must not sign anyone in.
    expect(h.calls.login).toBeUndefined();
    expect(h.requests).toHaveLength(0);
  });

  it('tapping 同意并继续 logs in with wx.login and the consent version, then opens 首页', async () => {
    h.routes['POST /api/auth/member/login'] = [200, { token: 'tok-weapp', member, isNew: true }];
    const page = await h.loadPage('packages/privacy/consent/index');
    await page.tap('同意并继续');
    await waitFor(() => (h.calls.switchTab?.length ?? 0) > 0, 'switchTab to 首页');
    expect(h.calls.login).toHaveLength(1);
    const login = h.requests.find((r) => r.path === '/api/auth/member/login');
    expect(login?.method).toBe('POST');
    expect(login?.url).toMatch(/^https?:\/\/[^/]+\/api\/auth\/member\/login$/);
    // plus the app's per-install id (referral: first touch and device checks, read only when registering)
    expect(login?.body).toEqual({ code: 'sim-wx-code', consentVersion: CURRENT_PRIVACY_VERSION, deviceId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) });
    expect(h.storage.get('member_token')).toBe('tok-weapp');
    expect((h.calls.switchTab[0] as { url: string }).url).toBe('/pages/home/index');
  });

  it('tapping 不同意 signs nobody in and says nothing was collected', async () => {
    const page = await h.loadPage('packages/privacy/consent/index');
    await page.tap('不同意');
    await waitFor(() => page.text().includes('没有收集您的任何信息'), 'the declined message');
    expect(h.calls.login).toBeUndefined();
    expect(h.requests).toHaveLength(0);
  });

  it('我的 page shows the member from the stored session', async () => {
    h.storage.set('member_token', 'tok-stored');
    h.routes['GET /api/me'] = [200, member];
    const page = await h.loadPage('pages/me/index');
    await waitFor(() => page.text().includes('王阿姨'), 'the nickname');
    expect(page.text()).toContain('金卡会员');
    expect(page.text()).toContain('幸福里店');
    expect(page.text()).toContain('我的数据');
    const me = h.requests.find((r) => r.path === '/api/me');
    expect(me?.header.authorization).toBe('Bearer tok-stored');
  });
});

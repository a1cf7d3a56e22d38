import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { CURRENT_PRIVACY_VERSION } from '@contracts/identity';
import ConsentPage from '../../src/packages/privacy/consent/index';
import { getToken } from '../../src/api/client';
import { ensureLogin, getSessionState, resetSessionForTests } from '../../src/api/session';
import { installFakeApi, sampleMember } from './fakeApi';
import { __storage } from './stubs/taro';

beforeEach(() => {
  __storage.clear();
  resetSessionForTests();
  process.env.TARO_ENV = 'weapp';
});

describe('consent page (隐私保护指引)', () => {
  it('shows the full guide with both choices', () => {
    installFakeApi({});
    render(<ConsentPage />);
    expect(screen.getByTestId('consent-title').textContent).toBe('隐私保护指引');
    for (const text of ['openid', 'unionid', '昵称和头像', '门店和家庭', '我们保存多久', '您的权利', '联系我们', '撤回同意并注销']) {
      expect(document.body.textContent).toContain(text);
    }
    const agree = screen.getByTestId('consent-agree');
    // WeChat records the privacy agreement only through this open-type.
    expect(agree.getAttribute('data-open-type')).toBe('agreePrivacyAuthorization');
    expect(agree.id).toBe('consent-agree');
    expect(screen.getByTestId('consent-decline')).toBeTruthy();
  });

  it('同意并继续 logs in with a fresh code and the current consent version', async () => {
    const fake = installFakeApi({
      'POST /api/auth/member/login': [200, { token: 'tok-new', member: sampleMember, isNew: true }],
    });
    render(<ConsentPage />);
    fireEvent.click(screen.getByTestId('consent-agree'));
    await waitFor(() => expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' }));
    expect(Taro.login).toHaveBeenCalledTimes(1);
    const logins = fake.callsTo('POST /api/auth/member/login');
    expect(logins).toHaveLength(1);
    expect(logins[0].body).toEqual({ code: 'wx-code-1', consentVersion: CURRENT_PRIVACY_VERSION, deviceId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) });
    expect(getToken()).toBe('tok-new');
    expect(getSessionState()).toMatchObject({ status: 'ready', member: { nickname: '王阿姨' } });
  });

  it('a silent login refused while the member agrees is stale: they stay signed in, not sent back to the guide', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    installFakeApi({
      'POST /api/auth/member/login': async (call) => {
        if (!(call.body as { consentVersion?: string }).consentVersion) {
          await held; // the page's silent login, answered only after the member agreed
          return [403, { code: 'CONSENT_REQUIRED', message: '请先阅读并同意《隐私保护指引》' }];
        }
        return [200, { token: 'tok-new', member: sampleMember, isNew: true }];
      },
    });
    const silent = ensureLogin();
    render(<ConsentPage />);
    fireEvent.click(screen.getByTestId('consent-agree'));
    await waitFor(() => expect(getSessionState()).toMatchObject({ status: 'ready' }));
    (Taro.navigateTo as unknown as jest.Mock).mockClear();
    release();
    await expect(silent).resolves.toMatchObject({ nickname: '王阿姨' });
    expect(getSessionState()).toMatchObject({ status: 'ready', member: { nickname: '王阿姨' } });
    expect(getToken()).toBe('tok-new');
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });

  it('shows the server message and stays put when the login fails', async () => {
    installFakeApi({
      'POST /api/auth/member/login': [400, { code: 'WECHAT_CODE_INVALID', message: '微信登录凭证无效或已使用，请重新登录' }],
    });
    render(<ConsentPage />);
    fireEvent.click(screen.getByTestId('consent-agree'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '微信登录凭证无效或已使用，请重新登录' })));
    expect(Taro.switchTab).not.toHaveBeenCalled();
    expect(getToken()).toBeNull();
  });

  it('不同意 calls nothing and collects nothing', () => {
    const fake = installFakeApi({});
    render(<ConsentPage />);
    fireEvent.click(screen.getByTestId('consent-decline'));
    expect(Taro.login).not.toHaveBeenCalled();
    expect(fake.calls).toHaveLength(0);
    expect(getToken()).toBeNull();
    expect(screen.getByTestId('consent-declined').textContent).toContain('没有收集您的任何信息');
  });
});

describe('h5 sign-in through the simulator', () => {
  const config = {
    env: 'test',
    privacyVersion: CURRENT_PRIVACY_VERSION,
    wecom: { corpId: 'c', agentId: 'a' },
    simulator: { baseUrl: 'http://127.0.0.1:7071' },
  };

  beforeEach(() => {
    process.env.TARO_ENV = 'h5';
    window.localStorage.clear();
  });

  it('mints a code for a per-browser openid and reuses that openid', async () => {
    let minted = 0;
    const fake = installFakeApi({
      'GET /api/config': [200, config],
      'POST /__sim/wechat/codes': () => [200, { code: `sim-code-${++minted}` }],
      'POST /api/auth/member/login': [200, { token: 'tok-h5', member: sampleMember, isNew: true }],
    });
    render(<ConsentPage />);
    fireEvent.click(screen.getByTestId('consent-agree'));
    await waitFor(() => expect(getToken()).toBe('tok-h5'));
    expect(Taro.login).not.toHaveBeenCalled();
    const mint = fake.callsTo('POST /__sim/wechat/codes');
    expect(mint[0].url).toBe('http://127.0.0.1:7071/__sim/wechat/codes');
    const openid = (mint[0].body as { openid: string }).openid;
    expect(openid).toMatch(/^dev_h5_/);
    expect(fake.callsTo('POST /api/auth/member/login')[0].body).toEqual({
      code: 'sim-code-1',
      consentVersion: CURRENT_PRIVACY_VERSION,
      deviceId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    });

    // A second sign-in from the same browser must present the same openid.
    resetSessionForTests();
    __storage.clear();
    await ensureLogin();
    expect(fake.callsTo('POST /__sim/wechat/codes')).toHaveLength(2);
    expect((fake.callsTo('POST /__sim/wechat/codes')[1].body as { openid: string }).openid).toBe(openid);
  });

  it('refuses politely when the cloud has no simulator (production)', async () => {
    installFakeApi({ 'GET /api/config': [200, { ...config, env: 'production', simulator: null }] });
    render(<ConsentPage />);
    fireEvent.click(screen.getByTestId('consent-agree'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('微信小程序') })));
    expect(getToken()).toBeNull();
  });
});

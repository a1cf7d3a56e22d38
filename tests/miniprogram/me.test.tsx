import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import MePage from '../../src/pages/me/index';
import HomePage from '../../src/pages/home/index';
import { getToken, setToken } from '../../src/api/client';
import { resetSessionForTests } from '../../src/api/session';
import { installFakeApi, sampleMember } from './fakeApi';
import { __storage } from './stubs/taro';

beforeEach(() => {
  __storage.clear();
  resetSessionForTests();
  process.env.TARO_ENV = 'weapp';
});

describe('我的 page', () => {
  it('shows the signed-in member from the stored token', async () => {
    setToken('tok-1');
    const fake = installFakeApi({ 'GET /api/me': [200, sampleMember] });
    render(<MePage />);
    expect((await screen.findByTestId('me-nickname')).textContent).toBe('王阿姨');
    expect(screen.getByTestId('me-tier').textContent).toBe('金卡会员');
    expect(screen.getByTestId('me-store').textContent).toBe('幸福里店');
    expect(Taro.login).not.toHaveBeenCalled();
    expect(fake.callsTo('GET /api/me')).toHaveLength(1);

    fireEvent.click(screen.getByTestId('me-mydata-link'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/privacy/my-data/index' });
  });

  it('退出登录 ends the session on the server and forgets the token', async () => {
    setToken('tok-1');
    const fake = installFakeApi({ 'GET /api/me': [200, sampleMember], 'POST /api/auth/member/logout': [200, { ok: true }] });
    render(<MePage />);
    fireEvent.click(await screen.findByTestId('me-logout'));
    await waitFor(() => expect(screen.queryByTestId('me-nickname')).toBeNull());
    expect(fake.callsTo('POST /api/auth/member/logout')).toHaveLength(1);
    expect(fake.callsTo('POST /api/auth/member/logout')[0].headers.authorization).toBe('Bearer tok-1');
    expect(getToken()).toBeNull();
    expect(screen.getByTestId('me-login')).toBeTruthy();
    // Signed out on purpose: no silent re-login behind the member's back.
    expect(Taro.login).not.toHaveBeenCalled();
  });

  it('sends a new member to the privacy guide instead of signing them in', async () => {
    const fake = installFakeApi({ 'POST /api/auth/member/login': [403, { code: 'CONSENT_REQUIRED', message: '请先阅读并同意《隐私保护指引》' }] });
    render(<MePage />);
    await waitFor(() => expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/privacy/consent/index' }));
    expect(fake.callsTo('POST /api/auth/member/login')[0].body).toEqual({ code: 'wx-code-1', deviceId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) });
    expect(getToken()).toBeNull();
    expect(screen.queryByTestId('me-nickname')).toBeNull();
  });

  it('re-logs in silently when the stored token has expired', async () => {
    setToken('old');
    const fake = installFakeApi({
      'GET /api/me': [401, { code: 'SESSION_EXPIRED', message: '登录已过期，请重新登录' }],
      'POST /api/auth/member/login': [200, { token: 'fresh', member: { ...sampleMember, nickname: '李叔' }, isNew: false }],
    });
    render(<MePage />);
    expect((await screen.findByTestId('me-nickname')).textContent).toBe('李叔');
    expect(getToken()).toBe('fresh');
    expect(fake.callsTo('POST /api/auth/member/login')).toHaveLength(1);
  });
});

describe('首页', () => {
  it('greets the member by nickname with their store', async () => {
    setToken('tok-1');
    installFakeApi({ 'GET /api/me': [200, sampleMember] });
    render(<HomePage />);
    await waitFor(() => expect(screen.getByTestId('home-greeting').textContent).toContain('王阿姨'));
    expect(screen.getByTestId('home-greeting').textContent).toContain('常去门店：幸福里店');
  });
});

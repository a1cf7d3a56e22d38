import Taro from '@tarojs/taro';
import { ApiError } from '@contracts/client';
import { getMe, updateMe } from '@contracts/identity';
import { api, getToken, setToken } from '../../src/api/client';
import { installFakeApi, sampleMember } from './fakeApi';
import { __storage } from './stubs/taro';

beforeEach(() => {
  __storage.clear();
  process.env.TARO_ENV = 'weapp';
});

describe('Taro.request transport', () => {
  it('returns the parsed body on 2xx and sends the bearer token', async () => {
    setToken('tok-123');
    const fake = installFakeApi({ 'GET /api/me': [200, sampleMember] });
    const me = await api.call(getMe);
    expect(me.nickname).toBe('王阿姨');
    expect(fake.calls[0].headers.authorization).toBe('Bearer tok-123');
    // wx.request answers as text; the transport must not ask Taro to parse (error bodies too).
    const opts = (Taro.request as unknown as jest.Mock).mock.calls[0][0];
    expect(opts.responseType).toBe('text');
  });

  it('turns an error body into an ApiError with the server code and Chinese message', async () => {
    installFakeApi({ 'GET /api/me': [403, { code: 'CONSENT_REQUIRED', message: '请先阅读并同意《隐私保护指引》' }] });
    const err = await api.call(getMe).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'CONSENT_REQUIRED', message: '请先阅读并同意《隐私保护指引》' });
  });

  it('keeps validation details', async () => {
    installFakeApi({
      'PATCH /api/me': [
        400,
        { code: 'VALIDATION_FAILED', message: '提交的信息有误，请检查后再试', details: [{ path: 'nickname', message: '昵称最多20个字' }] },
      ],
    });
    process.env.TARO_ENV = 'h5'; // h5 fetch speaks PATCH directly
    const err = (await api.call(updateMe, { body: { nickname: 'x' } }).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.details).toEqual([{ path: 'nickname', message: '昵称最多20个字' }]);
  });

  it('tunnels PATCH through POST in weapp (wx.request has no PATCH)', async () => {
    const fake = installFakeApi({ 'POST /api/me': [200, sampleMember] });
    await api.call(updateMe, { body: { nickname: '小王' } });
    expect(fake.calls[0].method).toBe('POST');
    expect(fake.calls[0].headers['x-http-method-override']).toBe('PATCH');
    expect(fake.calls[0].body).toEqual({ nickname: '小王' });
  });

  it('maps a failed request to NETWORK_ERROR', async () => {
    (Taro.request as unknown as jest.Mock).mockRejectedValueOnce({ errMsg: 'request:fail timeout' });
    const err = (await api.call(getMe).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('NETWORK_ERROR');
    expect(err.status).toBe(0);
  });

  it('never surfaces a non-JSON error page as the message', async () => {
    installFakeApi({ 'GET /api/me': [502, '<html><body>Bad Gateway</body></html>'] });
    const err = (await api.call(getMe).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('INTERNAL');
    expect(err.message).not.toMatch(/</);
    expect(err.message).toContain('502');
  });

  it('drops the stored token on 401', async () => {
    setToken('expired');
    installFakeApi({ 'GET /api/me': [401, { code: 'SESSION_EXPIRED', message: '登录已过期，请重新登录' }] });
    await expect(api.call(getMe)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(getToken()).toBeNull();
  });
});

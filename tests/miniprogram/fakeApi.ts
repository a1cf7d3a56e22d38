/**
 * A fake cloud behind the Taro.request stand-in: handlers keyed by "METHOD /path" answer with
 * [status, body]; every call is recorded with its parsed JSON body and headers.
 */
import Taro from '@tarojs/taro';

export interface RecordedCall {
  method: string;
  path: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}
type Handler = (call: RecordedCall) => [number, unknown] | Promise<[number, unknown]>;

export function installFakeApi(handlers: Record<string, Handler | [number, unknown]>) {
  const calls: RecordedCall[] = [];
  (Taro.request as unknown as jest.Mock).mockImplementation(async (opts: { url: string; method: string; header: Record<string, string>; data?: string }) => {
    const url = new URL(opts.url, 'http://app.test');
    const call: RecordedCall = {
      method: opts.method,
      path: url.pathname,
      url: opts.url,
      headers: opts.header,
      body: opts.data ? JSON.parse(opts.data) : undefined,
    };
    calls.push(call);
    const handler = handlers[`${opts.method} ${url.pathname}`];
    if (!handler) return { statusCode: 404, data: JSON.stringify({ code: 'NOT_FOUND', message: '内容不存在或已删除' }) };
    const [status, body] = Array.isArray(handler) ? handler : await handler(call);
    // The real transport asks for text; answer the way wx.request does with responseType 'text'.
    return { statusCode: status, data: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body) };
  });
  return {
    calls,
    callsTo: (key: string) => calls.filter((c) => `${c.method} ${c.path}` === key),
  };
}

export const sampleMember = {
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

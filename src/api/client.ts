/**
 * The mini-program's API client: the shared typed client from contracts/ over Taro.request,
 * with the member token kept in Taro storage (wx storage in weapp, localStorage in h5).
 */
import Taro from '@tarojs/taro';
import { createApiClient, type Transport, type TransportRequest } from '@contracts/client';

declare const API_BASE: string;

const TOKEN_KEY = 'member_token';

export function getToken(): string | null {
  try {
    const value = Taro.getStorageSync(TOKEN_KEY);
    return typeof value === 'string' && value ? value : null;
  } catch {
    return null;
  }
}
export function setToken(token: string): void {
  Taro.setStorageSync(TOKEN_KEY, token);
}
export function clearToken(): void {
  try {
    Taro.removeStorageSync(TOKEN_KEY);
  } catch {
    // nothing stored: nothing to clear
  }
}

type TaroMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'TRACE' | 'CONNECT';
// wx.request has no PATCH: tunnel it through POST with the usual override header.
const NATIVE_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT']);

function parseBody(data: unknown, status: number): unknown {
  if (typeof data !== 'string') return data ?? undefined;
  if (!data) return undefined;
  try {
    return JSON.parse(data);
  } catch {
    // Not JSON (a proxy or gateway error page): never show raw HTML to a member.
    return status >= 200 && status < 300 ? data : { code: 'INTERNAL', message: `服务暂时不可用（${status}），请稍后再试` };
  }
}

/** Maps Taro.request's { statusCode, data } onto the shared transport shape. Rejects on network failure. */
export const taroTransport: Transport = async (req: TransportRequest) => {
  const headers = { ...req.headers };
  let method = req.method.toUpperCase();
  if (process.env.TARO_ENV !== 'h5' && !NATIVE_METHODS.has(method)) {
    headers['x-http-method-override'] = method;
    method = 'POST';
  }
  const res = await Taro.request({
    url: req.url,
    method: method as TaroMethod,
    header: headers,
    data: req.body,
    // Parse ourselves so error bodies and empty bodies are handled the same on every platform.
    dataType: '其他',
    responseType: 'text',
  });
  return { status: res.statusCode, data: parseBody(res.data, res.statusCode) };
};

type Unauthenticated = () => void;
let onUnauthenticated: Unauthenticated | null = null;
/** session.ts registers here so a 401 anywhere drops the stored token and the cached member. */
export function setUnauthenticatedHandler(handler: Unauthenticated | null): void {
  onUnauthenticated = handler;
}

export const apiBase: string = typeof API_BASE === 'string' ? API_BASE : '';

export const api = createApiClient({
  baseUrl: apiBase,
  transport: taroTransport,
  getToken,
  onUnauthenticated: () => {
    clearToken();
    onUnauthenticated?.();
  },
});

/**
 * The typed client every surface uses. The transport is pluggable: `fetch` in the browser pages,
 * `Taro.request` in the mini-program. Non-2xx answers become an ApiError carrying the stable code.
 */
import type { ErrorBody, ErrorCode } from './errors';
import { buildPath, type RouteDef, type RouteInput, type RouteResponse } from './route';

export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}
export interface TransportResponse {
  status: number;
  /** Parsed JSON body (or undefined when there was none). */
  data: unknown;
}
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: ErrorCode | 'NETWORK_ERROR',
    message: string,
    public readonly details?: ErrorBody['details'],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  transport: Transport;
  getToken?: () => string | null | undefined;
  /** Called on 401 so the surface can send the user back to login. */
  onUnauthenticated?: (err: ApiError) => void;
}

export function toQueryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export function createApiClient(options: ApiClientOptions) {
  async function call<R extends RouteDef>(route: R, input?: RouteInput<R>): Promise<RouteResponse<R>> {
    const i = (input ?? {}) as { params?: Record<string, string | number>; query?: Record<string, unknown>; body?: unknown };
    const url = options.baseUrl + buildPath(route.path, i.params) + toQueryString(i.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = options.getToken?.();
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (i.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(i.body);
    }
    let res: TransportResponse;
    try {
      res = await options.transport({ method: route.method, url, headers, body });
    } catch (e) {
      throw new ApiError(0, 'NETWORK_ERROR', '网络不给力，请检查网络后重试');
    }
    if (res.status >= 200 && res.status < 300) return res.data as RouteResponse<R>;
    const err = (res.data ?? {}) as Partial<ErrorBody>;
    const apiError = new ApiError(res.status, (err.code ?? 'INTERNAL') as ErrorCode, err.message ?? '系统开小差了，请稍后再试', err.details);
    if (res.status === 401) options.onUnauthenticated?.(apiError);
    throw apiError;
  }
  return { call };
}
export type ApiClient = ReturnType<typeof createApiClient>;

/** Transport over the standard fetch API (browsers, Node 20). */
export const fetchTransport: Transport = async (req) => {
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = { code: 'INTERNAL', message: text.slice(0, 200) };
  }
  return { status: res.status, data };
};

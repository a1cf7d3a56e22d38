/** Small page helpers shared by the member-hub subpackages (query params, absolute file URLs). */
import Taro from '@tarojs/taro';
import { apiBase } from '../api/client';

/** Query of the current page (works the same in weapp and h5). */
export function pageParams(): Record<string, string | undefined> {
  try {
    const params = Taro.getCurrentInstance()?.router?.params ?? {};
    const out: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(params)) out[k] = v === undefined ? undefined : decodeURIComponent(String(v));
    return out;
  } catch {
    return {};
  }
}

/** A positive integer page parameter, or null. */
export function intParam(value: string | undefined | null): number | null {
  if (!value || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n > 0 && Number.isSafeInteger(n) ? n : null;
}

/** Server file URLs are same-origin paths (/api/files/…); the mini-program needs them absolute. */
export function fileUrl(url: string | null | undefined): string {
  if (!url) return '';
  return /^https?:\/\//.test(url) || url.startsWith('data:') || url.startsWith('blob:') ? url : `${apiBase}${url}`;
}

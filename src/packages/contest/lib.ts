/**
 * Helpers shared by the contest pages (this subpackage only): photo upload through
 * Taro.uploadFile, file URLs, the share path and small formatting bits.
 */
import Taro from '@tarojs/taro';
import { ApiError } from '@contracts/client';
import type { ErrorCode } from '@contracts/errors';
import { ENTRY_PAGE } from '@contracts/contest';
import { MAX_UPLOAD_BYTES, UPLOAD_FIELD, uploadMemberImage, type UploadedImage } from '@contracts/uploads';
import { apiBase, getToken } from '../../api/client';
import { formatShanghai } from '../../utils/time';

/** Page paths of this subpackage (ROUTES in api/routes.ts holds the same). */
export const PAGES = {
  home: '/packages/contest/home/index',
  entry: `/${ENTRY_PAGE}`,
  submit: '/packages/contest/submit/index',
  mine: '/packages/contest/mine/index',
  leaderboard: '/packages/contest/leaderboard/index',
  rules: '/packages/contest/rules/index',
} as const;

export function pageUrl(page: keyof typeof PAGES, query: Record<string, string | number | undefined> = {}): string {
  const qs = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return qs ? `${PAGES[page]}?${qs}` : PAGES[page];
}

/** Server file URLs are same-origin paths (/api/files/…); the mini-program needs them absolute. */
export function fileUrl(url: string | null | undefined): string {
  if (!url) return '';
  return /^https?:\/\//.test(url) || url.startsWith('data:') || url.startsWith('blob:') ? url : `${apiBase}${url}`;
}

/** A positive integer page parameter, or null. */
export function intParam(value: string | undefined | null): number | null {
  if (!value || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n > 0 && Number.isSafeInteger(n) ? n : null;
}

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

export function windowText(start: string, end: string): string {
  return `${formatShanghai(start)} 至 ${formatShanghai(end)}`;
}

/** A retry-safe id for one submit (the server makes one entry per id). */
export function newRequestId(): string {
  const rand = () => Math.random().toString(36).slice(2, 10);
  return `c${Date.now().toString(36)}${rand()}${rand()}`;
}

/** Split a textarea into trimmed non-empty lines (ingredients, steps). */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

function parseUploadAnswer(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/**
 * Upload one photo (member session required). The server checks the real type and the size;
 * the size is also checked here so a member is not kept waiting for an 8 MB+ upload to fail.
 */
export async function uploadPhoto(filePath: string, size?: number): Promise<UploadedImage> {
  if (size !== undefined && size > MAX_UPLOAD_BYTES) {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `照片不能超过 ${Math.round(MAX_UPLOAD_BYTES / 1024 / 1024)} MB`);
  }
  const token = getToken();
  let res: Taro.uploadFile.SuccessCallbackResult;
  try {
    res = await Taro.uploadFile({
      url: `${apiBase}${uploadMemberImage.path}`,
      filePath,
      name: UPLOAD_FIELD,
      header: token ? { authorization: `Bearer ${token}` } : {},
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', '照片上传失败，请检查网络后重试');
  }
  const body = parseUploadAnswer(res.data) as (Partial<UploadedImage> & { code?: string; message?: string }) | undefined;
  if (res.statusCode >= 200 && res.statusCode < 300 && body && typeof body.id === 'number') return body as UploadedImage;
  throw new ApiError(res.statusCode || 500, ((body?.code as ErrorCode) ?? 'INTERNAL') as ErrorCode, body?.message ?? '照片上传失败，请稍后再试');
}

export interface PickedPhoto {
  path: string;
  size?: number;
}

/** Let the member pick up to `count` photos (album or camera in weapp, a file input in h5). */
export async function pickPhotos(count: number): Promise<PickedPhoto[]> {
  const res = await Taro.chooseImage({
    count,
    sizeType: ['compressed'],
    // h5 offers only the file picker (a camera choice would open an action sheet first on phones).
    sourceType: process.env.TARO_ENV === 'h5' ? ['album'] : ['album', 'camera'],
  });
  const files = res.tempFiles ?? [];
  return (res.tempFilePaths ?? []).slice(0, count).map((path, i) => ({ path, size: files[i]?.size }));
}

/** Moved to the main package (every page that can be shared records arrivals the same way). */
export { rememberSharer } from '../../api/share-card';

/**
 * The WeChat-only capabilities of the classes pages, with their h5 fallbacks in one place:
 * subscribe-message consent (weapp only; the h5 preview has no such API, so nothing is accepted),
 * the camera scanner (weapp; h5 shows a text field instead) and the page's query parameters.
 */
import Taro from '@tarojs/taro';
import type { RouteResponse } from '@contracts/route';
import type { SubscribeAccepts, subscribeTemplates } from '@contracts/classes';

export type TemplateIds = RouteResponse<typeof subscribeTemplates>;
export type NoticeWish = keyof SubscribeAccepts;

export const NO_ACCEPTS: SubscribeAccepts = { reminder24h: false, reminder2h: false, promoted: false };

export function isWeapp(): boolean {
  return process.env.TARO_ENV === 'weapp';
}

/**
 * Ask the member to accept the wanted subscribe templates (≤ 3, one dialog). WeChat shows the
 * dialog only when the call comes straight from a tap, so call this FIRST in the tap handler,
 * before any await. A refusal, a dismissed dialog or a failure all mean "nothing accepted":
 * registration goes ahead either way.
 */
export function askSubscribe(templates: TemplateIds | null, wanted: NoticeWish[]): Promise<SubscribeAccepts> {
  const kinds = wanted.slice(0, 3);
  if (!isWeapp() || !templates || kinds.length === 0) return Promise.resolve({ ...NO_ACCEPTS });
  let pending: Promise<unknown>;
  try {
    pending = Taro.requestSubscribeMessage({ tmplIds: kinds.map((k) => templates[k]) } as Parameters<typeof Taro.requestSubscribeMessage>[0]);
  } catch {
    return Promise.resolve({ ...NO_ACCEPTS });
  }
  return pending.then(
    (res) => {
      const answer = (res ?? {}) as Record<string, unknown>;
      const accepted = (k: NoticeWish) => kinds.includes(k) && answer[templates[k]] === 'accept';
      return { reminder24h: accepted('reminder24h'), reminder2h: accepted('reminder2h'), promoted: accepted('promoted') };
    },
    () => ({ ...NO_ACCEPTS }),
  );
}

/** Scan a QR with the camera (weapp). Rejects with errMsg '…cancel' when the member backs out. */
export async function scanQr(): Promise<string> {
  const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
  return (res.result ?? '').trim();
}

/** A query parameter of the current page (?id=…), decoded; undefined when absent. */
export function pageParam(name: string): string | undefined {
  const params = (Taro.getCurrentInstance()?.router?.params ?? {}) as Record<string, string | undefined>;
  const value = params[name];
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A positive integer query parameter, or null. */
export function idParam(name: string): number | null {
  const n = Number(pageParam(name));
  return Number.isInteger(n) && n > 0 ? n : null;
}

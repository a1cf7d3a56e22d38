/**
 * WeChat's privacy check (__usePrivacyCheck__): when a privacy API needs the member's consent,
 * wx.onNeedPrivacyAuthorization hands us a resolver. We show our own 隐私保护指引 page and
 * settle the resolver from its buttons (the agree button has open-type agreePrivacyAuthorization).
 */
import Taro from '@tarojs/taro';
import { ROUTES } from './routes';

type Resolve = (option: { event: 'exposureAuthorization' | 'agree' | 'disagree'; buttonId?: string }) => void;

let pending: Resolve | null = null;

export const AGREE_BUTTON_ID = 'consent-agree';

export function registerPrivacyHandler(): void {
  if (process.env.TARO_ENV !== 'weapp') return;
  const on = (Taro as unknown as { onNeedPrivacyAuthorization?: (fn: (resolve: Resolve) => void) => void }).onNeedPrivacyAuthorization;
  if (typeof on !== 'function') return; // base library < 2.32.3: nothing to hook
  on((resolve) => {
    pending = resolve;
    const pages = Taro.getCurrentPages();
    const top = pages[pages.length - 1];
    if (`/${top?.route ?? ''}` !== ROUTES.consent) void Taro.navigateTo({ url: ROUTES.consent });
    resolve({ event: 'exposureAuthorization' });
  });
}

/** Called from the consent page's buttons. */
export function settlePrivacy(agreed: boolean): void {
  if (!pending) return;
  const resolve = pending;
  pending = null;
  resolve(agreed ? { event: 'agree', buttonId: AGREE_BUTTON_ID } : { event: 'disagree' });
}

export function hasPendingPrivacyRequest(): boolean {
  return pending !== null;
}

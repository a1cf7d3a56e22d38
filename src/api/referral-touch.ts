/**
 * Referral touches kept on this install (main package: the login needs them): a per-install id
 * (device checks and first touch on this phone, never a WeChat identifier) and the last signed
 * share token the member arrived from. Both are only read when a login registers a new member.
 */
import Taro from '@tarojs/taro';

const DEVICE_KEY = 'hub_device_id';
const TOKEN_KEY = 'hub_share_token';
const TOKEN_DAYS = 30;

export function deviceId(): string {
  try {
    let id = Taro.getStorageSync(DEVICE_KEY) as string;
    if (!id || typeof id !== 'string') {
      id = `d${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
      Taro.setStorageSync(DEVICE_KEY, id);
    }
    return id;
  } catch {
    return '';
  }
}

/** A share token read from a page's `rt` (card) or a poster's scene `t=…`. */
export function tokenFromParams(params: Record<string, string | undefined>): string | null {
  const direct = params.rt ? decodeURIComponent(params.rt) : null;
  if (direct) return direct;
  const scene = params.scene ? decodeURIComponent(params.scene) : '';
  const m = /(?:^|&)t=([^&]+)/.exec(scene);
  return m ? m[1] : null;
}

export function rememberShareToken(token: string): void {
  try {
    Taro.setStorageSync(TOKEN_KEY, { token, at: Date.now() });
  } catch {
    // storage unavailable: attribution is best effort
  }
}

export function storedShareToken(): string | undefined {
  try {
    const v = Taro.getStorageSync(TOKEN_KEY) as { token?: string; at?: number } | '';
    if (v && typeof v.token === 'string' && typeof v.at === 'number' && Date.now() - v.at < TOKEN_DAYS * 86_400_000) return v.token;
  } catch {
    // nothing stored
  }
  return undefined;
}

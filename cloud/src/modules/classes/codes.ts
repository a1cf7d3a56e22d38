/** Check-in secrets: the member's QR token + 6-character short code, and the store's session QR. */
import { randomBytes, randomInt } from 'crypto';
import { REGISTRATION_QR_PREFIX, SESSION_QR_PREFIX } from '../../../../contracts/classes';

/** No 0/O, 1/I/L: staff type these from a phone screen. */
const SHORT_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newShortCode(): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += SHORT_ALPHABET[randomInt(SHORT_ALPHABET.length)];
  return s;
}

/** 24 url-safe characters (144 bits): unguessable. */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

export const registrationQr = (token: string) => `${REGISTRATION_QR_PREFIX}${token}`;
export const sessionQr = (token: string) => `${SESSION_QR_PREFIX}${token}`;

export type ParsedCode = { kind: 'registration'; token: string } | { kind: 'session'; token: string } | { kind: 'short'; code: string } | null;

/** What a scanner or a keyboard produced; tolerant of spaces and case in short codes. */
export function parseCheckInCode(raw: string): ParsedCode {
  const text = raw.trim();
  const token = /^[A-Za-z0-9_-]{16,64}$/;
  if (text.startsWith(REGISTRATION_QR_PREFIX)) {
    const t = text.slice(REGISTRATION_QR_PREFIX.length);
    return token.test(t) ? { kind: 'registration', token: t } : null;
  }
  if (text.startsWith(SESSION_QR_PREFIX)) {
    const t = text.slice(SESSION_QR_PREFIX.length);
    return token.test(t) ? { kind: 'session', token: t } : null;
  }
  const short = text.replace(/[\s-]/g, '').toUpperCase();
  if (/^[A-Z0-9]{6}$/.test(short)) return { kind: 'short', code: short };
  return null;
}

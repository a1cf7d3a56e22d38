/**
 * Check-in secrets: the member's QR token + 6-character short code, and the store's rotating door
 * code (`hubclass:s:<sessionId>.<step>.<mac>`): a new one every period, HMAC-signed, so a photo of
 * the screen stops working within a minute.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'crypto';
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

/** How the door code turns: a new step every `periodSeconds`; `skewSeconds` of slack either side (scan, network, clocks). */
export interface DoorCodeRule {
  periodSeconds: number;
  skewSeconds: number;
}

/** The step a moment falls in. */
export const doorStep = (nowMs: number, rule: DoorCodeRule) => Math.floor(nowMs / 1000 / rule.periodSeconds);

/** 128 bits of HMAC-SHA256 over the session, the step and the session's own random token. */
function doorMac(secret: string, sessionId: number, sessionToken: string, step: number): string {
  return createHmac('sha256', secret).update(`class-door|${sessionId}|${step}|${sessionToken}`).digest('base64url').slice(0, 22);
}

/** The door code of a step, and until when it is shown (the screen fetches the next one then). */
export function signDoorCode(
  secret: string,
  sessionId: number,
  sessionToken: string,
  nowMs: number,
  rule: DoorCodeRule,
): { qrPayload: string; refreshAt: number } {
  const step = doorStep(nowMs, rule);
  return {
    qrPayload: `${SESSION_QR_PREFIX}${sessionId}.${step}.${doorMac(secret, sessionId, sessionToken, step)}`,
    refreshAt: (step + 1) * rule.periodSeconds * 1000,
  };
}

/**
 * Pure: is a scanned door code genuine and current? Valid from `skewSeconds` before its step starts
 * until `skewSeconds` after it ends — a screenshot from yesterday (or an hour ago) is 'expired'.
 */
export function verifyDoorCode(
  secret: string,
  code: { sessionId: number; step: number; mac: string },
  sessionToken: string,
  nowMs: number,
  rule: DoorCodeRule,
): 'ok' | 'expired' | 'forged' {
  const expected = Buffer.from(doorMac(secret, code.sessionId, sessionToken, code.step));
  const given = Buffer.from(code.mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
  const period = rule.periodSeconds * 1000;
  const from = code.step * period - rule.skewSeconds * 1000;
  const until = (code.step + 1) * period + rule.skewSeconds * 1000;
  return nowMs >= from && nowMs <= until ? 'ok' : 'expired';
}

export type ParsedCode =
  | { kind: 'registration'; token: string }
  | { kind: 'door'; sessionId: number; step: number; mac: string }
  /** The fixed session QR of earlier releases (or anything else after the prefix): no longer accepted. */
  | { kind: 'stale_door' }
  | { kind: 'short'; code: string }
  | null;

/** What a scanner or a keyboard produced; tolerant of spaces and case in short codes. */
export function parseCheckInCode(raw: string): ParsedCode {
  const text = raw.trim();
  const token = /^[A-Za-z0-9_-]{16,64}$/;
  if (text.startsWith(REGISTRATION_QR_PREFIX)) {
    const t = text.slice(REGISTRATION_QR_PREFIX.length);
    return token.test(t) ? { kind: 'registration', token: t } : null;
  }
  if (text.startsWith(SESSION_QR_PREFIX)) {
    const m = /^(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(text.slice(SESSION_QR_PREFIX.length));
    if (!m) return { kind: 'stale_door' };
    const sessionId = Number(m[1]);
    return sessionId > 0 && sessionId <= 2_147_483_647 ? { kind: 'door', sessionId, step: Number(m[2]), mac: m[3] } : null;
  }
  const short = text.replace(/[\s-]/g, '').toUpperCase();
  if (/^[A-Z0-9]{6}$/.test(short)) return { kind: 'short', code: short };
  return null;
}

/**
 * Signed share tokens and invite codes (the referral module's public, pure face; identity verifies
 * a login's token with it). A token names the share row and the sharer, signed with
 * SIGNING_SECRET, so a client cannot type somebody else's id: `<shareId36>.<sharerId36>.<sig10>`,
 * short enough for a poster's mini-program code scene (`t=<token>`, ≤ 32 chars). An invite code is
 * the member id in base 32 (no 0/O/1/I) plus four signature characters, easy to read aloud.
 */
import { createHmac, timingSafeEqual } from 'crypto';

const DEV_SECRET = 'dev-signing-secret-change-me';
const secret = () => process.env.SIGNING_SECRET || DEV_SECRET;

function mac(purpose: string, text: string, length: number): string {
  return createHmac('sha256', secret())
    .update(`${purpose}:${text}`)
    .digest('base64url')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, length);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function shareToken(shareId: number, sharerId: number): string {
  const body = `${shareId.toString(36)}.${sharerId.toString(36)}`;
  return `${body}.${mac('share', body, 10)}`;
}

/** The share and sharer a token names, or null when it is malformed or its signature is wrong. */
export function verifyShareToken(token: string | null | undefined): { shareId: number; sharerId: number } | null {
  const m = /^([0-9a-z]{1,8})\.([0-9a-z]{1,8})\.([A-Za-z0-9]{10})$/.exec(String(token ?? '').trim());
  if (!m) return null;
  if (!same(mac('share', `${m[1]}.${m[2]}`, 10), m[3])) return null;
  const shareId = parseInt(m[1], 36);
  const sharerId = parseInt(m[2], 36);
  return Number.isSafeInteger(shareId) && shareId > 0 && Number.isSafeInteger(sharerId) && sharerId > 0 ? { shareId, sharerId } : null;
}

/** A poster's scene: the same token (the page reads `t`). */
export function shareScene(token: string): string {
  return `t=${token}`;
}

const B32 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

function toB32(n: number): string {
  let s = '';
  do {
    s = B32[n % 32] + s;
    n = Math.floor(n / 32);
  } while (n > 0);
  return s;
}

function inviteSig(body: string): string {
  const h = createHmac('sha256', secret()).update(`invite:${body}`).digest();
  let s = '';
  for (let i = 0; i < 4; i++) s += B32[h[i] % 32];
  return s;
}

export function inviteCode(memberId: number): string {
  const body = toB32(memberId);
  return `${body}${inviteSig(body)}`;
}

/** The member an invite code names, or null (typos and guesses fail the signature). */
export function memberOfInviteCode(code: string | null | undefined): number | null {
  const c = String(code ?? '')
    .trim()
    .toUpperCase()
    .replace(/[\s-]/g, '');
  if (!/^[2-9A-HJ-NP-Z]{5,12}$/.test(c)) return null;
  const body = c.slice(0, -4);
  if (!same(inviteSig(body), c.slice(-4))) return null;
  let n = 0;
  for (const ch of body) n = n * 32 + B32.indexOf(ch);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

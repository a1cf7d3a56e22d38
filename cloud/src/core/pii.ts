/**
 * Personal data helpers shared by every module: a keyed digest of a phone number for exact lookup
 * (the purchases ledger matches receipts by it; identity finds members by it) so no module needs
 * the clear number to join on it. The key comes from the environment (PII_HASH_KEY); changing it
 * means recomputing stored digests.
 */
import { createHmac } from 'crypto';

const DEV_KEY = 'dev-pii-hash-key-change-me';

/** Mainland mobile numbers in one canonical form: digits only, a leading +86/86 dropped. */
export function normalizePhone(raw: string): string | null {
  const digits = String(raw).replace(/[\s\-()]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  return /^1\d{10}$/.test(digits) ? digits : null;
}

/** HMAC-SHA256 hex of the normalised number; null when it is not a phone number. */
export function phoneDigest(raw: string, key: string = process.env.PII_HASH_KEY || DEV_KEY): string | null {
  const phone = normalizePhone(raw);
  return phone ? createHmac('sha256', key).update(`phone:${phone}`).digest('hex') : null;
}


/**
 * Signed POS requests: the store key's secret is HMAC(POS_KEY_SECRET, key id), so nothing secret
 * is stored. A request carries key id, unix timestamp, nonce and
 * signature = hex(HMAC-SHA256(secret, `${timestamp}\n${nonce}\n${rawBody}`)). Checked in this order:
 * key known and not revoked, signature (constant-time), timestamp within ±300 s, nonce never seen
 * for this key (a unique row; nonces older than the window are pruned by a job), then the key's
 * chain-wide rate (core/limits, in purchases.service).
 */
import { createHmac, timingSafeEqual } from 'crypto';

export function posSecret(master: string, keyId: string): string {
  return createHmac('sha256', master).update(`pos-key:${keyId}`).digest('base64url');
}

export function posSignature(secret: string, timestamp: string, nonce: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${rawBody}`).digest('hex');
}

export function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(String(given).toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

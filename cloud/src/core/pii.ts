/**
 * Personal data helpers shared by every module:
 *  - a keyed digest of a phone number for exact lookup (the purchases ledger matches receipts by it;
 *    identity finds members by it) so no module needs the clear number to join on it. The key comes
 *    from the environment (PII_HASH_KEY); changing it means recomputing stored digests;
 *  - encryption at rest (AES-256-GCM) for fields such as the phone number, with the key id in every
 *    stored value so keys can rotate: PII_ENC_KEYS="k2:<base64 32 bytes>,k1:<…>" — the first key
 *    encrypts, every listed key decrypts; rows under an older key are re-encrypted by a job;
 *  - masking for display (138****1234).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'crypto';
import type { ValueTransformer } from 'typeorm';

const DEV_KEY = 'dev-pii-hash-key-change-me';
/** Dev/test only (production refuses to start without PII_ENC_KEYS, see config/env.ts). */
const DEV_ENC_KEYS = `dev:${createHash('sha256').update('dev-pii-encryption-key-change-me').digest('base64')}`;

/** Mainland mobile numbers in one canonical form: digits only, a leading +86/86 dropped. */
export function normalizePhone(raw: string): string | null {
  const digits = String(raw)
    .replace(/[\s\-()]/g, '')
    .replace(/^\+?86(?=1\d{10}$)/, '');
  return /^1\d{10}$/.test(digits) ? digits : null;
}

/** HMAC-SHA256 hex of the normalised number; null when it is not a phone number. */
export function phoneDigest(raw: string, key: string = process.env.PII_HASH_KEY || DEV_KEY): string | null {
  const phone = normalizePhone(raw);
  return phone ? createHmac('sha256', key).update(`phone:${phone}`).digest('hex') : null;
}

/** 13812341234 -> 138****1234; short or odd values keep only their last 2 characters. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\s+/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return `${'*'.repeat(Math.max(digits.length - 2, 0))}${digits.slice(-2)}`;
}

export interface PiiKeyring {
  current: { id: string; key: Buffer };
  byId: Map<string, Buffer>;
}

/** Parse "id:base64,id2:base64"; every key must be 32 bytes and ids [A-Za-z0-9_-]{1,16}. */
export function parseKeyring(spec: string): PiiKeyring {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const i = part.indexOf(':');
      const id = part.slice(0, i);
      const key = Buffer.from(part.slice(i + 1), 'base64');
      if (i <= 0 || !/^[A-Za-z0-9_-]{1,16}$/.test(id) || key.length !== 32) throw new Error('PII_ENC_KEYS: expected "id:<base64 of 32 bytes>[,id:…]"');
      return [id, key] as const;
    });
  if (!entries.length) throw new Error('PII_ENC_KEYS is empty');
  return { current: { id: entries[0][0], key: entries[0][1] }, byId: new Map(entries) };
}

let cached: { spec: string; ring: PiiKeyring } | null = null;
function keyring(): PiiKeyring {
  const spec = process.env.PII_ENC_KEYS || DEV_ENC_KEYS;
  if (cached?.spec !== spec) cached = { spec, ring: parseKeyring(spec) };
  return cached.ring;
}

/** "v1.<keyId>.<base64url(iv 12 | tag 16 | ciphertext)>" */
export function encryptPii(plain: string | null | undefined, ring: PiiKeyring = keyring()): string | null {
  if (plain === null || plain === undefined) return null;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1.${ring.current.id}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export function decryptPii(stored: string | null | undefined, ring: PiiKeyring = keyring()): string | null {
  if (!stored) return null;
  const [v, id, data] = stored.split('.');
  const key = ring.byId.get(id);
  if (v !== 'v1' || !key || !data) throw new Error(`personal data under an unknown key (${id ?? '?'}): add it to PII_ENC_KEYS`);
  const raw = Buffer.from(data, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** The key id a stored value was encrypted under (null when empty). */
export function piiKeyId(stored: string | null | undefined): string | null {
  return stored ? (stored.split('.')[1] ?? null) : null;
}

export function currentPiiKeyId(): string {
  return keyring().current.id;
}

/** TypeORM column transformer: the entity property holds the clear value, the column the ciphertext. */
export const encryptedColumn: ValueTransformer = {
  to: (value: string | null | undefined) => (value === undefined ? undefined : encryptPii(value)),
  from: (value: string | null) => decryptPii(value),
};

/**
 * Staff password hashing with node:crypto scrypt. The parameters live in the stored string
 * (scrypt$N$r$p$salt$hash, base64url), so they can be raised without breaking old hashes: a hash
 * made with weaker parameters still verifies, and `needsRehash` tells the sign-in to store a new one.
 * Cost: OWASP's password storage cheat sheet lists N=2^14, r=8, p=5 as one of its equivalent
 * minimum scrypt settings (16 MiB per check; chosen over 2^17/r8/p1's 128 MiB because a few checks
 * run at once).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'crypto';

export const SCRYPT_COST = { N: 16384, r: 8, p: 5 } as const;
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFKC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

const maxmem = (N: number, r: number) => 128 * N * r + 64 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_COST;
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r, p, maxmem: maxmem(N, r) });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when the stored hash was made with other parameters than today's (re-hash after a good sign-in). */
export function needsRehash(stored: string | null | undefined): boolean {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return true;
  return Number(parts[1]) !== SCRYPT_COST.N || Number(parts[2]) !== SCRYPT_COST.r || Number(parts[3]) !== SCRYPT_COST.p;
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    // still spend the time, so unknown accounts cannot be told apart by timing
    const { N, r, p } = SCRYPT_COST;
    await scrypt(password, Buffer.alloc(16), KEYLEN, { N, r, p, maxmem: maxmem(N, r) });
    return false;
  }
  const [, n, r, p, saltText, hashText] = parts;
  const expected = Buffer.from(hashText, 'base64url');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (!Number.isInteger(cost.N) || cost.N < 2 || cost.N > 1 << 20 || !(cost.r >= 1 && cost.r <= 32) || !(cost.p >= 1 && cost.p <= 16) || !expected.length)
    return false;
  const actual = await scrypt(password, Buffer.from(saltText, 'base64url'), expected.length, { ...cost, maxmem: maxmem(cost.N, cost.r) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

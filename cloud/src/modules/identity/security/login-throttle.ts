/**
 * Password-guessing defence for staff sign-in. Every attempt is counted BEFORE the password is
 * checked (so parallel guesses cannot slip past a check-then-count gap), on three back-off counters
 * of the chain-wide limits (core/limits: Redis, the database, or memory on embedded SQLite):
 *   - account+IP: the usual case, ten tries, then exponential back-off (30 s, 1 min, 2 min … 15 min);
 *   - IP: one address trying many accounts (100 tries, then 15 s doubling);
 *   - account: many addresses trying one account; its back-off is capped short, so nobody can lock a
 *     colleague out for long by failing on purpose from elsewhere.
 * A success clears the account's counters and gives the IP its attempt back. Keys are never evicted
 * by volume (junk usernames cannot push out a target's count).
 */
import { backoffMs, type BackoffPolicy } from '../../../core/limits';

export { backoffMs, type BackoffPolicy };

export const POLICIES = {
  accountIp: { free: 10, baseMs: 30_000, maxMs: 15 * 60_000, windowMs: 15 * 60_000 },
  ip: { free: 100, baseMs: 15_000, maxMs: 15 * 60_000, windowMs: 15 * 60_000 },
  account: { free: 50, baseMs: 1000, maxMs: 60_000, windowMs: 15 * 60_000 },
} satisfies Record<string, BackoffPolicy>;

/** The three counter keys of one sign-in attempt (prefixed `login:` in the shared store). */
export function loginKeys(username: string, ip: string | undefined) {
  const account = username.trim().toLowerCase().slice(0, 64);
  const from = (ip || 'unknown').replace(/^::ffff:/, '').slice(0, 64);
  return { accountIp: `login:acct-ip:${account}|${from}`, ip: `login:ip:${from}`, account: `login:acct:${account}` };
}

/** The one retry backoff of the queue tables (core/queue/claimable.ts, on core/limits' doubling): pure. */
import { failedAttempt, retryDelayMs } from '../../src/core/queue/claimable';

it('doubles from 2 s per attempt, capped at 10 min', () => {
  expect([0, 1, 2, 3, 4].map((n) => retryDelayMs(n))).toEqual([2_000, 2_000, 4_000, 8_000, 16_000]);
  expect(retryDelayMs(30)).toBe(600_000);
  expect(retryDelayMs(3, 500, 1_500)).toBe(1_500);
});

it('a failed attempt is retried at the backoff, and given up after maxAttempts', () => {
  const now = new Date('2026-12-06T08:00:00Z');
  expect(failedAttempt(new TypeError('boom'), 2, { maxAttempts: 3, now })).toEqual({
    status: 'pending',
    nextAttemptAt: new Date(now.getTime() + 4_000),
    lockedUntil: null,
    lastError: 'TypeError: boom',
  });
  expect(failedAttempt(new Error('x'), 3, { maxAttempts: 3, now, delayMs: 500 })).toMatchObject({
    status: 'failed',
    nextAttemptAt: new Date(now.getTime() + 500),
  });
});

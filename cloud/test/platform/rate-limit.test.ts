import { TokenBucket } from '../../src/platform/rate-limit';

it('allows a burst of `capacity`, then spaces calls by the refill rate', () => {
  let now = 0;
  const b = new TokenBucket(3, 10, () => now); // 10/s => 100 ms per token
  expect([b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 0, 0]);
  expect(b.reserve()).toBe(100);
  expect(b.reserve()).toBe(200); // queued behind the previous reservation
  now += 1000; // refills what was borrowed and then some, capped at capacity
  expect(b.reserve()).toBe(0);
});

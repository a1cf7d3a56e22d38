/** The demo store's WeCom replies (seed/demo-activity.ts): deterministic, recent, daytime, varied. */
import { demoReplies, DEMO_REPLY_DAYS } from '../../src/seed/demo-activity';

const now = new Date('2026-12-06T03:00:00Z');
const contacts = Array.from({ length: 60 }, (_, i) => ({ externalUserId: `wm_${i}`, staffUserId: 'zhaoliu', memberId: 100 + i }));

test('replies are deterministic, inside the last 60 days, at Shanghai daytime hours, sorted', () => {
  const a = demoReplies(contacts, now);
  expect(demoReplies(contacts, now)).toEqual(a);
  for (const r of a) {
    expect(r.at.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(now.getTime() - r.at.getTime()).toBeLessThan(DEMO_REPLY_DAYS * 86_400_000);
    const hour = new Date(r.at.getTime() + 8 * 3600_000).getUTCHours();
    expect(hour).toBeGreaterThanOrEqual(8);
    expect(hour).toBeLessThan(22);
  }
  expect(a.map((r) => r.at.getTime())).toEqual([...a.map((r) => r.at.getTime())].sort((x, y) => x - y));
});

test('enough to look alive, and varied: most contacts reply, a few chat a lot, the last weeks busier', () => {
  const a = demoReplies(contacts, now);
  const per = new Map<number, number>();
  for (const r of a) per.set(r.memberId, (per.get(r.memberId) ?? 0) + 1);
  expect(per.size).toBeGreaterThan(30); // most of the 60 contacts replied at least once
  expect(Math.max(...per.values())).toBeGreaterThanOrEqual(10); // chatty ones
  expect(a.length).toBeGreaterThan(150);
  const last30 = a.filter((r) => now.getTime() - r.at.getTime() < 30 * 86_400_000).length;
  expect(last30).toBeGreaterThan(a.length - last30);
});

/** Pure referral decisions: tokens and codes, first touch within the window, exclusions, holds, weeks. */
import { inviteCode, memberOfInviteCode, shareToken, verifyShareToken } from '../../src/modules/referral/codes';
import { conversionExclusion, DEFAULT_RULES, firstTouch, holdReasons, kFactor, lateTouchCounts, maskName, weekOf } from '../../src/modules/referral/rules';

const DAY = 86_400_000;

describe('share tokens and invite codes', () => {
  test('a token names its share and sharer; any change to it is refused', () => {
    const t = shareToken(42, 7);
    expect(verifyShareToken(t)).toEqual({ shareId: 42, sharerId: 7 });
    expect(`t=${t}`.length).toBeLessThanOrEqual(32);
    const [s, m, sig] = t.split('.');
    expect(verifyShareToken(`${s}.${(8).toString(36)}.${sig}`)).toBeNull(); // another sharer, same signature
    expect(verifyShareToken(`${(43).toString(36)}.${m}.${sig}`)).toBeNull();
    expect(verifyShareToken(`${s}.${m}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(verifyShareToken('7')).toBeNull();
    expect(verifyShareToken(undefined)).toBeNull();
  });

  test('invite codes round-trip, tolerate case and spaces, and refuse typos', () => {
    for (const id of [1, 31, 32, 12345, 2_000_000]) {
      const c = inviteCode(id);
      expect(memberOfInviteCode(c)).toBe(id);
      expect(memberOfInviteCode(` ${c.toLowerCase()} `)).toBe(id);
    }
    const c = inviteCode(12345);
    const typo = c.slice(0, -1) + (c.endsWith('Z') ? 'Y' : 'Z');
    expect(memberOfInviteCode(typo)).toBeNull();
    expect(memberOfInviteCode(inviteCode(12346).slice(0, -4) + c.slice(-4))).toBeNull();
  });
});

describe('first touch within the window', () => {
  const reg = new Date('2026-12-10T10:00:00Z');
  const at = (daysBefore: number) => new Date(reg.getTime() - daysBefore * DAY);

  test('the earliest touch inside the window wins; older ones and later ones do not count', () => {
    const touches = [
      { source: 'share' as const, referrerId: 1, at: at(2) },
      { source: 'invite_code' as const, referrerId: 2, at: at(0) },
      { source: 'channel' as const, referrerId: 3, at: at(5) },
      { source: 'share' as const, referrerId: 4, at: at(8) }, // outside 7 days
      { source: 'share' as const, referrerId: 5, at: new Date(reg.getTime() + DAY) }, // after registering
    ];
    expect(firstTouch(touches, reg, 7)?.referrerId).toBe(3);
    expect(firstTouch(touches, reg, 3)?.referrerId).toBe(1);
    expect(firstTouch(touches, reg, 10)?.referrerId).toBe(4);
    expect(firstTouch([touches[3]], reg, 7)).toBeNull();
  });

  test('a late touch (invite code, channel add) counts only for an organic member inside the window', () => {
    expect(lateTouchCounts({ source: 'organic', registeredAt: reg }, new Date(reg.getTime() + 3 * DAY), 7)).toBe(true);
    expect(lateTouchCounts({ source: 'organic', registeredAt: reg }, new Date(reg.getTime() + 8 * DAY), 7)).toBe(false);
    expect(lateTouchCounts({ source: 'share', registeredAt: reg }, new Date(reg.getTime() + DAY), 7)).toBe(false);
  });
});

describe('exclusions and holds', () => {
  const base = {
    referrerId: 1,
    inviteeId: 2,
    referrersReferrer: null,
    referrerHousehold: 10,
    inviteeHousehold: 20,
    householdAlreadyRewarded: false,
    inviteeDevices: ['dev-b'],
    referrerDevices: ['dev-a'],
  };
  test('self, loop, household, one reward per household, device; else nothing', () => {
    expect(conversionExclusion(base)).toBeNull();
    expect(conversionExclusion({ ...base, inviteeId: 1 })).toBe('self');
    expect(conversionExclusion({ ...base, referrersReferrer: 2 })).toBe('loop');
    expect(conversionExclusion({ ...base, inviteeHousehold: 10 })).toBe('household');
    expect(conversionExclusion({ ...base, referrerHousehold: null, inviteeHousehold: null })).toBeNull();
    expect(conversionExclusion({ ...base, householdAlreadyRewarded: true })).toBe('household_rewarded');
    expect(conversionExclusion({ ...base, inviteeDevices: ['dev-x', 'dev-a'] })).toBe('device');
  });

  test('many invitees from one device or address, bursts and idle invitees are held with evidence', () => {
    const quiet = { sameDevice: 1, sameIp: 1, device: 'dev12345678', ip: '10.0.0.1', burst: 1, olderInvitees: 0, olderConverted: 0 };
    expect(holdReasons(quiet, DEFAULT_RULES)).toEqual([]);
    const r = holdReasons({ ...quiet, sameDevice: 3, sameIp: 5, burst: 5, olderInvitees: 6, olderConverted: 0 }, DEFAULT_RULES);
    expect(r.map((x) => x.code)).toEqual(['many_from_device', 'many_from_ip', 'burst', 'idle_invitees']);
    expect(r[1].evidence).toContain('10.0.0.1');
    expect(holdReasons({ ...quiet, olderInvitees: 6, olderConverted: 1 }, DEFAULT_RULES)).toEqual([]);
  });
});

test('Beijing weeks, K-factor and masked names', () => {
  expect(weekOf(new Date('2026-12-06T15:59:00Z'))).toBe('2026-11-30'); // Sunday 23:59 Beijing
  expect(weekOf(new Date('2026-12-06T16:00:00Z'))).toBe('2026-12-07'); // Monday 00:00 Beijing
  expect(kFactor(3, 200)).toBe(0.015);
  expect(kFactor(3, 0)).toBe(0);
  expect(maskName('王阿姨')).toBe('王**');
  expect(maskName(null)).toBe('邻居**');
});

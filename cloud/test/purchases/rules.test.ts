/** Pure rules of the ledger, RFM quintiles, coupons and the purchase-based suggestion (no database). */
import { couponCode, couponIdOf, redeemCheck } from '../../src/modules/journeys/coupons.public';
import { parseLocalTime, rowToLine } from '../../src/modules/purchases/import-format';
import { posSecret, posSignature, signatureMatches } from '../../src/modules/purchases/pos-auth';
import { contentHash, draftProblem, yuanToFen, type ReceiptDraft } from '../../src/modules/purchases/rules';
import { DEFAULT_RFM_THRESHOLDS, quintileCuts, scoreHigh, scoreLow, scoreStore } from '../../src/modules/tags/rfm.rules';
import { newArrivalTaste } from '../../src/modules/wecom/offers';

const draft = (o: Partial<ReceiptDraft> = {}): ReceiptDraft => ({
  channel: 'pos',
  storeId: 1,
  receiptNo: 'A1',
  till: 'T1',
  occurredAt: new Date('2026-11-02T01:00:00Z'),
  memberId: null,
  memberCode: null,
  phoneDigest: null,
  totalFen: 1000,
  discountFen: 0,
  refundOfNo: null,
  couponCodes: [],
  lines: [{ sku: null, name: '米', category: null, qty: 1, unitPriceFen: 1000, amountFen: 1000 }],
  ...o,
});

test('RFM quintiles on a known data set (10 members)', () => {
  // frequency 1..10, recency 5..50 days, money 100..1000 yuan: member i is better than member i-1 on all three
  const rows = Array.from({ length: 10 }, (_, i) => ({
    memberId: i + 1,
    frequency: i + 1,
    recencyDays: (10 - i) * 5,
    monetaryFen: (i + 1) * 10_000,
    firstDaysAgo: 300,
  }));
  const { cuts, scored } = scoreStore(rows, DEFAULT_RFM_THRESHOLDS);
  expect(cuts.frequency).toEqual([2, 4, 6, 8]);
  expect(cuts.recencyDays).toEqual([10, 20, 30, 40]);
  expect(scored.map((s) => s.f)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  expect(scored.map((s) => s.r)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  expect(scored.map((s) => s.tier)).toEqual([
    '流失预警',
    '流失预警',
    '潜力复购',
    '潜力复购',
    '潜力复购',
    '潜力复购',
    '高价值忠诚',
    '高价值忠诚',
    '高价值忠诚',
    '高价值忠诚',
  ]);
  // one purchase, recent: 新客 first, whatever the scores
  expect(scoreStore([{ memberId: 1, frequency: 1, recencyDays: 3, monetaryFen: 100, firstDaysAgo: 3 }], DEFAULT_RFM_THRESHOLDS).scored[0].tier).toBe('新客');
  // stricter thresholds move people
  expect(scoreStore(rows, { ...DEFAULT_RFM_THRESHOLDS, loyalMinF: 5 }).scored.filter((s) => s.tier === '高价值忠诚')).toHaveLength(2);
  expect(quintileCuts([])).toEqual([]);
  expect(scoreHigh(7, [1, 2, 3, 4])).toBe(5);
  expect(scoreLow(0, [1, 2, 3, 4])).toBe(5);
});

test('content hash tells a repeat from a changed copy; the member code does not count', () => {
  expect(contentHash(draft())).toBe(contentHash(draft({ memberCode: '661234' })));
  expect(contentHash(draft())).not.toBe(
    contentHash(draft({ totalFen: 900, lines: [{ sku: null, name: '米', category: null, qty: 1, unitPriceFen: 900, amountFen: 900 }] })),
  );
});

test('draft checks: totals, refunds, future times', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  expect(draftProblem(draft(), now)).toBeNull();
  expect(draftProblem(draft({ totalFen: 999 }), now)).toContain('不一致');
  expect(
    draftProblem(draft({ totalFen: -1000, lines: [{ sku: null, name: '米', category: null, qty: -1, unitPriceFen: 1000, amountFen: -1000 }] }), now),
  ).toContain('原小票号');
  expect(draftProblem(draft({ refundOfNo: 'A0' }), now)).toContain('负数');
  expect(draftProblem(draft({ occurredAt: new Date('2026-12-02T00:00:00Z') }), now)).toContain('晚于');
});

test('money and dates from files', () => {
  expect([yuanToFen('12.5'), yuanToFen('-3'), yuanToFen('1,299.00'), yuanToFen('¥8'), yuanToFen('1.234'), yuanToFen('abc'), yuanToFen(0.1 + 0.2)]).toEqual([
    1250,
    -300,
    129900,
    800,
    null,
    null,
    30,
  ]);
  expect(parseLocalTime('2026-11-02 09:15', 'YYYY-MM-DD HH:mm:ss', 'Asia/Shanghai')!.toISOString()).toBe('2026-11-02T01:15:00.000Z');
  expect(parseLocalTime('02/11/2026 09:15:00', 'DD/MM/YYYY HH:mm:ss', 'UTC')!.toISOString()).toBe('2026-11-02T09:15:00.000Z');
  expect(parseLocalTime('11/02/2026 09:15:00', 'MM/DD/YYYY HH:mm:ss', 'UTC')!.toISOString()).toBe('2026-11-02T09:15:00.000Z');
  expect(parseLocalTime('20261102091500', 'YYYYMMDDHHmmss', 'Asia/Shanghai')!.toISOString()).toBe('2026-11-02T01:15:00.000Z');
  expect(parseLocalTime('2026-02-30 10:00:00', 'YYYY-MM-DD HH:mm:ss', 'UTC')).toBeNull();
  expect(parseLocalTime('46000.5', 'YYYY-MM-DD HH:mm:ss', 'UTC')!.toISOString()).toBe('2025-12-09T12:00:00.000Z');
  const index = new Map([
    ['receiptNo', 0],
    ['occurredAt', 1],
    ['name', 2],
    ['amount', 3],
    ['phone', 4],
  ]);
  const line = rowToLine(['A1', '2026-11-02 09:15:00', '米', '10', '138 0013 8000'], index, {
    mapping: {},
    dateFormat: 'YYYY-MM-DD HH:mm:ss',
    timeZone: 'Asia/Shanghai',
  });
  expect(line).toMatchObject({ receiptNo: 'A1', line: { name: '米', amountFen: 1000, qty: 1 } });
  expect((line as { phoneDigest: string }).phoneDigest).toMatch(/^[0-9a-f]{64}$/);
});

test('POS signatures and the per-key rate', () => {
  const secret = posSecret('master-key-for-tests', 'pk_1');
  const sig = posSignature(secret, '1700000000', 'nonce-1234567890ab', '{"a":1}');
  expect(signatureMatches(sig, sig.toUpperCase())).toBe(true);
  expect(signatureMatches(sig, posSignature(secret, '1700000000', 'nonce-1234567890ab', '{"a":2}'))).toBe(false);
  expect(posSecret('another-master-key', 'pk_1')).not.toBe(secret);
});

test('coupon codes: signed, round trip, checks before the conditional write', () => {
  const code = couponCode(12345);
  expect(couponIdOf(code)).toBe(12345);
  expect(couponIdOf(code.toLowerCase())).toBe(12345);
  expect(couponIdOf(`Q${(12346).toString(36).toUpperCase()}${code.slice(-6)}`)).toBeNull();
  const at = new Date('2026-12-01T00:00:00Z');
  const c = { status: 'issued' as const, validUntil: new Date('2026-12-02T00:00:00Z'), minSpendFen: 5000, memberId: 7 };
  expect(redeemCheck(c, { receiptId: 1, memberId: 7, grossFen: 5000, at })).toBeNull();
  expect(redeemCheck(c, { receiptId: 1, memberId: 7, grossFen: 4999, at })).toBe('COUPON_MIN_SPEND');
  expect(redeemCheck(c, { receiptId: 1, memberId: 8, grossFen: 9000, at })).toBe('COUPON_NOT_OWNER');
  expect(redeemCheck({ ...c, status: 'used' }, { receiptId: 1, memberId: 7, grossFen: 9000, at })).toBe('COUPON_USED');
  expect(redeemCheck(c, { receiptId: 1, memberId: 7, grossFen: 9000, at: new Date('2026-12-03T00:00:00Z') })).toBe('COUPON_EXPIRED');
});

test('purchase-based suggestion: a related new arrival after a purchase in the last 14 days', () => {
  const at = new Date('2026-12-01T04:00:00Z');
  const arrival = { title: '獭祭清酒', category: '酒水/清酒', relatedCategories: ['肉禽/牛肉'] };
  const offer = newArrivalTaste({ recentPurchases: [{ name: '澳洲和牛', category: '肉禽/牛肉', at }], newArrivals: [arrival] });
  expect(offer).toMatchObject({ key: 'new_arrival_taste', text: '邀请客户到店试吃新品「獭祭清酒」' });
  expect(offer!.reason).toContain('12月1日买过「澳洲和牛」');
  expect(newArrivalTaste({ recentPurchases: [{ name: '鸡腿', category: '肉禽/鸡肉', at }], newArrivals: [arrival] })).toBeNull();
  expect(
    newArrivalTaste({ recentPurchases: [{ name: '鸡腿', category: '肉禽/鸡肉', at }], newArrivals: [{ ...arrival, relatedCategories: ['肉禽'] }] }),
  ).not.toBeNull();
  expect(newArrivalTaste({ recentPurchases: [], newArrivals: [arrival] })).toBeNull();
});

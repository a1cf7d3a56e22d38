/** Pure pre-order decisions, without a database. */
import { beijingTime, boughtWords, canCancel, mergeLines, parsePickupCode, recommend, shanghaiDay } from '../../src/modules/preorder/rules';

const items = [
  { id: 1, kind: 'chef_dish', theme: '经典传承', servings: null, sold: 50, onSale: true, stockLeft: 5 },
  { id: 2, kind: 'package', theme: '四世同堂', servings: 8, sold: 1, onSale: true, stockLeft: 5 },
  { id: 3, kind: 'meal_kit', theme: '健康轻食', servings: 2, sold: 10, onSale: true, stockLeft: 5 },
  { id: 4, kind: 'package', theme: '健康轻食', servings: 2, sold: 99, onSale: true, stockLeft: 0 },
];

test('a household with children or 4+ people sees the big family package first', () => {
  expect(recommend({ items, household: { size: 2, hasChildren: true }, history: [] }).itemIds[0]).toBe(2);
  expect(recommend({ items, household: { size: 5, hasChildren: false }, history: [] })).toMatchObject({ itemIds: [2, 1, 3], reason: '为全家团圆推荐' });
});

test('otherwise earlier orders lead, then sales; sold-out items are never recommended', () => {
  expect(recommend({ items, household: { size: 1, hasChildren: false }, history: [{ kind: 'meal_kit', theme: '健康轻食' }] }).itemIds).toEqual([3, 1, 2]);
  expect(recommend({ items, household: { size: 2, hasChildren: false }, history: [] })).toMatchObject({ itemIds: [1, 3, 2], reason: '大家都在订' });
});

test('purchase-aware: what the member buys in store (ledger categories and products) lifts items that mention it', () => {
  const dishes = [
    { id: 1, kind: 'chef_dish', theme: '经典传承', servings: null, sold: 50, onSale: true, stockLeft: 5, text: '红烧狮子头 猪肉 荸荠' },
    { id: 2, kind: 'chef_dish', theme: '经典传承', servings: null, sold: 10, onSale: true, stockLeft: 5, text: '清蒸鲈鱼 鲈鱼 葱姜' },
    { id: 3, kind: 'meal_kit', theme: '健康轻食', servings: 2, sold: 30, onSale: true, stockLeft: 5, text: '藜麦沙拉 牛油果' },
  ];
  const alone = { size: 2, hasChildren: false };
  // bought fish at the till: the fish dish comes first, and the reason says why
  expect(recommend({ items: dishes, household: alone, history: [], bought: [{ name: '鲜活鲈鱼', category: '水产/鱼' }] })).toEqual({
    itemIds: [2, 1, 3],
    reason: '你常买「鱼」，相关的菜先给你看',
  });
  // a product name matches too; generic categories (and the ledger's pre-order kinds) do not
  expect(recommend({ items: dishes, household: alone, history: [], bought: [{ name: '牛油果', category: '其他' }] }).itemIds[0]).toBe(3);
  expect(recommend({ items: dishes, household: alone, history: [], bought: [{ name: '预订订单', category: '主题套餐' }] })).toMatchObject({
    itemIds: [1, 3, 2],
    reason: '大家都在订',
  });
  // earlier pre-orders still weigh more than store purchases; family packages most
  expect(
    recommend({ items: dishes, household: alone, history: [{ kind: 'meal_kit', theme: '健康轻食' }], bought: [{ name: '鲈鱼', category: '水产' }] }).itemIds,
  ).toEqual([3, 2, 1]);
  expect(
    boughtWords([
      { name: '鲜活鲈鱼', category: '水产/鱼' },
      { name: '鱼', category: '水产' },
    ]),
  ).toEqual(['水产', '鱼', '鲜活鲈鱼']);
});

test('cancel only before the cutoff and only while unpaid or paid', () => {
  const cutoff = new Date('2027-02-05T16:00:00Z');
  expect(canCancel('paid', cutoff, new Date('2027-02-05T15:59:59Z'))).toBe(true);
  expect(canCancel('paid', cutoff, new Date('2027-02-05T16:00:00Z'))).toBe(false);
  expect(canCancel('picked_up', cutoff, new Date('2027-01-01T00:00:00Z'))).toBe(false);
  expect(canCancel('pending_payment', cutoff, new Date('2027-01-01T00:00:00Z'))).toBe(true);
});

test('pickup codes: typed digits or the scanned QR text', () => {
  expect(parsePickupCode(' 012345 ')).toBe('012345');
  expect(parsePickupCode('hubnye:987654')).toBe('987654');
  expect(parsePickupCode('hubclass:r:abc')).toBeNull();
  expect(parsePickupCode('12345')).toBeNull();
});

test('cart lines merge and sort by item (the lock order)', () => {
  expect(
    mergeLines([
      { itemId: 5, qty: 1 },
      { itemId: 2, qty: 2 },
      { itemId: 5, qty: 3 },
    ]),
  ).toEqual([
    { itemId: 2, qty: 2 },
    { itemId: 5, qty: 4 },
  ]);
});

test('Beijing days and times', () => {
  expect(beijingTime('2027-02-05', '10:00').toISOString()).toBe('2027-02-05T02:00:00.000Z');
  expect(shanghaiDay(new Date('2027-02-04T16:30:00Z'))).toBe('2027-02-05');
});

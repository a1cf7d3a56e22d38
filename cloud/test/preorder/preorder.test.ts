/**
 * Pre-orders end to end through the API and the simulator's WeChat Pay face: order → pay →
 * notification (duplicates, forged, late) → pickup; no oversell under parallel orders; per-member
 * limits; expiry returns stock exactly once; idempotent refunds; bill reconciliation.
 * Runs on SQLite and, with TEST_MYSQL_URL, on MariaDB.
 */
import * as api from '../../../contracts/preorder';
import { ApiError } from '../../../contracts/client';
import { Db } from '../../src/core/db';
import { TimelineRegistry } from '../../src/core/timeline';
import { JobRunner } from '../../src/core/jobs';
import { PayRefund, PayTransaction } from '../../src/modules/payment/entities/payment.entity';
import { PaymentService } from '../../src/modules/payment/payment.service';
import { OrderService } from '../../src/modules/preorder/order.service';
import { LedgerService } from '../../src/modules/purchases/ledger.service';
import { PreorderItem, PreorderSlot } from '../../src/modules/preorder/entities/preorder.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeStore } from '../helpers/fixtures';
import { memberToken, settle, staffToken } from '../classes/kit';
import { deliver, eventCount, makeCampaign, makeDish, MIN, simCallCount, simNotifications, simPay } from './kit';

let t: TestApp;
let hq: string;
let storeA: number;
let storeB: number;

beforeAll(async () => {
  t = await startTestApp({ WECHATPAY_NOTIFY_URL: 'http://127.0.0.1:9/api/pay/notify' });
  storeA = (await makeStore(t, '滨江店')).id;
  storeB = (await makeStore(t, '城西店')).id;
  hq = (await staffToken(t, 'hq_admin', null)).token;
}, 60_000);
afterAll(() => t?.close());

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
}

async function item(id: number) {
  return (await t.container.getAsync(Db)).manager.findOneByOrFail(PreorderItem, { id });
}

/** Pay an order through the simulator and deliver its notification(s); answers the HTTP statuses. */
async function payAndNotify(token: string, orderId: number, duplicates = 0): Promise<number[]> {
  const pay = await t.client(token).call(api.payOrder, { params: { orderId } });
  const prepayId = pay.requestPayment.package.replace('prepay_id=', '');
  const r = await simPay(t, '/confirm', { prepay_id: prepayId, deliver: false, duplicates });
  const statuses = [];
  for (const n of r.notifications) statuses.push(await deliver(t, n));
  await settle(t);
  return statuses;
}

test('order → pay (3 deliveries pay once) → pickup code → staff verify once; forged notifications change nothing', async () => {
  const dishId = await makeDish(t);
  const { campaign, items, slots } = await makeCampaign(t, hq, [storeA], {
    items: [
      { kind: 'chef_dish', name: '王阿姨的拿手蛋饺', theme: '经典传承', priceFen: 8800, stockTotal: 10, dishId },
      { kind: 'package', name: '四世同堂', theme: '四世同堂', priceFen: 58800, stockTotal: 5, servings: 8, contents: ['红烧肉', '清蒸鱼'] },
    ],
  });
  expect(items[0].dish).toMatchObject({ dishId, authorDisplayName: '王阿姨', entryId: 4242 });
  const m = await memberToken(t);
  const menu = await t.client(m.token).call(api.getMenu, { query: {} });
  expect(menu.campaign!.id).toBe(campaign.id);
  expect(menu.sections.map((s) => s.theme)).toEqual(['经典传承', '四世同堂']);
  expect(menu.stores).toEqual([{ id: storeA, name: '滨江店' }]);
  const open = await t.client(m.token).call(api.listSlots, { params: { campaignId: campaign.id }, query: { storeId: storeA } });
  expect(open.items.map((s) => s.id)).toEqual([slots[0].id]);

  const order = await t.client(m.token).call(api.placeOrder, {
    body: { campaignId: campaign.id, storeId: storeA, slotId: slots[0].id, lines: [{ itemId: items[0].id, qty: 2 }], requestId: 'req-aaaaaaaa' },
  });
  expect(order).toMatchObject({ status: 'pending_payment', totalFen: 17600, pickupCode: null });
  // a retried tap answers the same order and holds nothing more
  const again = await t.client(m.token).call(api.placeOrder, {
    body: { campaignId: campaign.id, storeId: storeA, slotId: slots[0].id, lines: [{ itemId: items[0].id, qty: 2 }], requestId: 'req-aaaaaaaa' },
  });
  expect(again.id).toBe(order.id);
  expect((await item(items[0].id)).sold).toBe(2);

  // forged: right shape, wrong signature → 401 {code: FAIL}, nothing stored
  const pay = await t.client(m.token).call(api.payOrder, { params: { orderId: order.id } });
  expect(pay.requestPayment).toMatchObject({ signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) });
  const forged = await simPay(t, '/forge', { out_trade_no: order.orderNo, deliver: false });
  let r = t.http().post('/api/pay/notify');
  for (const [k, v] of Object.entries(forged.notification.headers as Record<string, string>)) r = r.set(k, v);
  const res = await r.send(forged.notification.body);
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ code: 'FAIL', message: expect.any(String) });
  await settle(t);
  expect((await t.client(m.token).call(api.getMyOrder, { params: { orderId: order.id } })).status).toBe('pending_payment');

  // paid: three deliveries (WeChat retries), all answered 204, paid once
  const statuses = await payAndNotify(m.token, order.id, 2);
  expect(statuses).toEqual([204, 204, 204]);
  // the very same notification again (same id)
  const first = (await simNotifications(t, order.orderNo)).find((n) => !n.forged)!;
  expect(await deliver(t, first)).toBe(204);
  await settle(t);
  const paid = await t.client(m.token).call(api.getMyOrder, { params: { orderId: order.id } });
  expect(paid).toMatchObject({ status: 'paid', pickupCode: expect.stringMatching(/^\d{6}$/), pickupQr: `hubnye:${paid.pickupCode}` });
  expect(await eventCount(t, 'PaymentSucceeded', order.orderNo)).toBe(1);
  expect(await eventCount(t, 'OrderPaid', order.orderNo)).toBe(1);
  await expect(t.client(m.token).call(api.payOrder, { params: { orderId: order.id } })).rejects.toMatchObject({ code: 'PAY_ALREADY_PAID' });
  // the sidebar's offer rules hear of the paid order through the @MemberFacts registry
  const registry = await t.container.getAsync(TimelineRegistry);
  expect((await registry.factsOf(m.id, new Date())).pickups).toEqual([
    expect.objectContaining({ campaign: '2027 年夜饭', items: '王阿姨的拿手蛋饺×2', storeName: '滨江店' }),
  ]);

  // pickup: staff of another store cannot see it; the store's clerk verifies once
  const clerkB = await staffToken(t, 'staff', storeB);
  expect(await code(t.client(clerkB.token).call(api.staffVerifyPickup, { body: { code: paid.pickupCode! } }))).toBe('PREORDER_CODE_INVALID');
  const clerk = await staffToken(t, 'staff', storeA);
  const seen = await t.client(clerk.token).call(api.staffFindPickup, { params: { code: paid.pickupQr! } });
  expect(seen.id).toBe(order.id);
  const [v1, v2] = await Promise.all([
    code(t.client(clerk.token).call(api.staffVerifyPickup, { body: { code: paid.pickupCode! } })),
    code(t.client(clerk.token).call(api.staffVerifyPickup, { body: { code: paid.pickupCode! } })),
  ]);
  expect([v1, v2].sort()).toEqual(['PREORDER_ALREADY_PICKED_UP', 'ok']);
  await settle(t);
  const done = await t.client(m.token).call(api.getMyOrder, { params: { orderId: order.id } });
  expect(done).toMatchObject({ status: 'picked_up', pickedUpByName: clerk.name });
  expect(await eventCount(t, 'OrderPickedUp', order.orderNo)).toBe(1);
  const afterPickup = await registry.factsOf(m.id, new Date());
  expect(afterPickup.pickups).toEqual([]);
  expect(afterPickup.pickedUpOrder).toMatchObject({ items: '王阿姨的拿手蛋饺×2' });

  // prep sheet counts the paid dishes by slot
  const sheet = await t.client(hq).call(api.opsPrepSheet, { query: { campaignId: campaign.id, storeId: storeA, day: slots[0].day } });
  expect(sheet.totals[String(items[0].id)]).toBe(2);
  expect(sheet.slots[0]).toMatchObject({ orders: 1 });
});

test('no oversell: 30 members race for 7 units; slot capacity and the per-member limit hold under parallel orders', async () => {
  const { campaign, items, slots } = await makeCampaign(t, hq, [storeA], { items: [{ stockTotal: 7, perMemberLimit: 2 }], slotCapacity: 100 });
  const members = await Promise.all(Array.from({ length: 30 }, () => memberToken(t)));
  const outcomes = await Promise.all(
    members.map((m) =>
      code(
        t
          .client(m.token)
          .call(api.placeOrder, { body: { campaignId: campaign.id, storeId: storeA, slotId: slots[0].id, lines: [{ itemId: items[0].id, qty: 1 }] } }),
      ),
    ),
  );
  expect(outcomes.filter((o) => o === 'ok')).toHaveLength(7);
  expect(new Set(outcomes.filter((o) => o !== 'ok'))).toEqual(new Set(['PREORDER_SOLD_OUT']));
  expect((await item(items[0].id)).sold).toBe(7);

  // per-member limit 2: one member, 6 parallel orders of 1
  const big = await makeCampaign(t, hq, [storeA], { items: [{ stockTotal: 100, perMemberLimit: 2 }], slotCapacity: 100 });
  const one = await memberToken(t);
  const mine = await Promise.all(
    Array.from({ length: 6 }, () =>
      code(
        t.client(one.token).call(api.placeOrder, {
          body: { campaignId: big.campaign.id, storeId: storeA, slotId: big.slots[0].id, lines: [{ itemId: big.items[0].id, qty: 1 }] },
        }),
      ),
    ),
  );
  expect(mine.filter((o) => o === 'ok')).toHaveLength(2);
  expect(mine.filter((o) => o === 'PREORDER_MEMBER_LIMIT')).toHaveLength(4);

  // slot capacity 3: 8 members in parallel
  const small = await makeCampaign(t, hq, [storeA], { items: [{ stockTotal: 100 }], slotCapacity: 3 });
  const eight = await Promise.all(Array.from({ length: 8 }, () => memberToken(t)));
  const slotOutcomes = await Promise.all(
    eight.map((m) =>
      code(
        t.client(m.token).call(api.placeOrder, {
          body: { campaignId: small.campaign.id, storeId: storeA, slotId: small.slots[0].id, lines: [{ itemId: small.items[0].id, qty: 1 }] },
        }),
      ),
    ),
  );
  expect(slotOutcomes.filter((o) => o === 'ok')).toHaveLength(3);
  const slot = await (await t.container.getAsync(Db)).manager.findOneByOrFail(PreorderSlot, { id: small.slots[0].id });
  expect(slot.booked).toBe(3);
  expect((await item(small.items[0].id)).sold).toBe(3);
  // a full slot is no longer offered
  const open = await t.client(eight[0].token).call(api.listSlots, { params: { campaignId: small.campaign.id }, query: { storeId: storeA } });
  expect(open.items).toHaveLength(0);
});

test('unpaid orders expire after 15 minutes and return their stock exactly once; a late payment is reinstated or refunded', async () => {
  const { campaign, items, slots } = await makeCampaign(t, hq, [storeA], { items: [{ stockTotal: 1, perMemberLimit: 1 }] });
  const a = await memberToken(t);
  const b = await memberToken(t);
  const orderA = await t
    .client(a.token)
    .call(api.placeOrder, { body: { campaignId: campaign.id, storeId: storeA, slotId: slots[0].id, lines: [{ itemId: items[0].id, qty: 1 }] } });
  const pay = await t.client(a.token).call(api.payOrder, { params: { orderId: orderA.id } });
  expect(
    await code(
      t
        .client(b.token)
        .call(api.placeOrder, { body: { campaignId: campaign.id, storeId: storeA, slotId: slots[0].id, lines: [{ itemId: items[0].id, qty: 1 }] } }),
    ),
  ).toBe('PREORDER_SOLD_OUT');

  // the member pays in the cashier just before the 15 minutes end; WeChat's notification comes late
  const late = await simPay(t, '/confirm', { prepay_id: pay.requestPayment.package.slice('prepay_id='.length), deliver: false });
  const orders = await t.container.getAsync(OrderService);
  const later = new Date(Date.now() + 16 * MIN);
  const runner = await t.container.getAsync(JobRunner);
  // (orders left unpaid by earlier tests expire too)
  expect((await runner.runNow<{ expired: number }>('preorder.expire', { now: later })).result!.expired).toBeGreaterThanOrEqual(1);
  expect((await orders.expireDue(later)).expired).toBe(0); // twice: nothing more returned
  expect((await item(items[0].id)).sold).toBe(0);
  expect((await t.client(a.token).call(api.getMyOrder, { params: { orderId: orderA.id } })).status).toBe('expired');
  expect(await code(t.client(a.token).call(api.payOrder, { params: { orderId: orderA.id } }))).toBe('PREORDER_NOT_PAYABLE');

  // the late notification reinstates the order (stock allows)
  expect(await deliver(t, late.notifications[0])).toBe(204);
  await settle(t);
  expect((await t.client(a.token).call(api.getMyOrder, { params: { orderId: orderA.id } })).status).toBe('paid');
  expect((await item(items[0].id)).sold).toBe(1);

  // a second late payer whose unit went meanwhile is refunded automatically, never lost
  const c = await memberToken(t);
  const { campaign: c2, items: i2, slots: s2 } = await makeCampaign(t, hq, [storeA], { items: [{ stockTotal: 1, perMemberLimit: 1 }] });
  const orderC = await t
    .client(c.token)
    .call(api.placeOrder, { body: { campaignId: c2.id, storeId: storeA, slotId: s2[0].id, lines: [{ itemId: i2[0].id, qty: 1 }] } });
  const payC = await t.client(c.token).call(api.payOrder, { params: { orderId: orderC.id } });
  const lateC = await simPay(t, '/confirm', { prepay_id: payC.requestPayment.package.slice('prepay_id='.length), deliver: false });
  await orders.expireDue(later);
  const d = await memberToken(t);
  await t.client(d.token).call(api.placeOrder, { body: { campaignId: c2.id, storeId: storeA, slotId: s2[0].id, lines: [{ itemId: i2[0].id, qty: 1 }] } });
  expect(await deliver(t, lateC.notifications[0])).toBe(204);
  await settle(t);
  expect((await t.client(c.token).call(api.getMyOrder, { params: { orderId: orderC.id } })).status).toMatch(/refunding|refunded/);
  await new Promise((r) => setTimeout(r, 150)); // the simulator completes the refund
  const refundN = (await simNotifications(t, orderC.orderNo)).filter((n) => n.kind === 'refund');
  expect(refundN).toHaveLength(1);
  expect(await deliver(t, refundN[0])).toBe(204);
  await settle(t);
  expect((await t.client(c.token).call(api.getMyOrder, { params: { orderId: orderC.id } })).status).toBe('refunded');
  expect((await item(i2[0].id)).sold).toBe(1);
});

test('refund before the cutoff is idempotent; after the cutoff it is refused', async () => {
  const { campaign, items, slots } = await makeCampaign(t, hq, [storeA], { items: [{ stockTotal: 5 }] });
  const m = await memberToken(t);
  const order = await t
    .client(m.token)
    .call(api.placeOrder, { body: { campaignId: campaign.id, storeId: storeA, slotId: slots[0].id, lines: [{ itemId: items[0].id, qty: 2 }] } });
  await payAndNotify(m.token, order.id);
  const [x, y, z] = await Promise.all([1, 2, 3].map(() => t.client(m.token).call(api.cancelOrder, { params: { orderId: order.id } })));
  expect([x.status, y.status, z.status].every((s) => s === 'refunding' || s === 'refunded')).toBe(true);
  await settle(t);
  await new Promise((r) => setTimeout(r, 150));
  const db = await t.container.getAsync(Db);
  expect(await db.manager.count(PayRefund, { where: { outTradeNo: order.orderNo } })).toBe(1);
  expect(await simCallCount(t, '/pay/v3/refund/domestic/refunds', order.orderNo)).toBe(1);
  // the refund notification twice (WeChat retries): refunded once
  const [n] = (await simNotifications(t, order.orderNo)).filter((k) => k.kind === 'refund');
  expect(await deliver(t, n)).toBe(204);
  expect(await deliver(t, n)).toBe(204);
  await settle(t);
  const after = await t.client(m.token).call(api.cancelOrder, { params: { orderId: order.id } });
  expect(after).toMatchObject({ status: 'refunded', refundFen: order.totalFen });
  expect(await eventCount(t, 'OrderRefunded', order.orderNo)).toBe(1);
  expect((await item(items[0].id)).sold).toBe(0);

  // a campaign whose cutoff passed
  const closed = await makeCampaign(t, hq, [storeA], { cutoffInMinutes: -1 });
  const o2 = await t.client(m.token).call(api.placeOrder, {
    body: { campaignId: closed.campaign.id, storeId: storeA, slotId: closed.slots[0].id, lines: [{ itemId: closed.items[0].id, qty: 1 }] },
  });
  expect(o2.canCancel).toBe(false);
  expect(await code(t.client(m.token).call(api.cancelOrder, { params: { orderId: o2.id } }))).toBe('PREORDER_CANCEL_CLOSED');
});

test('a missing notification is settled by the reconcile query; the trade bill reconciliation finds a planted difference', async () => {
  const { campaign, items, slots } = await makeCampaign(t, hq, [storeA], { items: [{ stockTotal: 5 }] });
  const m = await memberToken(t);
  const order = await t
    .client(m.token)
    .call(api.placeOrder, { body: { campaignId: campaign.id, storeId: storeA, slotId: slots[0].id, lines: [{ itemId: items[0].id, qty: 1 }] } });
  const pay = await t.client(m.token).call(api.payOrder, { params: { orderId: order.id } });
  await simPay(t, '/confirm', { prepay_id: pay.requestPayment.package.slice('prepay_id='.length), deliver: false }); // never delivered
  const payments = await t.container.getAsync(PaymentService);
  const r = await payments.reconcileOpen(new Date(Date.now() + 2 * MIN));
  expect(r.paid).toBeGreaterThanOrEqual(1);
  await settle(t);
  expect((await t.client(m.token).call(api.getMyOrder, { params: { orderId: order.id } })).status).toBe('paid');

  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const clean = await t.client(hq).call(api.opsReconcileBill, { body: { billDate: today } });
  expect(clean.diffs).toEqual([]);
  expect(clean.oursPaid).toBeGreaterThanOrEqual(1);
  await simPay(t, '/bill-plant', { bill_date: today, out_trade_no: 'NYPLANTED0001', amount_fen: 9900 });
  // and one of ours whose amount we record differently
  const db = await t.container.getAsync(Db);
  await db.manager.update(PayTransaction, { outTradeNo: order.orderNo }, { amountFen: 1 });
  const found = await t.client(hq).call(api.opsReconcileBill, { body: { billDate: today } });
  expect(found.diffs).toEqual(
    expect.arrayContaining([
      { outTradeNo: 'NYPLANTED0001', kind: 'missing_ours', oursFen: null, billFen: 9900 },
      { outTradeNo: order.orderNo, kind: 'amount_mismatch', oursFen: 1, billFen: order.totalFen },
    ]),
  );
  expect(found.diffs).toHaveLength(2);
  const listed = await t.client(hq).call(api.opsBillDiffs, { query: { billDate: today } });
  expect(listed.items).toHaveLength(2);
});

test('ops: store managers see their store only; Excel export; validation is a clean 4xx', async () => {
  const { campaign } = await makeCampaign(t, hq, [storeA, storeB]);
  const mgrB = await staffToken(t, 'store_manager', storeB);
  const detail = await t.client(mgrB.token).call(api.opsCampaignDetail, { params: { campaignId: campaign.id } });
  expect(new Set(detail.slots.map((s) => s.storeId))).toEqual(new Set([storeB]));
  expect(
    await code(
      t.client(mgrB.token).call(api.opsCreateCampaign, {
        body: {
          name: 'x',
          saleStartsAt: new Date().toISOString(),
          saleEndsAt: new Date().toISOString(),
          cancelCutoffAt: new Date().toISOString(),
          storeIds: [storeB],
        },
      }),
    ),
  ).toBe('FORBIDDEN');
  const res = await t
    .http()
    .get(`/api/admin/preorder/orders.xlsx?campaignId=${campaign.id}`)
    .set('authorization', `Bearer ${hq}`)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  expect((res.body as Buffer).subarray(0, 2).toString()).toBe('PK');
  const m = await memberToken(t);
  expect(
    await code(t.client(m.token).call(api.placeOrder, { body: { campaignId: campaign.id, storeId: storeA, slotId: 999999, lines: [{ itemId: 1, qty: 1 }] } })),
  ).toBe('VALIDATION_FAILED');
  expect(await code(t.client(m.token).call(api.placeOrder, { body: { campaignId: campaign.id, storeId: storeA, slotId: 1, lines: [] } as never }))).toBe(
    'VALIDATION_FAILED',
  );
});

test('parallel duplicate orders by the same members refuse on the member limit or stock only, never the slot', async () => {
  const { campaign, items, slots } = await makeCampaign(t, hq, [storeA], { items: [{ stockTotal: 10, perMemberLimit: 1 }], slotCapacity: 100 });
  const ms = await Promise.all(Array.from({ length: 40 }, () => memberToken(t)));
  const plan = ms.flatMap((m, i) => (i < 20 ? [m, m] : [m]));
  const outcomes = await Promise.all(
    plan.map((m) =>
      code(
        t
          .client(m.token)
          .call(api.placeOrder, { body: { campaignId: campaign.id, storeId: storeA, slotId: slots[0].id, lines: [{ itemId: items[0].id, qty: 1 }] } }),
      ),
    ),
  );
  expect(outcomes.filter((o) => o === 'ok')).toHaveLength(10);
  expect(outcomes.filter((o) => o === 'PREORDER_SLOT_FULL')).toHaveLength(0);
  const slot = await (await t.container.getAsync(Db)).manager.findOneByOrFail(PreorderSlot, { id: slots[0].id });
  expect(slot.booked).toBe(10);
});

test('no-shows after the slot are listed and reminded once through the member’s clerk', async () => {
  const { NoShowService } = await import('../../src/modules/preorder/noshow.service');
  const { makeContact } = await import('../helpers/fixtures');
  const { campaign, items, slots } = await makeCampaign(t, hq, [storeA], { items: [{ stockTotal: 5 }] });
  const m = await memberToken(t);
  const clerk = await staffToken(t, 'staff', storeA);
  const contact = await makeContact(t, { memberId: m.id, followStaffId: clerk.id });
  const db = await t.container.getAsync(Db);
  await db.manager.query('UPDATE wecom_contact SET follow_user_id = ? WHERE id = ?', ['clerk_a', contact.id]);
  const order = await t
    .client(m.token)
    .call(api.placeOrder, { body: { campaignId: campaign.id, storeId: storeA, slotId: slots[0].id, lines: [{ itemId: items[0].id, qty: 1 }] } });
  await payAndNotify(m.token, order.id);
  const noShows = await t.container.getAsync(NoShowService);
  const staff = { kind: 'staff' as const, staffId: 1, role: 'store_manager' as const, storeId: storeA, sessionId: 0 };
  expect(await noShows.list(staff, { campaignId: campaign.id })).toHaveLength(0); // the slot has not ended
  const after = new Date(new Date(slots[0].endsAt).getTime() + 60_000);
  const listed = await noShows.list(staff, { campaignId: campaign.id }, after);
  expect(listed.map((o) => [o.id, o.reminded])).toEqual([[order.id, false]]);
  expect(await noShows.remind(staff, order.id, after)).toEqual({ queued: true, reason: 'queued' });
  expect(await noShows.remind(staff, order.id, after)).toEqual({ queued: false, reason: 'already_reminded' });
  const rows = await db.manager.query("SELECT payload FROM wecom_outbound WHERE ref = 'preorder-noshow'");
  expect(rows).toHaveLength(1);
  expect(JSON.parse(rows[0].payload)).toMatchObject({
    sender: 'clerk_a',
    externalUserIds: [contact.externalUserId],
    text: expect.stringContaining(order.pickupCode ?? (await t.client(m.token).call(api.getMyOrder, { params: { orderId: order.id } })).pickupCode!),
  });
  expect((await noShows.list(staff, { campaignId: campaign.id }, after))[0].reminded).toBe(true);
});

test('「为你推荐」 reads the purchases ledger: in-store purchases lift matching dishes, a refunded receipt no longer counts, earlier pre-orders lead', async () => {
  const { campaign, items } = await makeCampaign(t, hq, [storeA], {
    items: [
      { name: '红烧狮子头', theme: '经典传承', stockTotal: 50, contents: ['猪肉', '荸荠'] },
      { name: '清蒸鲈鱼', theme: '经典传承', stockTotal: 50, contents: ['鲈鱼', '葱姜'] },
      { kind: 'meal_kit', name: '藜麦沙拉', theme: '健康轻食', stockTotal: 50, contents: ['藜麦'] },
    ],
  });
  const m = await memberToken(t);
  const menu = () => t.client(m.token).call(api.getMenu, { query: { campaignId: campaign.id } });
  expect((await menu()).recommended.reason).toBe('大家都在订');
  expect((await menu()).recommended.rule).toContain('消费记录');

  // fish bought at the till (through the ledger's own ingest, as a POS push would)
  const ledger = await t.container.getAsync(LedgerService);
  const till = { channel: 'pos' as const, storeId: storeA, till: 'T1', memberCode: null, phoneDigest: null, discountFen: 0, couponCodes: [] };
  await ledger.ingest([
    {
      ...till,
      receiptNo: `fish-${m.id}`,
      occurredAt: new Date(Date.now() - 3 * 24 * 60 * MIN),
      memberId: m.id,
      totalFen: 4200,
      refundOfNo: null,
      lines: [{ sku: 'F-001', name: '鲜活鲈鱼', category: '水产/鲈鱼', qty: 1, unitPriceFen: 4200, amountFen: 4200 }],
    },
  ]);
  const withFish = (await menu()).recommended;
  expect(withFish.itemIds[0]).toBe(items[1].id);
  expect(withFish.reason).toBe('你常买「鲈鱼」，相关的菜先给你看');

  // returned in full: as if never bought
  await ledger.ingest([
    {
      ...till,
      receiptNo: `fish-${m.id}-back`,
      occurredAt: new Date(Date.now() - 2 * 24 * 60 * MIN),
      memberId: m.id,
      totalFen: -4200,
      refundOfNo: `fish-${m.id}`,
      lines: [{ sku: 'F-001', name: '鲜活鲈鱼', category: '水产/鲈鱼', qty: -1, unitPriceFen: 4200, amountFen: -4200 }],
    },
  ]);
  expect((await menu()).recommended.reason).toBe('大家都在订');

  // an earlier paid pre-order lands in the ledger (OrderPaid → preorder receipt) and its theme leads
  const older = await makeCampaign(t, hq, [storeA], { items: [{ kind: 'meal_kit', name: '轻食礼盒', theme: '健康轻食' }] });
  const o = await t.client(m.token).call(api.placeOrder, {
    body: { campaignId: older.campaign.id, storeId: storeA, slotId: older.slots[0].id, lines: [{ itemId: older.items[0].id, qty: 1 }] },
  });
  await payAndNotify(m.token, o.id);
  const after = (await menu()).recommended;
  expect(after).toMatchObject({ itemIds: [items[2].id, items[0].id, items[1].id], reason: '根据你以往的预订推荐' });
});

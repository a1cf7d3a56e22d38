/**
 * Paid classes through the payment module: the seat is held while paying and paid once (duplicate
 * notifications), released exactly once on timeout, a late payment reinstated or refunded, a
 * cancellation within the rules refunded once, ops calling a session off refunds everyone.
 * Runs on SQLite and, with TEST_MYSQL_URL, on MariaDB.
 */
import * as api from '../../../contracts/classes';
import { ApiError } from '../../../contracts/client';
import { Db } from '../../src/core/db';
import { ClassSession } from '../../src/modules/classes/entities/class-session.entity';
import { ClassPaymentService } from '../../src/modules/classes/payment.service';
import { PayRefund, PayTransaction } from '../../src/modules/payment/entities/payment.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeStore } from '../helpers/fixtures';
import { deliver, eventCount, simCallCount, simNotifications, simPay } from '../preorder/kit';
import { classBody, MIN, memberToken, runJob, settle, staffToken } from './kit';

let t: TestApp;
let hq: string;
let storeA: number;

beforeAll(async () => {
  t = await startTestApp({ WECHATPAY_NOTIFY_URL: 'http://127.0.0.1:9/api/pay/notify' });
  storeA = (await makeStore(t, '滨江店')).id;
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

async function paidSession(adultSeats: number, o: Parameters<typeof classBody>[1] = {}) {
  const c = await t.client(hq).call(api.opsCreateClass, { body: classBody(storeA, { priceFen: 3900, adultSeats, ...o }) });
  return c.sessions[0].id;
}

async function seatsLeft(sessionId: number): Promise<number> {
  return (await (await t.container.getAsync(Db)).manager.findOneByOrFail(ClassSession, { id: sessionId })).adultLeft;
}

const register = (token: string, sessionId: number, adults = 1) =>
  t.client(token).call(api.register, {
    params: { sessionId },
    body: { adults, children: 0, childAges: [], subscribe: { reminder24h: false, reminder2h: false, promoted: false } },
  });

/** The member pays in the (simulated) cashier; the notifications are answered, not delivered. */
async function cashier(token: string, registrationId: number, duplicates = 0) {
  const pay = await t.client(token).call(api.payRegistration, { params: { registrationId } });
  return { pay, sim: await simPay(t, '/confirm', { prepay_id: pay.requestPayment.package.replace('prepay_id=', ''), deliver: false, duplicates }) };
}

test('a paid seat is held unpaid, paid once from three notifications, then cancelled within the rules and refunded once', async () => {
  const sessionId = await paidSession(2);
  const m = await memberToken(t);
  const reg = await register(m.token, sessionId, 2);
  // the price is per person: two adults pay twice
  expect(reg).toMatchObject({
    status: 'unpaid',
    checkIn: null,
    canCancel: true,
    payment: { amountFen: 7800, status: 'unpaid', expiresAt: expect.any(String) },
  });
  expect(await seatsLeft(sessionId)).toBe(0);
  // no seat, no waitlist for a paid class
  const other = await memberToken(t);
  expect(await code(register(other.token, sessionId))).toBe('CLASS_FULL');
  expect(await eventCount(t, 'ClassRegistered', `"registrationId":${reg.id},`)).toBe(0);

  const { pay, sim } = await cashier(m.token, reg.id, 2);
  expect(pay.requestPayment).toMatchObject({ signType: 'RSA', package: expect.stringMatching(/^prepay_id=/) });
  for (const n of sim.notifications) expect(await deliver(t, n)).toBe(204);
  await settle(t);
  const paid = await t.client(m.token).call(api.getMyRegistration, { params: { registrationId: reg.id } });
  expect(paid).toMatchObject({ status: 'confirmed', checkIn: { shortCode: expect.any(String) }, payment: { status: 'paid', paidAt: expect.any(String) } });
  expect(await eventCount(t, 'PaymentSucceeded', pay.tradeNo)).toBe(1);
  expect(await eventCount(t, 'ClassRegistered', `"registrationId":${reg.id},`)).toBe(1);
  expect(await code(t.client(m.token).call(api.payRegistration, { params: { registrationId: reg.id } }))).toBe('PAY_ALREADY_PAID');

  // cancelled three times at once before the deadline: one refund, the seats back once
  const outs = await Promise.all([1, 2, 3].map(() => code(t.client(m.token).call(api.cancelRegistration, { params: { registrationId: reg.id } }))));
  expect(outs.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(1);
  await settle(t);
  expect(await seatsLeft(sessionId)).toBe(2);
  const db = await t.container.getAsync(Db);
  expect(await db.manager.count(PayRefund, { where: { outTradeNo: pay.tradeNo } })).toBe(1);
  await new Promise((r) => setTimeout(r, 150)); // the simulator completes the refund and notifies
  expect(await simCallCount(t, '/pay/v3/refund/domestic/refunds', pay.tradeNo)).toBe(1);
  const [refundN] = (await simNotifications(t, pay.tradeNo)).filter((n) => n.kind === 'refund');
  expect(await deliver(t, refundN)).toBe(204);
  expect(await deliver(t, refundN)).toBe(204);
  await settle(t);
  const after = await t.client(m.token).call(api.getMyRegistration, { params: { registrationId: reg.id } });
  expect(after).toMatchObject({ status: 'cancelled', cancelledBy: 'member', payment: { status: 'refunded', refundFen: 7800, refundedAt: expect.any(String) } });
});

test('after the cancellation deadline a paid seat cannot be cancelled (no refund)', async () => {
  const sessionId = await paidSession(3, { inMinutes: 90, cancellationClosesMinutesBefore: 120, registrationClosesMinutesBefore: 0 });
  const m = await memberToken(t);
  const reg = await register(m.token, sessionId);
  const { sim } = await cashier(m.token, reg.id);
  await deliver(t, sim.notifications[0]);
  await settle(t);
  expect(await code(t.client(m.token).call(api.cancelRegistration, { params: { registrationId: reg.id } }))).toBe('CLASS_CANCEL_CLOSED');
});

test('an unpaid seat returns exactly once after the payment window; a late payment is reinstated, or refunded when the seat went', async () => {
  const sessionId = await paidSession(1);
  const a = await memberToken(t);
  const regA = await register(a.token, sessionId);
  const { pay, sim: lateA } = await cashier(a.token, regA.id); // paid in the cashier, the notification comes late
  const later = new Date(Date.now() + 16 * MIN);
  await runJob(t, 'classes.pay-expire', later);
  const classPay = await t.container.getAsync(ClassPaymentService);
  expect(await classPay.expireUnpaid(later)).toEqual([]); // twice: nothing more returned
  expect(await seatsLeft(sessionId)).toBe(1);
  expect((await t.client(a.token).call(api.getMyRegistration, { params: { registrationId: regA.id } })).cancelledBy).toBe('timeout');
  expect(await code(t.client(a.token).call(api.payRegistration, { params: { registrationId: regA.id } }))).toBe('CLASS_NOT_PAYABLE');
  const db = await t.container.getAsync(Db);
  expect((await db.manager.findOneByOrFail(PayTransaction, { outTradeNo: pay.tradeNo })).status).toBe('closed');

  // the late notification: the seat is still free → back in, confirmed
  expect(await deliver(t, lateA.notifications[0])).toBe(204);
  await settle(t);
  expect((await t.client(a.token).call(api.getMyRegistration, { params: { registrationId: regA.id } })).status).toBe('confirmed');
  expect(await seatsLeft(sessionId)).toBe(0);

  // a second session: B's seat expires, C takes it, B's late payment is refunded (never lost)
  const s2 = await paidSession(1);
  const b = await memberToken(t);
  const regB = await register(b.token, s2);
  const { pay: payB, sim: lateB } = await cashier(b.token, regB.id);
  await classPay.expireUnpaid(later);
  const c = await memberToken(t);
  expect((await register(c.token, s2)).status).toBe('unpaid');
  expect(await deliver(t, lateB.notifications[0])).toBe(204);
  await settle(t);
  expect((await t.client(b.token).call(api.getMyRegistration, { params: { registrationId: regB.id } })).payment).toMatchObject({
    status: expect.stringMatching(/refunding|refunded/),
    refundFen: 3900,
  });
  expect(await db.manager.count(PayRefund, { where: { outTradeNo: payB.tradeNo } })).toBe(1);
  expect(await seatsLeft(s2)).toBe(0);
});

test('ops calling a paid session off refunds the paid seats and closes the unpaid ones', async () => {
  const sessionId = await paidSession(3);
  const a = await memberToken(t);
  const b = await memberToken(t);
  const regA = await register(a.token, sessionId);
  const regB = await register(b.token, sessionId);
  const { pay: payA, sim } = await cashier(a.token, regA.id);
  await deliver(t, sim.notifications[0]);
  await settle(t);
  await t.client(hq).call(api.opsCancelSession, { params: { sessionId } });
  await settle(t);
  const db = await t.container.getAsync(Db);
  expect(await db.manager.count(PayRefund, { where: { outTradeNo: payA.tradeNo } })).toBe(1);
  const gotB = await t.client(b.token).call(api.getMyRegistration, { params: { registrationId: regB.id } });
  expect(gotB).toMatchObject({ status: 'cancelled', cancelledBy: 'ops', payment: { status: 'none' } });
  // the ops cancellation is told to members who held a registration, not to one who never paid
  expect(await eventCount(t, 'ClassRegistrationCancelled', `"registrationId":${regA.id},`)).toBe(1);
  expect(await eventCount(t, 'ClassRegistrationCancelled', `"registrationId":${regB.id},`)).toBe(0);
});

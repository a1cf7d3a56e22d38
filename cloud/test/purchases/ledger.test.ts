/**
 * The purchases ledger end to end through the HTTP API (SQLite, and MariaDB with TEST_MYSQL_URL):
 * signed POS pushes (good, forged, replayed, stale, revoked), idempotency (repeat, changed copy,
 * parallel pushes of the same batch), member codes (matched, expired), refunds, pre-orders through
 * OrderPaid/OrderRefunded, coupons redeemed once under parallel receipts, 「我的消费」, the sidebar
 * timeline and suggestion, RFM from PurchaseRecorded, and erasure.
 */
import { CURRENT_PRIVACY_VERSION, identity, purchases as api, wecom } from '../../../contracts';
import { phoneDigest } from '../../src/core/pii';
import { In } from 'typeorm';
import { Member } from '../../src/modules/identity/entities/member.entity';
import { Db } from '../../src/core/db';
import { EventBus } from '../../src/core/events/event-bus';
import { DomainEvent } from '../../src/core/events/domain-event.entity';
import { JobRunner } from '../../src/core/jobs';
import { ChainLimits, DatabaseLimitStore } from '../../src/core/limits';
import { PurchasesService } from '../../src/modules/purchases/purchases.service';
import { couponCode } from '../../src/modules/journeys/coupons.public';
import { JourneyCoupon } from '../../src/modules/journeys/entities/coupon.entity';
import { MemberCode, Receipt, ReceiptConflict, ReceiptLine } from '../../src/modules/purchases/entities/receipt.entity';
import { MemberRfm, RfmOrder } from '../../src/modules/tags/entities/rfm-order.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { countStatements, deliverAsRun, deliverOneByOne, fakeEvents, redeliver } from '../helpers/batch-delivery';
import { makeContact, makeMember, makeStore } from '../helpers/fixtures';
import { memberToken } from '../classes/kit';
import { settle, staffToken } from '../wecom/engine-helpers';
import { DAY, push, receipt, type PosKeyCreds } from './kit';

let t: TestApp;
let d: Db;
let storeId: number;
let key: PosKeyCreds;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  d = await t.container.getAsync(Db);
  storeId = (await makeStore(t, '滨江店')).id;
  admin = (await staffToken(t, 'hq_admin')).token;
  const k = await t.client(admin).call(api.createPosKey, { body: { storeId, name: '1号收银台' } });
  key = { keyId: k.keyId, secret: k.secret };
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const events = async (type: string) => (await d.manager.find(DomainEvent, { where: { type } })).map((e) => JSON.parse(e.payload));

describe('signed POS push', () => {
  it('accepts a good signature and stores the receipt with its lines', async () => {
    const r = receipt({
      lines: [
        { name: '有机菠菜', category: '蔬菜', amountFen: 890 },
        { name: '鲜牛奶', category: '乳品', amountFen: 1250, qty: 2 },
      ],
    });
    const res = await push(t, key, { receipts: [r] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ added: 1, duplicates: 0, conflicts: 0, rejected: 0 });
    const id = res.body.results[0].receiptId;
    const stored = await d.manager.findOneByOrFail(Receipt, { id });
    expect(stored).toMatchObject({ storeId, channel: 'pos', totalFen: 2140, memberId: null });
    expect((await d.manager.findBy(ReceiptLine, { receiptId: id })).map((l) => l.name).sort()).toEqual(['有机菠菜', '鲜牛奶']);
  });

  it('refuses a forged signature, a replayed nonce, a stale timestamp and a revoked key — storing nothing', async () => {
    const before = await d.manager.count(Receipt);
    const forged = await push(t, key, { receipts: [receipt()] }, { secret: 'not-the-secret' });
    expect(forged).toMatchObject({ status: 401, body: { code: 'POS_SIGNATURE_INVALID' } });
    const unknown = await push(t, { keyId: 'pk_' + '0'.repeat(24), secret: key.secret }, { receipts: [receipt()] });
    expect(unknown.body.code).toBe('POS_SIGNATURE_INVALID');
    const stale = await push(t, key, { receipts: [receipt()] }, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale).toMatchObject({ status: 401, body: { code: 'POS_STALE' } });
    const body = { receipts: [receipt()] };
    const first = await push(t, key, body, { nonce: 'replay-nonce-0000001' });
    expect(first.status).toBe(200);
    const again = await push(t, key, body, { nonce: 'replay-nonce-0000001', timestamp: Number(first.timestamp) });
    expect(again).toMatchObject({ status: 409, body: { code: 'POS_REPLAYED' } });
    expect(await d.manager.count(Receipt)).toBe(before + 1);

    const k2 = await t.client(admin).call(api.createPosKey, { body: { storeId, name: '临时' } });
    await t.client(admin).call(api.revokePosKey, { params: { id: k2.id } });
    const revoked = await push(t, { keyId: k2.keyId, secret: k2.secret }, { receipts: [receipt()] });
    expect(revoked.body.code).toBe('POS_SIGNATURE_INVALID');
  });

  it('rejects a bad receipt inside a batch but keeps the good ones; more than 500 is a 400', async () => {
    const bad = { ...receipt(), totalFen: 1 };
    const res = await push(t, key, { receipts: [receipt(), bad] });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.status)).toEqual(['added', 'rejected']);
    expect(res.body.results[1].error).toContain('不一致');
    const big = await push(t, key, { receipts: Array.from({ length: 501 }, () => receipt()) });
    expect(big.status).toBe(400);
  });
});

describe('idempotency', () => {
  it('stores a repeated receipt once and keeps a changed copy aside as a conflict', async () => {
    const r = receipt();
    expect((await push(t, key, { receipts: [r] })).body.added).toBe(1);
    const again = await push(t, key, { receipts: [r] });
    expect(again.body).toMatchObject({ added: 0, duplicates: 1 });
    const changed = { ...r, lines: [{ ...r.lines[0], amountFen: 100 }], totalFen: 100 };
    const c = await push(t, key, { receipts: [changed] });
    expect(c.body).toMatchObject({ added: 0, conflicts: 1 });
    const stored = await d.manager.findOneByOrFail(Receipt, { receiptNo: r.receiptNo });
    expect(stored.totalFen).toBe(r.totalFen);
    const conflicts = await t.client(admin).call(api.listConflicts, { query: {} });
    expect(conflicts.items.some((x) => x.receiptNo === r.receiptNo && x.receiptId === stored.id)).toBe(true);
    expect(await d.manager.countBy(ReceiptConflict, { receiptId: stored.id })).toBe(1);
  });

  it('parallel pushes of the same batch record every receipt exactly once', async () => {
    const batch = { receipts: Array.from({ length: 40 }, (_, i) => receipt({ receiptNo: `PAR-${Date.now()}-${i}` })) };
    const results = await Promise.all(Array.from({ length: 6 }, () => push(t, key, batch)));
    for (const r of results) expect(r.status).toBe(200);
    expect(results.reduce((s, r) => s + r.body.added, 0)).toBe(40);
    expect(results.reduce((s, r) => s + r.body.duplicates, 0)).toBe(40 * 5);
    const nos = batch.receipts.map((r) => r.receiptNo);
    const rows = await d.manager.createQueryBuilder(Receipt, 'r').where('r.receipt_no IN (:...nos)', { nos }).getMany();
    expect(rows).toHaveLength(40);
    expect(
      await d.manager
        .createQueryBuilder(ReceiptLine, 'l')
        .where('l.receipt_id IN (:...ids)', { ids: rows.map((r) => r.id) })
        .getCount(),
    ).toBe(40);
    const recorded = (await events('PurchaseRecorded')).filter((e) => rows.some((r) => r.id === e.receiptId));
    expect(recorded).toHaveLength(40);
  });
});

describe('member code', () => {
  it('a fresh code attaches the receipt to the member; an expired one is refused (receipt kept, no member)', async () => {
    const m = await memberToken(t, { storeId });
    const code = await t.client(m.token).call(api.memberCode);
    expect(code.code).toMatch(/^66\d{16}$/);
    const ok = await push(t, key, { receipts: [receipt({ memberCode: code.code })] });
    expect(ok.body.results[0]).toMatchObject({ status: 'added', memberCode: 'matched' });
    expect((await d.manager.findOneByOrFail(Receipt, { id: ok.body.results[0].receiptId })).memberId).toBe(m.id);
    expect((await events('MemberArrived')).some((e) => e.memberId === m.id && e.via === 'member_code')).toBe(true);

    const old = await t.client(m.token).call(api.memberCode);
    await d.manager.update(MemberCode, { code: old.code }, { expiresAt: new Date(Date.now() - 1000) });
    const late = await push(t, key, { receipts: [receipt({ memberCode: old.code })] });
    expect(late.body.results[0]).toMatchObject({ status: 'added', memberCode: 'invalid' });
    expect((await d.manager.findOneByOrFail(Receipt, { id: late.body.results[0].receiptId })).memberId).toBeNull();
    const unknown = await push(t, key, { receipts: [receipt({ memberCode: '660000000000000000' })] });
    expect(unknown.body.results[0].memberCode).toBe('invalid');

    // 「我的消费」 shows only the matched one
    const mine = await t.client(m.token).call(api.myPurchases, { query: {} });
    expect(mine.items.map((r) => r.id)).toEqual([ok.body.results[0].receiptId]);
    expect(mine.items[0].lines[0].name).toBe('和牛肥牛卷');
  });
});

describe('refunds and pre-orders', () => {
  it('a till refund is a negative receipt linked to the original and to its member', async () => {
    const m = await memberToken(t, { storeId });
    const code = await t.client(m.token).call(api.memberCode);
    const orig = receipt({ memberCode: code.code, lines: [{ name: '清酒', category: '酒水/清酒', amountFen: 12800 }] });
    const o = await push(t, key, { receipts: [orig] });
    const refund = receipt({ refundOf: orig.receiptNo, lines: [{ name: '清酒', category: '酒水/清酒', amountFen: -12800, qty: -1 }] });
    const r = await push(t, key, { receipts: [refund] });
    expect(r.body.results[0].status).toBe('added');
    const row = await d.manager.findOneByOrFail(Receipt, { id: r.body.results[0].receiptId });
    expect(row).toMatchObject({ totalFen: -12800, refundOf: o.body.results[0].receiptId, memberId: m.id });
    // a negative receipt without the original's number is refused
    const orphan = await push(t, key, { receipts: [receipt({ lines: [{ name: '清酒', amountFen: -100 }] })] });
    expect(orphan.body.results[0].status).toBe('rejected');
    await settle(t);
    const proj = await d.manager.findBy(RfmOrder, { memberId: m.id });
    expect(proj.map((p) => p.amountFen).sort((a, b) => a - b)).toEqual([-12800, 12800]);
  });

  it('OrderPaid lands once as a preorder receipt; OrderRefunded as its negative receipt', async () => {
    const m = await memberToken(t, { storeId });
    const bus = await t.container.getAsync(EventBus);
    const paid = {
      orderId: `NYE${Date.now()}`,
      memberId: m.id,
      storeId,
      amountFen: 39800,
      paidAt: new Date(Date.now() - 60_000).toISOString(),
      items: [{ name: '团圆年夜饭套餐', qty: 1, amountFen: 39800, category: '年夜饭' }],
    };
    await d.transaction(async (em) => {
      await bus.emit(em, 'OrderPaid', paid);
      await bus.emit(em, 'OrderPaid', paid); // announced twice
    });
    await settle(t);
    const rows = await d.manager.findBy(Receipt, { memberId: m.id });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'preorder', receiptNo: paid.orderId, totalFen: 39800 });
    await d.transaction((em) =>
      bus.emit(em, 'OrderRefunded', {
        orderId: paid.orderId,
        refundId: 'RF1',
        memberId: m.id,
        storeId,
        amountFen: 39800,
        refundedAt: new Date().toISOString(),
      }),
    );
    await settle(t);
    const after = await d.manager.find(Receipt, { where: { memberId: m.id }, order: { id: 'ASC' } });
    expect(after.map((r) => r.totalFen)).toEqual([39800, -39800]);
    expect(after[1].refundOf).toBe(after[0].id);
    // RFM hears every purchase exactly once (the ledger's event, not OrderPaid)
    expect((await d.manager.findBy(RfmOrder, { memberId: m.id })).map((r) => r.amountFen).sort()).toEqual([-39800, 39800].sort());
  });
});

describe('coupons at the till', () => {
  async function coupon(memberId: number, o: Partial<JourneyCoupon> = {}) {
    const r = await d.manager.insert(JourneyCoupon, {
      idemKey: `test-${Date.now()}-${Math.random()}`,
      memberId,
      externalUserId: 'wm_x',
      enrolmentId: null,
      title: '老朋友回归券',
      amountFen: 1000,
      minSpendFen: 5000,
      validUntil: new Date(Date.now() + 7 * DAY),
      status: 'issued',
      issuedAt: new Date(),
      redeemedAt: null,
      redeemedReceiptId: null,
      ...o,
    });
    return Number(r.identifiers[0].id);
  }

  it('is redeemed exactly once under parallel receipts, with the minimum spend checked', async () => {
    const m = await memberToken(t, { storeId });
    const id = await coupon(m.id);
    const code = couponCode(id);
    const small = await push(t, key, { receipts: [receipt({ couponCodes: [code], discountFen: 1000, lines: [{ name: '酸奶', amountFen: 2000 }] })] });
    expect(small.body.results[0].coupons).toEqual([{ code, status: 'rejected', reason: '未达到使用门槛' }]);
    const pushes = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        push(t, key, {
          receipts: [receipt({ receiptNo: `CPN-${id}-${i}`, couponCodes: [code], discountFen: 1000, lines: [{ name: '牛排', amountFen: 8800 }] })],
        }),
      ),
    );
    const outcomes = pushes.map((p) => p.body.results[0].coupons[0].status);
    expect(outcomes.filter((s) => s === 'redeemed')).toHaveLength(1);
    const row = await d.manager.findOneByOrFail(JourneyCoupon, { id });
    expect(row.status).toBe('used');
    const winner = pushes.find((p) => p.body.results[0].coupons[0].status === 'redeemed')!;
    expect(row.redeemedReceiptId).toBe(winner.body.results[0].receiptId);
    // a forged code is refused
    const forged = await push(t, key, {
      receipts: [receipt({ couponCodes: [code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A')], lines: [{ name: '牛排', amountFen: 8800 }] })],
    });
    expect(forged.body.results[0].coupons[0]).toMatchObject({ status: 'rejected', reason: '券码无效' });
  });
});

describe('coupons verified by a clerk in the sidebar', () => {
  it("redeems by the receipt number at the clerk's store, once; another store's receipt is not found", async () => {
    const m = await memberToken(t, { storeId });
    const id = Number(
      (
        await d.manager.insert(JourneyCoupon, {
          idemKey: `clerk-${Date.now()}`,
          memberId: m.id,
          externalUserId: 'wm_c',
          enrolmentId: null,
          title: '老朋友回归券',
          amountFen: 1000,
          minSpendFen: 5000,
          validUntil: new Date(Date.now() + 7 * DAY),
          status: 'issued',
          issuedAt: new Date(),
          redeemedAt: null,
          redeemedReceiptId: null,
        })
      ).identifiers[0].id,
    );
    const code = await t.client(m.token).call(api.memberCode);
    const r = receipt({ memberCode: code.code, lines: [{ name: '牛排', amountFen: 8800 }] });
    const stored = (await push(t, key, { receipts: [r] })).body.results[0].receiptId;
    const { token: clerk } = await staffToken(t, 'staff', { storeId, wecomUserId: `clerk_c_${id}` });
    const otherStore = (await makeStore(t, '湖畔店')).id;
    const { token: stranger } = await staffToken(t, 'staff', { storeId: otherStore, wecomUserId: `clerk_o_${id}` });
    const elsewhere = await t
      .http()
      .post('/api/sidebar/coupons/redeem')
      .set('authorization', `Bearer ${stranger}`)
      .send({ code: couponCode(id), receiptNo: r.receiptNo });
    expect(elsewhere.status).toBe(404);
    const ok = await t.client(clerk).call(api.verifyCoupon, { body: { code: couponCode(id).toLowerCase(), receiptNo: r.receiptNo } });
    expect(ok).toMatchObject({ ok: true, title: '老朋友回归券', amountFen: 1000, receiptNo: r.receiptNo });
    expect(await d.manager.findOneByOrFail(JourneyCoupon, { id })).toMatchObject({ status: 'used', redeemedReceiptId: stored });
    expect((await d.manager.findOneByOrFail(Receipt, { id: stored })).couponCodes).toBe(couponCode(id));
    const again = await t
      .http()
      .post('/api/sidebar/coupons/redeem')
      .set('authorization', `Bearer ${clerk}`)
      .send({ code: couponCode(id), receiptNo: r.receiptNo });
    expect(again.body.code).toBe('COUPON_USED');
    const neither = await t
      .http()
      .post('/api/sidebar/coupons/redeem')
      .set('authorization', `Bearer ${clerk}`)
      .send({ code: couponCode(id) });
    expect(neither.status).toBe(400);
  });
});

describe('what the ledger feeds', () => {
  it('the sidebar shows the purchase in the timeline and a tasting suggestion from 新品到店', async () => {
    const m = await memberToken(t, { storeId });
    const { token: clerk, staff } = await staffToken(t, 'staff', { storeId, wecomUserId: 'clerk_p1' });
    const contact = await makeContact(t, { externalUserId: `wm_p_${m.id}`, memberId: m.id, followStaffId: staff.id });
    await t.client(admin).call(api.createNewArrival, { body: { storeId, title: '獭祭清酒', category: '酒水/清酒', relatedCategories: ['肉禽/牛肉'] } });
    const code = await t.client(m.token).call(api.memberCode);
    await push(t, key, { receipts: [receipt({ memberCode: code.code, lines: [{ name: '澳洲和牛M5', category: '肉禽/牛肉', amountFen: 16800 }] })] });
    await settle(t);
    const side = await t.client(clerk).call(wecom.sidebarContact, { params: { externalUserId: contact.externalUserId } });
    expect(side.member!.recentActivity.some((i: any) => i.kind === 'purchase' && i.text.includes('澳洲和牛M5'))).toBe(true);
    const offer = side.member!.offers.find((o: any) => o.key === 'new_arrival_taste');
    expect(offer?.text).toContain('獭祭清酒');
    expect(offer?.reason).toContain('澳洲和牛M5');
  });

  it('RFM is scored per store by quintiles from PurchaseRecorded', async () => {
    const other = (await makeStore(t, '江南店')).id;
    const k = await t.client(admin).call(api.createPosKey, { body: { storeId: other, name: 'T' } });
    const members = await Promise.all(Array.from({ length: 5 }, () => memberToken(t, { storeId: other })));
    // member i: i+1 purchases of 100 yuan, the last (5 - i) * 10 days ago
    for (const [i, m] of members.entries()) {
      for (let n = 0; n <= i; n++) {
        const code = await t.client(m.token).call(api.memberCode);
        const at = new Date(Date.now() - ((5 - i) * 10 + n * 40) * DAY);
        await push(t, { keyId: k.keyId, secret: k.secret }, { receipts: [receipt({ memberCode: code.code, at, lines: [{ name: '米', amountFen: 10000 }] })] });
      }
    }
    await settle(t);
    expect((await (await t.container.getAsync(JobRunner)).runNow('tags.rfm')).ran).toBe(true);
    const tiers = await Promise.all(members.map((m) => d.manager.findOneByOrFail(MemberRfm, { memberId: m.id })));
    expect(tiers.map((x) => x.storeId)).toEqual(members.map(() => other));
    expect(tiers[4]).toMatchObject({ tier: '高价值忠诚', rScore: 5, fScore: 5, mScore: 5 });
    expect(tiers[0]).toMatchObject({ tier: '流失预警', rScore: 1 });
    const settings = await t.client(admin).call(api.getRfmSettings);
    const cuts = settings.stores.find((s) => s.storeId === other)!;
    expect(cuts.members).toBe(5);
    expect(cuts.frequency).toEqual([1, 2, 3, 4]);
    expect(cuts.recencyDays).toEqual([10, 20, 30, 40]);
  });

  it('erasure keeps the receipts for accounting but no longer tied to the member', async () => {
    const m = await memberToken(t, { storeId });
    const code = await t.client(m.token).call(api.memberCode);
    const r = await push(t, key, { receipts: [receipt({ memberCode: code.code })] });
    const bus = await t.container.getAsync(EventBus);
    await d.transaction((em) => bus.emit(em, 'MemberDeleted', { memberId: m.id }));
    await settle(t);
    const row = await d.manager.findOneByOrFail(Receipt, { id: r.body.results[0].receiptId });
    expect(row.memberId).toBeNull();
    expect(await d.manager.countBy(MemberCode, { memberId: m.id })).toBe(0);
  });
});

describe('matching by phone (digest only)', () => {
  it('a receipt with a known number is matched at once; one that came before the member is matched when they register', async () => {
    const known = await makeMember(t, { storeId, phone: '13800001111' });
    const r1 = await push(t, key, { receipts: [{ ...receipt(), phone: '138-0000-1111' }] });
    const row1 = await d.manager.findOneByOrFail(Receipt, { id: r1.body.results[0].receiptId });
    expect(row1.memberId).toBe(known.id);
    expect(row1.phoneDigest).toMatch(/^[0-9a-f]{64}$/); // the number itself is never stored

    // two receipts (one refunded) from a number nobody has yet; a shared number matches nobody
    const early = receipt({ lines: [{ name: '鲜虾饺', amountFen: 3600 }] });
    const pushed = await push(t, key, { receipts: [{ ...early, phone: '13900002222' }] });
    const refund = await push(t, key, { receipts: [{ ...receipt({ refundOf: early.receiptNo, lines: [{ name: '鲜虾饺', amountFen: -3600, qty: -1 }] }) }] });
    await makeMember(t, { storeId, phone: '13700003333' });
    await makeMember(t, { storeId, phone: '13700003333' });
    const shared = await push(t, key, { receipts: [{ ...receipt(), phone: '13700003333' }] });
    expect((await d.manager.findOneByOrFail(Receipt, { id: shared.body.results[0].receiptId })).memberId).toBeNull();
    const earlyId = pushed.body.results[0].receiptId;
    expect((await d.manager.findOneByOrFail(Receipt, { id: earlyId })).memberId).toBeNull();
    await settle(t);
    expect(await d.manager.countBy(RfmOrder, { orderId: `r:${earlyId}` })).toBe(0);

    // the member registers with that number: identity announces them, the ledger hears it
    const late = await makeMember(t, { storeId, phone: '+86 139 0000 2222' });
    const bus = await t.container.getAsync(EventBus);
    await d.transaction((em) => bus.emit(em, 'MemberRegistered', { memberId: late.id, unionid: null, storeId, referrerMemberId: null }));
    await settle(t);
    expect((await d.manager.findOneByOrFail(Receipt, { id: earlyId })).memberId).toBe(late.id);
    expect((await d.manager.findOneByOrFail(Receipt, { id: refund.body.results[0].receiptId })).memberId).toBe(late.id);
    // downstream now counts them for the member (PurchaseRecorded with the member)
    expect(await d.manager.findOneBy(RfmOrder, { orderId: `r:${earlyId}` })).toMatchObject({ memberId: late.id, amountFen: 3600 });
    // heard twice: nothing changes
    await d.transaction((em) => bus.emit(em, 'MemberRegistered', { memberId: late.id, unionid: null, storeId, referrerMemberId: null }));
    await settle(t);
    expect(await d.manager.countBy(RfmOrder, { memberId: late.id })).toBe(2);
  });
});

describe('matching by phone when a crowd registers (set-based MemberRegistered)', () => {
  /** A number with a receipt and its refund waiting, one with nothing waiting, no number, a shared number, one member heard twice. */
  const scenario = async (prefix: string) => {
    const early = receipt({ lines: [{ name: '葱油饼', amountFen: 1800 }] });
    const pushed = await push(t, key, { receipts: [{ ...early, phone: `${prefix}0001` }] });
    const refund = await push(t, key, { receipts: [receipt({ refundOf: early.receiptNo, lines: [{ name: '葱油饼', amountFen: -1800, qty: -1 }] })] });
    await makeMember(t, { storeId, phone: `${prefix}0004` });
    const sharedMember = await makeMember(t, { storeId, phone: `${prefix}0004` });
    const shared = await push(t, key, { receipts: [{ ...receipt(), phone: `${prefix}0004` }] });
    const a = await makeMember(t, { storeId, phone: `${prefix}0001` });
    const b = await makeMember(t, { storeId, phone: `${prefix}0002` });
    const c = await makeMember(t);
    const reg = (memberId: number) => ({ memberId, unionid: null, storeId, referrerMemberId: null });
    return {
      a,
      receiptIds: [pushed.body.results[0].receiptId, refund.body.results[0].receiptId] as number[],
      sharedId: shared.body.results[0].receiptId as number,
      payloads: [reg(a.id), reg(b.id), reg(c.id), reg(sharedMember.id), reg(a.id)],
    };
  };
  const expectOutcome = async (s: Awaited<ReturnType<typeof scenario>>) => {
    const rows = await d.manager.findBy(Receipt, { id: In([...s.receiptIds, s.sharedId]) });
    expect(new Map(rows.map((r) => [r.id, r.memberId]))).toEqual(new Map([...s.receiptIds.map((id) => [id, s.a.id] as const), [s.sharedId, null]]));
    // announced once each, in receipt order, now with the member
    const announced = (await events('PurchaseRecorded')).filter((p) => p.memberId === s.a.id);
    expect(announced.map((p) => [p.receiptId, p.totalFen])).toEqual([
      [s.receiptIds[0], 1800],
      [s.receiptIds[1], -1800],
    ]);
  };

  it('a run matches the same receipts and announces the same purchases as one by one; a redelivery adds nothing', async () => {
    const one = await scenario('1351111');
    await deliverOneByOne(t, 'MemberRegistered', one.payloads);
    await settle(t);
    await expectOutcome(one);
    const run = await scenario('1352222');
    const delivered = await deliverAsRun(t, 'MemberRegistered', run.payloads, [await t.container.getAsync(PurchasesService), 'onMemberRegistered']);
    await settle(t);
    await expectOutcome(run);
    await redeliver(
      t,
      'PurchasesService.onMemberRegistered',
      delivered.map((e) => e.id),
    );
    await expectOutcome(run);
  });

  it('a crowd is matched in a constant number of statements, with or without receipts waiting', async () => {
    const svc = await t.container.getAsync(PurchasesService);
    const statements = async (n: number, firstId: number, waiting: boolean) => {
      const phone = (i: number) => `137${String(firstId + i).slice(-8)}`;
      // every other member has a number; of those, the till saw each number before they registered
      const withPhone = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0);
      if (waiting) {
        const r = await push(t, key, { receipts: withPhone.map((i) => ({ ...receipt(), phone: phone(i) })) });
        expect(r.status).toBe(200);
      }
      const members = [];
      for (let i = 0; i < n; i++) members.push(await makeMember(t, { storeId, phone: i % 2 ? null : phone(i) }));
      const regs = fakeEvents(
        'MemberRegistered',
        members.map((m) => ({ memberId: m.id, unionid: null, storeId, referrerMemberId: null })),
        firstId,
      );
      await settle(t); // the push's own deliveries are not counted
      const sent = await countStatements(t, () => d.transaction((em) => svc.onMemberRegistered(regs, em)));
      const matched = await d.manager.countBy(Receipt, { memberId: In(members.map((m) => m.id)) });
      expect(matched).toBe(waiting ? withPhone.length : 0);
      return sent.length;
    };
    const idle = await statements(3, 93_000_000, false);
    expect(idle).toBeGreaterThan(0);
    expect(idle).toBeLessThan(6);
    expect(await statements(40, 94_000_000, false)).toBe(idle);
    const busy = await statements(3, 95_000_000, true);
    expect(busy).toBeLessThan(14);
    expect(await statements(40, 96_000_000, true)).toBe(busy);
  });
});

describe('matching by phone: a receipt matched meanwhile', () => {
  it('rolls the batch back (the outbox then goes one by one, and that receipt stays with whoever took it)', async () => {
    const svc = await t.container.getAsync(PurchasesService);
    const pushed = await push(t, key, { receipts: ['13544440001', '13544440002'].map((phone) => ({ ...receipt(), phone })) });
    const [first, second] = pushed.body.results.map((r: { receiptId: number }) => r.receiptId) as number[];
    const a = await makeMember(t, { storeId, phone: '13544440001' });
    const b = await makeMember(t, { storeId, phone: '13544440002' });
    const ops = await makeMember(t, { storeId });
    const regs = fakeEvents(
      'MemberRegistered',
      [a, b].map((m) => ({ memberId: m.id, unionid: null, storeId, referrerMemberId: null })),
      97_000_000,
    );
    await expect(
      d.transaction(async (em) => {
        const find = em.find.bind(em);
        let reads = 0;
        jest.spyOn(em, 'find').mockImplementation(async (...args: Parameters<typeof em.find>) => {
          const found = await find(...args);
          if (++reads === 1) await em.update(Receipt, { id: second }, { memberId: ops.id }); // ops matched it by hand just then
          return found;
        });
        await svc.onMemberRegistered(regs, em);
      }),
    ).rejects.toThrow('matched concurrently');
    const memberOf = async () => (await d.manager.find(Receipt, { where: { id: In([first, second]) }, order: { id: 'ASC' } })).map((r) => r.memberId);
    expect(await memberOf()).toEqual([null, null]);
    await d.manager.update(Receipt, { id: second }, { memberId: ops.id });
    for (const e of regs) await d.transaction((em) => svc.onMemberRegistered([e], em));
    expect(await memberOf()).toEqual([a.id, ops.id]);
  });
});

describe('phone binding for wx.login members (getPhoneNumber)', () => {
  const tapGetPhoneNumber = async (openid: string, phoneNumber: string): Promise<string> => {
    const res = await fetch(`${t.sim.url}/__sim/wechat/phone-codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid, phoneNumber }),
    });
    return ((await res.json()) as { code: string }).code;
  };
  const login = async () => {
    const { code, openid } = await t.wechatCode();
    const r = await t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } });
    return { openid, memberId: r.member.id, client: t.client(r.token) };
  };

  it('binds the WeChat number (encrypted + digest), attaches past till receipts with it, once per code, one member per number', async () => {
    const a = await login();
    expect(await a.client.call(identity.getMyPhone)).toEqual({ bound: false, phoneMasked: null });
    // a till receipt (and its refund) with the number arrived before the member bound it
    const early = receipt({ lines: [{ name: '五常大米', amountFen: 4990 }] });
    const pushed = await push(t, key, { receipts: [{ ...early, phone: '13600004444' }] });
    const refund = await push(t, key, { receipts: [receipt({ refundOf: early.receiptNo, lines: [{ name: '五常大米', amountFen: -990, qty: -1 }] })] });
    const earlyId = pushed.body.results[0].receiptId;
    expect((await d.manager.findOneByOrFail(Receipt, { id: earlyId })).memberId).toBeNull();

    const code = await tapGetPhoneNumber(a.openid, '13600004444');
    expect(await a.client.call(identity.bindMyPhone, { body: { code } })).toEqual({ bound: true, phoneMasked: '136****4444' });
    expect(await a.client.call(identity.getMyPhone)).toEqual({ bound: true, phoneMasked: '136****4444' });
    // stored as identity stores phones: the keyed digest and ciphertext, never the clear number
    expect((await d.manager.findOneByOrFail(Member, { id: a.memberId })).phoneDigest).toBe(phoneDigest('13600004444'));
    const [raw] = await d.manager.query('SELECT phone_enc, phone FROM member WHERE id = ?', [a.memberId]);
    expect(String(raw.phone_enc)).toMatch(/^v1\./);
    expect(JSON.stringify(raw)).not.toContain('13600004444');

    await settle(t);
    expect((await d.manager.findOneByOrFail(Receipt, { id: earlyId })).memberId).toBe(a.memberId);
    expect((await d.manager.findOneByOrFail(Receipt, { id: refund.body.results[0].receiptId })).memberId).toBe(a.memberId);
    expect(await d.manager.findOneBy(RfmOrder, { orderId: `r:${earlyId}` })).toMatchObject({ memberId: a.memberId, amountFen: 4990 });
    // a later receipt with the number matches at once
    const later = await push(t, key, { receipts: [{ ...receipt(), phone: '136 0000 4444' }] });
    expect((await d.manager.findOneByOrFail(Receipt, { id: later.body.results[0].receiptId })).memberId).toBe(a.memberId);

    // a code is good once; a made-up one is refused cleanly
    await expect(a.client.call(identity.bindMyPhone, { body: { code } })).rejects.toMatchObject({ status: 400, code: 'PHONE_CODE_INVALID' });
    await expect(a.client.call(identity.bindMyPhone, { body: { code: 'not-a-code' } })).rejects.toMatchObject({ status: 400, code: 'PHONE_CODE_INVALID' });
    // another member's code for the same number is refused (a digest names one member); the code of another WeChat user too
    const b = await login();
    await expect(b.client.call(identity.bindMyPhone, { body: { code: await tapGetPhoneNumber(b.openid, '13600004444') } })).rejects.toMatchObject({
      status: 409,
      code: 'PHONE_TAKEN',
    });
    await expect(b.client.call(identity.bindMyPhone, { body: { code: await tapGetPhoneNumber(a.openid, '13600005555') } })).rejects.toMatchObject({
      status: 400,
      code: 'PHONE_CODE_INVALID',
    });
    expect(await b.client.call(identity.getMyPhone)).toEqual({ bound: false, phoneMasked: null });
    // unauthenticated: 401
    await expect(t.client().call(identity.bindMyPhone, { body: { code } })).rejects.toMatchObject({ status: 401 });
  });
});

describe('POS rate limit', () => {
  it('counts the requests of a key chain-wide: hits taken by another instance count here', async () => {
    const k = await t.client(admin).call(api.createPosKey, { body: { storeId, name: '限流' } });
    const perMin = (await t.container.getAsync(PurchasesService)).config.POS_PUSH_PER_MIN;
    // stay inside one fixed one-minute window
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const mine = await t.container.getAsync(ChainLimits);
    // on MariaDB "another instance" is a second store over the same database; the embedded SQLite runs one process
    const other = d.kind === 'mysql' ? new DatabaseLimitStore(d) : mine;
    if (d.kind === 'mysql') expect(mine.kind).toBe('database');
    for (let i = 0; i < perMin - 1; i++) await other.hit(`pos:key:${k.keyId}`, perMin, 60_000);
    const last = await push(t, { keyId: k.keyId, secret: k.secret }, { receipts: [receipt()] });
    expect(last.status).toBe(200);
    const over = await push(t, { keyId: k.keyId, secret: k.secret }, { receipts: [receipt()] });
    expect(over).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    // another key is not affected
    expect((await push(t, key, { receipts: [receipt()] })).status).toBe(200);
  });
});

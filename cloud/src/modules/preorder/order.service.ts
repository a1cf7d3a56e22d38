/**
 * Orders: place (stock, day cap, member limit and slot place held by conditional UPDATEs in one
 * transaction — never read-then-write), pay through the payment module, settle on its events
 * (late payments reinstated when stock allows, else refunded), cancel / refund before the cutoff,
 * expire unpaid orders (their holds return exactly once: a conditional holds 1 → 0), and pickup
 * verification (核销) once only.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { randomInt } from 'crypto';
import { PaymentService, PaySettings, newTradeNo } from '../payment';
import { EntityManager, In, LessThan } from 'typeorm';
import { ORDER_STATUS_LABELS, type Order as OrderView, PICKUP_QR_PREFIX } from '../../../../contracts/preorder';
import type { ErrorCode } from '../../../../contracts/errors';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, dbDate, iso, isUniqueViolation, RetryTransaction } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus, OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import '../payment/events';
import '../purchases/events';
import './events';
import { IdentityReads } from '../identity';
import { PreorderCampaign, PreorderItem, PreorderItemDay, PreorderMemberItem, PreorderOrder, PreorderSlot, type StoredLine } from './entities/preorder.entity';
import { canCancel, mergeLines, parsePickupCode } from './rules';

const KIND_LABEL: Record<StoredLine['kind'], string> = { meal_kit: '料理包', chef_dish: '大师级成品', package: '主题套餐' };

export interface PlaceOrderInput {
  campaignId: number;
  storeId: number;
  slotId: number;
  lines: Array<{ itemId: number; qty: number }>;
  requestId?: string;
}

/** Order numbers are WeChat Pay out_trade_no values too: 6–32 letters and digits. */
function newOrderNo(now: Date): string {
  return newTradeNo('NY', now, 4);
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class OrderService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  payments!: PaymentService;

  @Inject()
  paySettings!: PaySettings;

  @Inject()
  identity!: IdentityReads;

  // ------------------------------------------------------------------ holds

  private async ensureRow(em: EntityManager, table: 'preorder_item_day' | 'preorder_member_item', a: number, b: string | number): Promise<void> {
    const cols = table === 'preorder_item_day' ? '(item_id, day, reserved)' : '(member_id, item_id, qty)';
    const verb = this.db.kind === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    await em.query(`${verb} INTO ${table} ${cols} VALUES (?, ?, 0)`, [a, b]);
  }

  private async bump(
    em: EntityManager,
    entity: typeof PreorderItem | typeof PreorderItemDay | typeof PreorderMemberItem | typeof PreorderSlot,
    column: string,
    delta: number,
    where: string,
    params: Record<string, unknown>,
  ): Promise<boolean> {
    const res = await em
      .createQueryBuilder()
      .update(entity)
      .set({
        [column === 'sold' ? 'sold' : column === 'reserved' ? 'reserved' : column === 'qty' ? 'qty' : 'booked']: () =>
          `${column} ${delta >= 0 ? '+' : '-'} ${Math.abs(delta)}`,
      } as never)
      .where(where, params)
      .execute();
    return (res.affected ?? 0) === 1;
  }

  /**
   * Hold everything an order needs, in one fixed order (member limits, slot, day caps, stock) so
   * parallel transactions never wait on each other in a cycle; the hot stock row is locked last
   * and so for the shortest time. Answers the first refusal; what was held before it is undone
   * (the caller's transaction may also roll it back).
   */
  private async hold(
    em: EntityManager,
    memberId: number,
    slot: PreorderSlot,
    lines: StoredLine[],
    items: Map<number, PreorderItem>,
  ): Promise<ErrorCode | null> {
    const undo: Array<() => Promise<unknown>> = [];
    const fail = async (code: ErrorCode) => {
      for (const f of undo.reverse()) await f();
      return code;
    };
    for (const l of lines) {
      const it = items.get(l.itemId)!;
      await this.ensureRow(em, 'preorder_member_item', memberId, l.itemId);
      if (
        !(await this.bump(em, PreorderMemberItem, 'qty', l.qty, `member_id = :m AND item_id = :i AND qty + ${l.qty} <= :lim`, {
          m: memberId,
          i: l.itemId,
          lim: it.perMemberLimit,
        }))
      )
        return fail('PREORDER_MEMBER_LIMIT');
      undo.push(() => this.bump(em, PreorderMemberItem, 'qty', -l.qty, 'member_id = :m AND item_id = :i', { m: memberId, i: l.itemId }));
    }
    if (!(await this.bump(em, PreorderSlot, 'booked', 1, 'id = :id AND booked < capacity', { id: slot.id }))) return fail('PREORDER_SLOT_FULL');
    undo.push(() => this.bump(em, PreorderSlot, 'booked', -1, 'id = :id', { id: slot.id }));
    for (const l of lines) {
      const it = items.get(l.itemId)!;
      if (it.kind !== 'chef_dish' || !it.dailyCap) continue;
      await this.ensureRow(em, 'preorder_item_day', l.itemId, slot.day);
      if (
        !(await this.bump(em, PreorderItemDay, 'reserved', l.qty, `item_id = :i AND day = :d AND reserved + ${l.qty} <= :cap`, {
          i: l.itemId,
          d: slot.day,
          cap: it.dailyCap,
        }))
      )
        return fail('PREORDER_DAY_CAP');
      undo.push(() => this.bump(em, PreorderItemDay, 'reserved', -l.qty, 'item_id = :i AND day = :d', { i: l.itemId, d: slot.day }));
    }
    for (const l of lines) {
      if (!(await this.bump(em, PreorderItem, 'sold', l.qty, `id = :id AND on_sale = 1 AND sold + ${l.qty} <= stock_total`, { id: l.itemId })))
        return fail('PREORDER_SOLD_OUT');
      undo.push(() => this.bump(em, PreorderItem, 'sold', -l.qty, 'id = :id', { id: l.itemId }));
    }
    return null;
  }

  /** Give back what an order held; call only after winning the holds 1 → 0 update. */
  private async release(em: EntityManager, order: PreorderOrder): Promise<void> {
    const lines = order.lines;
    const slot = await em.findOne(PreorderSlot, { where: { id: order.slotId } });
    for (const l of lines) await this.bump(em, PreorderMemberItem, 'qty', -l.qty, 'member_id = :m AND item_id = :i', { m: order.memberId, i: l.itemId });
    await this.bump(em, PreorderSlot, 'booked', -1, 'id = :id', { id: order.slotId });
    if (slot)
      for (const l of lines)
        if (l.kind === 'chef_dish')
          await em
            .createQueryBuilder()
            .update(PreorderItemDay)
            .set({ reserved: () => `reserved - ${l.qty}` })
            .where('item_id = :i AND day = :d AND reserved >= :q', { i: l.itemId, d: slot.day, q: l.qty })
            .execute();
    for (const l of lines) await this.bump(em, PreorderItem, 'sold', -l.qty, 'id = :id', { id: l.itemId });
  }

  /** Conditional status change that also drops the holds (exactly once); true when this caller won. */
  private async dropHolds(em: EntityManager, orderId: number, from: string[], set: Partial<PreorderOrder>): Promise<boolean> {
    const res = await em
      .createQueryBuilder()
      .update(PreorderOrder)
      .set({ ...set, holds: 0, updatedAt: new Date() })
      .where('id = :id AND holds = 1 AND status IN (:...from)', { id: orderId, from })
      .execute();
    return (res.affected ?? 0) === 1;
  }

  // ------------------------------------------------------------------ members

  async place(memberId: number, input: PlaceOrderInput, now = new Date()): Promise<OrderView> {
    if (input.requestId) {
      const again = await this.db.manager.findOne(PreorderOrder, { where: { memberId, requestId: input.requestId } });
      if (again) return (await this.views([again]))[0];
    }
    const campaign = await this.db.manager.findOne(PreorderCampaign, { where: { id: input.campaignId } });
    if (!campaign || campaign.status !== 'published' || now < dbDate(campaign.saleStartsAt) || now >= dbDate(campaign.saleEndsAt))
      throw new AppError('PREORDER_NOT_ON_SALE');
    if (!campaign.storeIds.includes(input.storeId)) throw new AppError('PREORDER_STORE_NOT_IN_CAMPAIGN');
    const slot = await this.db.manager.findOne(PreorderSlot, { where: { id: input.slotId } });
    if (!slot || slot.campaignId !== campaign.id || slot.storeId !== input.storeId)
      throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'slotId', message: '取货时段不存在' }]);
    if (dbDate(slot.endsAt) <= now) throw new AppError('PREORDER_SLOT_FULL', '该取货时段已过，请换一个时段');
    const merged = mergeLines(input.lines);
    const items = new Map((await this.db.manager.find(PreorderItem, { where: { id: In(merged.map((l) => l.itemId)) } })).map((i) => [i.id, i]));
    const lines: StoredLine[] = [];
    for (const l of merged) {
      const it = items.get(l.itemId);
      if (!it || it.campaignId !== campaign.id) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'lines', message: '菜品不存在' }]);
      if (!it.onSale) throw new AppError('PREORDER_SOLD_OUT', `「${it.name}」已下架`);
      lines.push({ itemId: it.id, name: it.name, kind: it.kind, qty: l.qty, unitPriceFen: it.priceFen, amountFen: it.priceFen * l.qty });
    }
    const totalFen = lines.reduce((s, l) => s + l.amountFen, 0);
    const expiresAt = new Date(now.getTime() + this.paySettings.config.payMinutes * 60_000);
    let orderId: number;
    try {
      orderId = await this.db.transaction(
        async (em) => {
          let id: number;
          try {
            const res = await em.insert(PreorderOrder, {
              orderNo: newOrderNo(now),
              campaignId: campaign.id,
              memberId,
              storeId: input.storeId,
              slotId: slot.id,
              status: 'pending_payment',
              holds: 1,
              totalFen,
              lines,
              requestId: input.requestId ?? null,
              pickupCode: String(randomInt(0, 1_000_000)).padStart(6, '0'),
              expiresAt,
              paidAt: null,
              cancelledAt: null,
              refundFen: 0,
              refundedAt: null,
              pickedUpAt: null,
              pickedUpBy: null,
              createdAt: now,
              updatedAt: now,
            });
            id = Number(res.identifiers[0].id);
          } catch (err) {
            if (!isUniqueViolation(err)) throw err;
            if (input.requestId && (await em.findOne(PreorderOrder, { where: { memberId, requestId: input.requestId } }))) throw err;
            throw new RetryTransaction('pickup code or order number taken');
          }
          const refused = await this.hold(em, memberId, slot, lines, items);
          if (refused) throw new AppError(refused);
          return id;
        },
        { attempts: 5 },
      );
    } catch (err) {
      if (input.requestId && isUniqueViolation(err)) {
        const again = await this.db.manager.findOne(PreorderOrder, { where: { memberId, requestId: input.requestId } });
        if (again) return (await this.views([again]))[0];
      }
      throw err;
    }
    return this.getMine(memberId, orderId);
  }

  async pay(memberId: number, orderId: number, now = new Date()) {
    const order = await this.mine(memberId, orderId);
    if (order.status === 'paid' || order.status === 'picked_up') throw new AppError('PAY_ALREADY_PAID');
    if (order.status !== 'pending_payment' || dbDate(order.expiresAt) <= now) throw new AppError('PREORDER_NOT_PAYABLE');
    const openid = await this.identity.openid(memberId);
    if (!openid) throw new AppError('PREORDER_NO_OPENID');
    const campaign = await this.db.manager.findOne(PreorderCampaign, { where: { id: order.campaignId } });
    const lines = order.lines;
    const description = `${campaign?.name ?? '预订'}-${lines.map((l) => `${l.name}×${l.qty}`).join('、')}`;
    const answer = await this.payments.prepay({
      purpose: 'preorder',
      outTradeNo: order.orderNo,
      memberId,
      openid,
      amountFen: order.totalFen,
      description,
      expiresAt: dbDate(order.expiresAt),
    });
    return { orderNo: order.orderNo, requestPayment: answer.requestPayment, simulatorCashierUrl: answer.simulatorCashierUrl };
  }

  async cancel(memberId: number, orderId: number, now = new Date()): Promise<OrderView> {
    const order = await this.mine(memberId, orderId);
    const campaign = (await this.db.manager.findOne(PreorderCampaign, { where: { id: order.campaignId } }))!;
    // asking again after it went through answers the order as it stands (a refund happens once)
    if (order.status === 'cancelled' || order.status === 'refunding' || order.status === 'refunded') return this.getMine(memberId, orderId);
    if (order.status !== 'pending_payment' && order.status !== 'paid') throw new AppError('PREORDER_NOT_CANCELLABLE');
    if (!canCancel(order.status, dbDate(campaign.cancelCutoffAt), now)) throw new AppError('PREORDER_CANCEL_CLOSED');
    await this.db.transaction(
      async (em) => {
        if (await this.dropHolds(em, order.id, ['pending_payment'], { status: 'cancelled', cancelledAt: now })) {
          await this.release(em, order);
          this.db.afterCommit(em, () => {
            void this.payments.close(order.orderNo).catch(() => undefined);
          });
          return;
        }
        if (await this.dropHolds(em, order.id, ['paid'], { status: 'refunding', cancelledAt: now, refundFen: order.totalFen })) {
          await this.release(em, order);
          await this.payments.requestRefund(em, {
            purpose: 'preorder',
            outTradeNo: order.orderNo,
            outRefundNo: `${order.orderNo}R1`,
            memberId,
            refundFen: order.totalFen,
            totalFen: order.totalFen,
            reason: '会员取消预订',
          });
        }
      },
      { attempts: 4 },
    );
    return this.getMine(memberId, orderId);
  }

  private async mine(memberId: number, orderId: number): Promise<PreorderOrder> {
    const order = await this.db.manager.findOne(PreorderOrder, { where: { id: orderId } });
    if (!order || order.memberId !== memberId) throw new AppError('NOT_FOUND');
    return order;
  }

  async getMine(memberId: number, orderId: number): Promise<OrderView> {
    return (await this.views([await this.mine(memberId, orderId)]))[0];
  }

  /** 首页's 待自提: the member's paid order whose pickup window is next (not yet over), or null. */
  async nextPickup(memberId: number, now = new Date()): Promise<OrderView | null> {
    const row = await this.db.manager
      .createQueryBuilder(PreorderOrder, 'o')
      .innerJoin(PreorderSlot, 's', 's.id = o.slot_id')
      .where("o.member_id = :memberId AND o.status = 'paid' AND s.ends_at > :now", { memberId, now })
      .orderBy('s.starts_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .getOne();
    return row ? (await this.views([row]))[0] : null;
  }

  async listMine(memberId: number, page: number, pageSize: number) {
    const [rows, total] = await this.db.manager.findAndCount(PreorderOrder, {
      where: { memberId },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: await this.views(rows), total, page, pageSize };
  }

  // ------------------------------------------------------------------ expiry (job)

  /** Unpaid orders past their 15 minutes give their holds back (exactly once) and their trade is closed. */
  async expireDue(now = new Date(), limit = 200): Promise<{ expired: number }> {
    const due = await this.db.manager.find(PreorderOrder, {
      where: { status: 'pending_payment', expiresAt: LessThan(now) },
      order: { expiresAt: 'ASC' },
      take: limit,
    });
    let expired = 0;
    for (const order of due) {
      const won = await this.db.transaction(
        async (em) => {
          if (!(await this.dropHolds(em, order.id, ['pending_payment'], { status: 'expired' }))) return false;
          await this.release(em, order);
          return true;
        },
        { attempts: 4 },
      );
      if (won) {
        expired++;
        await this.payments.close(order.orderNo);
      }
    }
    return { expired };
  }

  // ------------------------------------------------------------------ payment events

  @OnEvent('PaymentSucceeded')
  async onPaymentSucceeded(event: DeliveredEvent<'PaymentSucceeded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (p.purpose !== 'preorder') return;
    const order = await em.findOne(PreorderOrder, { where: { orderNo: p.outTradeNo } });
    if (!order) return;
    const paidAt = new Date(p.paidAt);
    if (order.status === 'pending_payment') {
      const res = await em
        .createQueryBuilder()
        .update(PreorderOrder)
        .set({ status: 'paid', paidAt, updatedAt: new Date() })
        .where("id = :id AND status = 'pending_payment'", { id: order.id })
        .execute();
      if ((res.affected ?? 0) === 1) await this.emitPaid(em, order, paidAt);
      return;
    }
    if ((order.status === 'expired' || order.status === 'cancelled') && order.holds === 0) {
      // paid after the order expired: reinstated if everything can still be held; a cancelled
      // order (the member said no) or one that no longer fits is refunded in full
      let reinstated = false;
      if (order.status === 'expired') {
        const lines = order.lines;
        const slot = await em.findOne(PreorderSlot, { where: { id: order.slotId } });
        const items = new Map((await em.find(PreorderItem, { where: { id: In(lines.map((l) => l.itemId)) } })).map((i) => [i.id, i]));
        if (slot && lines.every((l) => items.has(l.itemId)) && (await this.hold(em, order.memberId, slot, lines, items)) === null) {
          const res = await em
            .createQueryBuilder()
            .update(PreorderOrder)
            .set({ status: 'paid', holds: 1, paidAt, updatedAt: new Date() })
            .where("id = :id AND status = 'expired' AND holds = 0", { id: order.id })
            .execute();
          reinstated = (res.affected ?? 0) === 1;
          if (reinstated) await this.emitPaid(em, order, paidAt);
          else throw new RetryTransaction('order changed while reinstating');
        }
      }
      if (!reinstated) {
        const res = await em
          .createQueryBuilder()
          .update(PreorderOrder)
          .set({ status: 'refunding', refundFen: order.totalFen, paidAt, updatedAt: new Date() })
          .where('id = :id AND holds = 0 AND status IN (:...s)', { id: order.id, s: ['expired', 'cancelled'] })
          .execute();
        if ((res.affected ?? 0) === 1) {
          await this.payments.requestRefund(em, {
            purpose: 'preorder',
            outTradeNo: order.orderNo,
            outRefundNo: `${order.orderNo}R1`,
            memberId: order.memberId,
            refundFen: order.totalFen,
            totalFen: order.totalFen,
            reason: order.status === 'cancelled' ? '订单已取消，自动退款' : '订单已超时且库存不足，自动退款',
          });
        }
      }
    }
  }

  private async emitPaid(em: EntityManager, order: PreorderOrder, paidAt: Date): Promise<void> {
    const lines = order.lines;
    await this.events.emit(em, 'OrderPaid', {
      orderId: order.orderNo,
      memberId: order.memberId,
      storeId: order.storeId,
      amountFen: order.totalFen,
      paidAt: paidAt.toISOString(),
      items: lines.map((l) => ({
        name: l.name,
        qty: l.qty,
        sku: `preorder-item-${l.itemId}`,
        category: KIND_LABEL[l.kind],
        unitPriceFen: l.unitPriceFen,
        amountFen: l.amountFen,
      })),
    });
  }

  @OnEvent('PaymentRefunded')
  async onPaymentRefunded(event: DeliveredEvent<'PaymentRefunded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (p.purpose !== 'preorder') return;
    const order = await em.findOne(PreorderOrder, { where: { orderNo: p.outTradeNo } });
    if (!order) return;
    const at = new Date(p.refundedAt);
    const res = await em
      .createQueryBuilder()
      .update(PreorderOrder)
      .set({ status: 'refunded', refundedAt: at, refundFen: p.amountFen, updatedAt: new Date() })
      .where("id = :id AND status = 'refunding'", { id: order.id })
      .execute();
    if ((res.affected ?? 0) !== 1) return;
    await this.events.emit(em, 'OrderRefunded', {
      orderId: order.orderNo,
      refundId: p.outRefundNo,
      memberId: order.memberId,
      storeId: order.storeId,
      amountFen: p.amountFen,
      refundedAt: at.toISOString(),
    });
  }

  // ------------------------------------------------------------------ pickup (核销)

  private async byCode(staff: StaffPrincipal, text: string): Promise<PreorderOrder> {
    const code = parsePickupCode(text);
    if (!code) throw new AppError('PREORDER_CODE_INVALID');
    const found = await this.db.manager.find(PreorderOrder, {
      where: { pickupCode: code, status: In(['paid', 'picked_up', 'refunding', 'refunded']) },
      order: { id: 'DESC' },
      take: 20,
    });
    const mine = found.filter((o) => staff.role === 'hq_admin' || (staff.storeId !== null && staff.storeId === o.storeId));
    const pick = mine.find((o) => o.status === 'paid') ?? mine[0];
    if (!pick) throw new AppError('PREORDER_CODE_INVALID');
    return pick;
  }

  async findForPickup(staff: StaffPrincipal, code: string): Promise<OrderView> {
    return (await this.views([await this.byCode(staff, code)]))[0];
  }

  async verifyPickup(staff: StaffPrincipal, code: string, now = new Date()): Promise<OrderView> {
    const order = await this.byCode(staff, code);
    const won = await this.db.transaction(
      async (em) => {
        const res = await em
          .createQueryBuilder()
          .update(PreorderOrder)
          .set({ status: 'picked_up', pickedUpAt: now, pickedUpBy: staff.staffId, updatedAt: now })
          .where("id = :id AND status = 'paid'", { id: order.id })
          .execute();
        if ((res.affected ?? 0) !== 1) return false;
        await this.events.emit(em, 'OrderPickedUp', {
          orderId: order.orderNo,
          memberId: order.memberId,
          storeId: order.storeId,
          pickedUpAt: now.toISOString(),
          staffId: staff.staffId,
        });
        await this.events.emit(em, 'MemberArrived', { memberId: order.memberId, storeId: order.storeId, via: 'pickup', at: now.toISOString() });
        return true;
      },
      { attempts: 3 },
    );
    if (!won) {
      const fresh = (await this.db.manager.findOne(PreorderOrder, { where: { id: order.id } }))!;
      throw new AppError(fresh.status === 'picked_up' ? 'PREORDER_ALREADY_PICKED_UP' : 'PREORDER_NOT_PAID');
    }
    return (await this.views([(await this.db.manager.findOne(PreorderOrder, { where: { id: order.id } }))!]))[0];
  }

  // ------------------------------------------------------------------ views

  async views(rows: PreorderOrder[], now = new Date()): Promise<OrderView[]> {
    if (!rows.length) return [];
    const campaigns = new Map(
      (await this.db.manager.find(PreorderCampaign, { where: { id: In([...new Set(rows.map((r) => r.campaignId))]) } })).map((c) => [c.id, c]),
    );
    const slots = new Map((await this.db.manager.find(PreorderSlot, { where: { id: In([...new Set(rows.map((r) => r.slotId))]) } })).map((s) => [s.id, s]));
    const stores = await this.identity.storeNames(rows.map((r) => r.storeId));
    const staff = await this.identity.staffNames(rows.map((r) => r.pickedUpBy));
    return rows.map((o) => {
      const c = campaigns.get(o.campaignId)!;
      const s = slots.get(o.slotId)!;
      const shown = o.status === 'paid' || o.status === 'picked_up';
      const cutoff = dbDate(c.cancelCutoffAt);
      return {
        id: o.id,
        orderNo: o.orderNo,
        status: o.status,
        statusLabel: ORDER_STATUS_LABELS[o.status],
        campaignId: o.campaignId,
        campaignName: c.name,
        memberId: o.memberId,
        storeId: o.storeId,
        storeName: stores.get(o.storeId) ?? null,
        slot: { id: s.id, day: s.day, startsAt: iso(dbDate(s.startsAt)), endsAt: iso(dbDate(s.endsAt)) },
        lines: o.lines,
        totalFen: o.totalFen,
        expiresAt: iso(dbDate(o.expiresAt)),
        paidAt: o.paidAt ? iso(dbDate(o.paidAt)) : null,
        pickupCode: shown ? o.pickupCode : null,
        pickupQr: shown ? `${PICKUP_QR_PREFIX}${o.pickupCode}` : null,
        cancelCutoffAt: iso(cutoff),
        canCancel: canCancel(o.status, cutoff, now),
        refundFen: o.refundFen,
        refundedAt: o.refundedAt ? iso(dbDate(o.refundedAt)) : null,
        pickedUpAt: o.pickedUpAt ? iso(dbDate(o.pickedUpAt)) : null,
        pickedUpByName: o.pickedUpBy ? (staff.get(o.pickedUpBy) ?? null) : null,
        createdAt: iso(dbDate(o.createdAt)),
      };
    });
  }
}

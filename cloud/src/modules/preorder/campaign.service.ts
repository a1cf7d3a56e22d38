/**
 * Campaigns, items and slots (ops), the members' menu with 「为你推荐」, the order list, its Excel
 * export and the kitchen prep sheet. Contest dishes are read through the menu module's DishService.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, MoreThan } from 'typeorm';
import type { z } from 'zod';
import {
  type Campaign,
  type CampaignInput,
  type ItemInput,
  type MenuItem,
  ORDER_STATUS_LABELS,
  type OrderStatus,
  RECOMMENDATION_RULE,
  type Slot,
} from '../../../../contracts/preorder';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, dbDate, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { DishService } from '../menu';
import { MemberBuysService } from '../purchases';
import { IdentityReads } from '../identity';
import { OrderService } from './order.service';
import { PreorderCampaign, PreorderItem, PreorderOrder, PreorderSlot } from './entities/preorder.entity';
import { beijingTime, recommend } from './rules';
import { formatDateTime } from '../../../../contracts/calendar';

/** The ledger's sku of a pre-order line (order.service books `preorder-item-<id>`). */
const PREORDER_SKU = /^preorder-item-(\d+)$/;
/** How far back 「为你推荐」 looks into the ledger: a year, so last New Year's orders count. */
const LEDGER_DAYS = 400;

export interface OrderFilter {
  campaignId?: number;
  storeId?: number;
  status?: OrderStatus;
  day?: string;
  q?: string;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class CampaignService {
  @Inject()
  memberBuys!: MemberBuysService;

  @Inject()
  db!: Db;

  @Inject()
  dishes!: DishService;

  @Inject()
  orders!: OrderService;

  @Inject()
  identity!: IdentityReads;

  campaignView(c: PreorderCampaign): Campaign {
    return {
      id: c.id,
      name: c.name,
      saleStartsAt: iso(dbDate(c.saleStartsAt)),
      saleEndsAt: iso(dbDate(c.saleEndsAt)),
      cancelCutoffAt: iso(dbDate(c.cancelCutoffAt)),
      storeIds: c.storeIds,
      status: c.status,
      createdAt: iso(dbDate(c.createdAt)),
    };
  }

  itemView(i: PreorderItem): MenuItem {
    return {
      id: i.id,
      campaignId: i.campaignId,
      kind: i.kind,
      theme: i.theme,
      name: i.name,
      description: i.description,
      priceFen: i.priceFen,
      photoUrl: i.photoUrl,
      allergens: i.allergens,
      servings: i.servings,
      contents: i.contents,
      stockTotal: i.stockTotal,
      stockLeft: Math.max(0, i.stockTotal - i.sold),
      perMemberLimit: i.perMemberLimit,
      dailyCap: i.dailyCap,
      dish: i.dishId ? { dishId: i.dishId, authorDisplayName: i.dishAuthor ?? '', entryId: i.dishEntryId, contestId: i.dishContestId } : null,
      onSale: !!i.onSale,
    };
  }

  slotView(s: PreorderSlot): Slot {
    return {
      id: s.id,
      campaignId: s.campaignId,
      storeId: s.storeId,
      day: s.day,
      startsAt: iso(dbDate(s.startsAt)),
      endsAt: iso(dbDate(s.endsAt)),
      capacity: s.capacity,
      booked: s.booked,
      left: Math.max(0, s.capacity - s.booked),
    };
  }

  private scoped(staff: StaffPrincipal, storeIds: number[]): number[] | null {
    if (staff.role === 'hq_admin') return null;
    return staff.storeId !== null && storeIds.includes(staff.storeId) ? [staff.storeId] : [];
  }

  // ------------------------------------------------------------------ ops: campaigns, items, slots

  async list(staff: StaffPrincipal) {
    const rows = await this.db.manager.find(PreorderCampaign, { order: { id: 'DESC' }, take: 100 });
    const visible = rows.filter((c) => staff.role === 'hq_admin' || (staff.storeId !== null && c.storeIds.includes(staff.storeId)));
    return { items: visible.map((c) => this.campaignView(c)), recommendationRule: RECOMMENDATION_RULE };
  }

  async create(input: z.output<typeof CampaignInput>): Promise<Campaign> {
    const starts = new Date(input.saleStartsAt);
    const ends = new Date(input.saleEndsAt);
    const cutoff = new Date(input.cancelCutoffAt);
    if (!(starts < ends)) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'saleEndsAt', message: '结束时间须晚于开始时间' }]);
    const stores = await this.identity.storeNames(input.storeIds);
    const missing = input.storeIds.filter((id) => !stores.has(id));
    if (missing.length) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'storeIds', message: `门店不存在：${missing.join(',')}` }]);
    const now = new Date();
    const id = await this.db.transaction(async (em) => {
      const r = await em.insert(PreorderCampaign, {
        name: input.name,
        saleStartsAt: starts,
        saleEndsAt: ends,
        cancelCutoffAt: cutoff,
        storeIds: [...new Set(input.storeIds)],
        status: input.status,
        createdAt: now,
        updatedAt: now,
      });
      return Number(r.identifiers[0].id);
    });
    return this.campaignView((await this.db.manager.findOne(PreorderCampaign, { where: { id } }))!);
  }

  private async campaign(id: number): Promise<PreorderCampaign> {
    const c = await this.db.manager.findOne(PreorderCampaign, { where: { id } });
    if (!c) throw new AppError('NOT_FOUND');
    return c;
  }

  async detail(staff: StaffPrincipal, campaignId: number) {
    const c = await this.campaign(campaignId);
    const scope = this.scoped(staff, c.storeIds);
    if (scope && !scope.length) throw new AppError('NOT_FOUND');
    const items = await this.db.manager.find(PreorderItem, { where: { campaignId }, order: { sort: 'ASC', id: 'ASC' } });
    const slots = await this.db.manager.find(PreorderSlot, {
      where: scope ? { campaignId, storeId: In(scope) } : { campaignId },
      order: { startsAt: 'ASC', storeId: 'ASC' },
    });
    return { campaign: this.campaignView(c), items: items.map((i) => this.itemView(i)), slots: slots.map((s) => this.slotView(s)) };
  }

  async addItem(campaignId: number, input: z.output<typeof ItemInput>): Promise<MenuItem> {
    await this.campaign(campaignId);
    // the credit comes from the menu module (the dish the contest created), never its tables
    const dish = input.dishId ? await this.dishes.get(input.dishId) : null;
    const id = await this.db.transaction(async (em) => {
      const r = await em.insert(PreorderItem, {
        campaignId,
        kind: input.kind,
        theme: input.theme,
        name: input.name,
        description: input.description,
        priceFen: input.priceFen,
        photoUrl: input.photoUrl ?? dish?.coverUrl ?? null,
        allergens: input.allergens,
        contents: input.contents,
        servings: input.servings,
        stockTotal: input.stockTotal,
        sold: 0,
        perMemberLimit: input.perMemberLimit,
        dailyCap: input.kind === 'chef_dish' ? input.dailyCap : null,
        dishId: dish?.id ?? null,
        dishAuthor: dish?.authorDisplayName ?? null,
        dishEntryId: dish?.entryId ?? null,
        dishContestId: dish?.contestId ?? null,
        sort: input.sort,
        onSale: true,
        createdAt: new Date(),
      });
      return Number(r.identifiers[0].id);
    });
    return this.itemView((await this.db.manager.findOne(PreorderItem, { where: { id } }))!);
  }

  async updateItem(itemId: number, patch: { stockTotal?: number; priceFen?: number; perMemberLimit?: number; onSale?: boolean }): Promise<MenuItem> {
    await this.db.transaction(async (em) => {
      const item = await em.findOne(PreorderItem, { where: { id: itemId } });
      if (!item) throw new AppError('NOT_FOUND');
      const set: Record<string, unknown> = {};
      if (patch.priceFen !== undefined) set.priceFen = patch.priceFen;
      if (patch.perMemberLimit !== undefined) set.perMemberLimit = patch.perMemberLimit;
      if (patch.onSale !== undefined) set.onSale = patch.onSale;
      if (patch.stockTotal !== undefined) {
        // conditional: never below what is already held or sold, even while orders come in
        const r = await em
          .createQueryBuilder()
          .update(PreorderItem)
          .set({ stockTotal: patch.stockTotal })
          .where('id = :id AND sold <= :stock', { id: itemId, stock: patch.stockTotal })
          .execute();
        if ((r.affected ?? 0) !== 1) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'stockTotal', message: '库存不能少于已售出的份数' }]);
      }
      if (Object.keys(set).length) await em.update(PreorderItem, { id: itemId }, set);
    });
    return this.itemView((await this.db.manager.findOne(PreorderItem, { where: { id: itemId } }))!);
  }

  async addSlots(
    staff: StaffPrincipal,
    campaignId: number,
    input: { storeId: number; days: string[]; windows: Array<{ start: string; end: string }>; capacity: number },
  ) {
    const c = await this.campaign(campaignId);
    if (!c.storeIds.includes(input.storeId)) throw new AppError('PREORDER_STORE_NOT_IN_CAMPAIGN');
    if (staff.role !== 'hq_admin' && staff.storeId !== input.storeId) throw new AppError('FORBIDDEN');
    for (const w of input.windows)
      if (w.start >= w.end) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'windows', message: '结束时间须晚于开始时间' }]);
    const ids = await this.db.transaction(async (em) => {
      const out: number[] = [];
      for (const day of [...new Set(input.days)].sort()) {
        for (const w of input.windows) {
          const r = await em.insert(PreorderSlot, {
            campaignId,
            storeId: input.storeId,
            day,
            startsAt: beijingTime(day, w.start),
            endsAt: beijingTime(day, w.end),
            capacity: input.capacity,
            booked: 0,
          });
          out.push(Number(r.identifiers[0].id));
        }
      }
      return out;
    });
    const rows = await this.db.manager.find(PreorderSlot, { where: { id: In(ids) }, order: { startsAt: 'ASC' } });
    return { items: rows.map((s) => this.slotView(s)) };
  }

  // ------------------------------------------------------------------ members: menu and slots

  /** The campaign on sale now (else the next one to open, else the latest). */
  private async current(campaignId: number | undefined, now: Date): Promise<PreorderCampaign | null> {
    if (campaignId) {
      const c = await this.db.manager.findOne(PreorderCampaign, { where: { id: campaignId, status: 'published' } });
      if (!c) throw new AppError('NOT_FOUND');
      return c;
    }
    const open = await this.db.manager.find(PreorderCampaign, {
      where: { status: 'published', saleEndsAt: MoreThan(now) },
      order: { saleStartsAt: 'ASC', id: 'ASC' },
      take: 10,
    });
    return open.find((c) => dbDate(c.saleStartsAt) <= now) ?? open[0] ?? null;
  }

  async menu(memberId: number, campaignId: number | undefined, now = new Date()) {
    const c = await this.current(campaignId, now);
    if (!c) return { campaign: null, onSale: false, stores: [], sections: [], recommended: { itemIds: [], reason: '', rule: RECOMMENDATION_RULE } };
    const items = await this.db.manager.find(PreorderItem, { where: { campaignId: c.id }, order: { sort: 'ASC', id: 'ASC' } });
    const views = items.map((i) => this.itemView(i));
    const sections: Array<{ theme: string; items: MenuItem[] }> = [];
    for (const v of views) {
      let s = sections.find((x) => x.theme === v.theme);
      if (!s) sections.push((s = { theme: v.theme, items: [] }));
      s.items.push(v);
    }
    // purchase-aware from the purchases ledger (its public read): earlier pre-orders are its
    // `preorder-item-<id>` lines, everything else is what the member buys in store
    const buys = await this.memberBuys.recentBuys(memberId, LEDGER_DAYS, now);
    const pastItemIds = [
      ...new Set(
        buys
          .map((b) => PREORDER_SKU.exec(b.sku ?? '')?.[1])
          .filter((x): x is string => !!x)
          .map(Number),
      ),
    ];
    const pastItems = pastItemIds.length ? await this.db.manager.find(PreorderItem, { where: { id: In(pastItemIds) } }) : [];
    const rec = recommend({
      items: items.map((i) => ({
        id: i.id,
        kind: i.kind,
        theme: i.theme,
        servings: i.servings,
        sold: i.sold,
        onSale: !!i.onSale,
        stockLeft: i.stockTotal - i.sold,
        text: [i.name, ...i.contents, i.description].join(' '),
      })),
      household: await this.identity.household(memberId),
      history: pastItems.map((i) => ({ kind: i.kind, theme: i.theme })),
      bought: buys.filter((b) => !PREORDER_SKU.test(b.sku ?? '')).slice(0, 30),
    });
    const storeIds = c.storeIds;
    const names = await this.identity.storeNames(storeIds);
    return {
      campaign: this.campaignView(c),
      onSale: dbDate(c.saleStartsAt) <= now && now < dbDate(c.saleEndsAt),
      stores: storeIds.filter((id) => names.has(id)).map((id) => ({ id, name: names.get(id)! })),
      sections,
      recommended: { ...rec, rule: RECOMMENDATION_RULE },
    };
  }

  async openSlots(campaignId: number, storeId: number, now = new Date()) {
    const rows = await this.db.manager
      .createQueryBuilder(PreorderSlot, 's')
      .where('s.campaign_id = :campaignId AND s.store_id = :storeId AND s.ends_at > :now AND s.booked < s.capacity', { campaignId, storeId, now })
      .orderBy('s.starts_at', 'ASC')
      .getMany();
    return { items: rows.map((s) => this.slotView(s)) };
  }

  // ------------------------------------------------------------------ ops: orders, export, prep sheet

  private async filtered(staff: StaffPrincipal, f: OrderFilter, page?: { page: number; pageSize: number }) {
    const qb = this.db.manager.createQueryBuilder(PreorderOrder, 'o');
    if (f.campaignId) qb.andWhere('o.campaign_id = :c', { c: f.campaignId });
    if (staff.role !== 'hq_admin') qb.andWhere('o.store_id = :own', { own: staff.storeId ?? -1 });
    if (f.storeId) qb.andWhere('o.store_id = :s', { s: f.storeId });
    if (f.status) qb.andWhere('o.status = :st', { st: f.status });
    if (f.day) qb.andWhere('o.slot_id IN (SELECT id FROM preorder_slot WHERE day = :day)', { day: f.day });
    if (f.q) qb.andWhere('(o.order_no = :q OR o.pickup_code = :q)', { q: f.q });
    qb.orderBy('o.id', 'DESC');
    if (page) qb.skip((page.page - 1) * page.pageSize).take(page.pageSize);
    else qb.take(20_000);
    return qb.getManyAndCount();
  }

  async listOrders(staff: StaffPrincipal, f: OrderFilter & { page: number; pageSize: number }) {
    const [rows, total] = await this.filtered(staff, f, f);
    return { items: await this.orders.views(rows), total, page: f.page, pageSize: f.pageSize };
  }

  async exportOrders(staff: StaffPrincipal, f: OrderFilter): Promise<Buffer> {
    const [rows] = await this.filtered(staff, f);
    const views = await this.orders.views(rows);
    // exceljs is loaded on the first export, not at every start (~0.8 s of CPU per start)
    const { Workbook } = await import('exceljs');
    const wb = new Workbook();
    const ws = wb.addWorksheet('订单');
    ws.columns = [
      { header: '订单号', key: 'orderNo', width: 22 },
      { header: '状态', key: 'status', width: 10 },
      { header: '门店', key: 'store', width: 14 },
      { header: '取货日', key: 'day', width: 12 },
      { header: '时段', key: 'slot', width: 14 },
      { header: '菜品', key: 'lines', width: 48 },
      { header: '金额（元）', key: 'total', width: 12 },
      { header: '退款（元）', key: 'refund', width: 12 },
      { header: '取货码', key: 'code', width: 10 },
      { header: '下单时间', key: 'created', width: 20 },
      { header: '核销时间', key: 'picked', width: 20 },
      { header: '核销人', key: 'by', width: 10 },
    ];
    const bj = (s: string | null) => (s ? formatDateTime(s) : '');
    for (const o of views) {
      ws.addRow({
        orderNo: o.orderNo,
        status: ORDER_STATUS_LABELS[o.status],
        store: o.storeName ?? String(o.storeId),
        day: o.slot.day,
        slot: `${bj(o.slot.startsAt).slice(11)}–${bj(o.slot.endsAt).slice(11)}`,
        lines: o.lines.map((l) => `${l.name}×${l.qty}`).join('、'),
        total: o.totalFen / 100,
        refund: o.refundFen / 100,
        code: o.pickupCode ?? '',
        created: bj(o.createdAt),
        picked: bj(o.pickedUpAt),
        by: o.pickedUpByName ?? '',
      });
    }
    ws.getRow(1).font = { bold: true };
    ws.getColumn('total').numFmt = '0.00';
    ws.getColumn('refund').numFmt = '0.00';
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  async prepSheet(staff: StaffPrincipal, campaignId: number, storeId: number, day: string) {
    if (staff.role !== 'hq_admin' && staff.storeId !== storeId) throw new AppError('FORBIDDEN');
    await this.campaign(campaignId);
    const slots = await this.db.manager.find(PreorderSlot, { where: { campaignId, storeId, day }, order: { startsAt: 'ASC' } });
    const orders = slots.length
      ? await this.db.manager.find(PreorderOrder, { where: { slotId: In(slots.map((s) => s.id)), status: In(['paid', 'picked_up']) } })
      : [];
    const items = await this.db.manager.find(PreorderItem, { where: { campaignId }, order: { sort: 'ASC', id: 'ASC' } });
    const totals: Record<string, number> = {};
    const bySlot = slots.map((s) => {
      const qty: Record<string, number> = {};
      const mine = orders.filter((o) => o.slotId === s.id);
      for (const o of mine) {
        for (const l of o.lines) {
          qty[String(l.itemId)] = (qty[String(l.itemId)] ?? 0) + l.qty;
          totals[String(l.itemId)] = (totals[String(l.itemId)] ?? 0) + l.qty;
        }
      }
      return { slotId: s.id, startsAt: iso(dbDate(s.startsAt)), endsAt: iso(dbDate(s.endsAt)), orders: mine.length, qty };
    });
    const names = await this.identity.storeNames([storeId]);
    return {
      campaignId,
      storeId,
      storeName: names.get(storeId) ?? null,
      day,
      items: items.filter((i) => totals[String(i.id)] !== undefined || i.onSale).map((i) => ({ itemId: i.id, name: i.name, kind: i.kind })),
      slots: bySlot,
      totals,
      orders: orders.length,
    };
  }
}

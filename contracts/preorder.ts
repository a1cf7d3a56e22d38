/**
 * Pre-orders (年夜饭 and weekend 料理包 drops) and WeChat Pay (issue 14).
 *
 * Words: campaign (sale window, cancellation cutoff, stores), item (meal kit 料理包 / chef dish
 * 大师级成品 / package 套餐, price in fen, stock, per-member limit, per-day cap for chef dishes,
 * optionally a credited contest dish), slot (a store's pickup window with a capacity), order (one
 * member, one store and slot, lines; unpaid orders hold their stock for 15 minutes).
 * Times are ISO-8601 UTC; days (YYYY-MM-DD) are Asia/Shanghai calendar days. Money is integer fen.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, PageQuery, pageOf, STORE_OPS } from './route';

export const ITEM_KINDS = ['meal_kit', 'chef_dish', 'package'] as const;
export const ItemKind = z.enum(ITEM_KINDS);
export type ItemKind = z.infer<typeof ItemKind>;
export const ITEM_KIND_LABELS: Record<ItemKind, string> = { meal_kit: '料理包', chef_dish: '大师级成品', package: '主题套餐' };

export const ORDER_STATUSES = ['pending_payment', 'paid', 'picked_up', 'cancelled', 'expired', 'refunding', 'refunded'] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;
export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending_payment: '待支付',
  paid: '待取货',
  picked_up: '已取货',
  cancelled: '已取消',
  expired: '已超时',
  refunding: '退款中',
  refunded: '已退款',
};

/** What the member's pickup QR encodes; staff scanners send the scanned text back as is. */
export const PICKUP_QR_PREFIX = 'hubnye:';

/** The 「为你推荐」 rule, shown to ops as is. */
export const RECOMMENDATION_RULE =
  '家里有孩子或 4 人及以上的家庭：「四世同堂」等份量 ≥ 4 人的套餐排在最前；其次是该会员以往预订过的主题，再是菜名、配料或介绍里提到该会员近期在门店常买的品类或商品（消费记录）的菜，然后是以往预订过的品类，最后按销量。';

const Id = z.coerce.number().int().positive().max(2_147_483_647);
const YmdDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM');

export const CreditedDish = z.object({
  dishId: z.number().int(),
  /** 「王阿姨」: the name the contest winner chose. */
  authorDisplayName: z.string(),
  /** The contest entry it comes from (link to it), when from a contest. */
  entryId: z.number().int().nullable(),
  contestId: z.number().int().nullable(),
});

export const MenuItem = z.object({
  id: z.number().int(),
  campaignId: z.number().int(),
  kind: ItemKind,
  /** Menu section, e.g. 经典传承 / 健康轻食 / 四世同堂 / 大厨招牌. */
  theme: z.string(),
  name: z.string(),
  description: z.string(),
  priceFen: z.number().int(),
  photoUrl: z.string().nullable(),
  allergens: z.array(z.string()),
  /** Servings (packages), e.g. 4 for a family of four. */
  servings: z.number().int().nullable(),
  /** Dishes in a package. */
  contents: z.array(z.string()),
  stockTotal: z.number().int(),
  stockLeft: z.number().int(),
  perMemberLimit: z.number().int(),
  dailyCap: z.number().int().nullable(),
  dish: CreditedDish.nullable(),
  onSale: z.boolean(),
});
export type MenuItem = z.infer<typeof MenuItem>;

export const Campaign = z.object({
  id: z.number().int(),
  name: z.string(),
  saleStartsAt: IsoDateTime,
  saleEndsAt: IsoDateTime,
  cancelCutoffAt: IsoDateTime,
  storeIds: z.array(z.number().int()),
  status: z.enum(['draft', 'published']),
  createdAt: IsoDateTime,
});
export type Campaign = z.infer<typeof Campaign>;

export const Slot = z.object({
  id: z.number().int(),
  campaignId: z.number().int(),
  storeId: z.number().int(),
  day: z.string(),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  capacity: z.number().int(),
  booked: z.number().int(),
  left: z.number().int(),
});
export type Slot = z.infer<typeof Slot>;

export const Menu = z.object({
  campaign: Campaign.nullable(),
  onSale: z.boolean(),
  stores: z.array(z.object({ id: z.number().int(), name: z.string() })),
  sections: z.array(z.object({ theme: z.string(), items: z.array(MenuItem) })),
  recommended: z.object({ itemIds: z.array(z.number().int()), reason: z.string(), rule: z.string() }),
});
export type Menu = z.infer<typeof Menu>;

export const OrderLine = z.object({
  itemId: z.number().int(),
  name: z.string(),
  kind: ItemKind,
  qty: z.number().int(),
  unitPriceFen: z.number().int(),
  amountFen: z.number().int(),
});

export const Order = z.object({
  id: z.number().int(),
  orderNo: z.string(),
  status: OrderStatus,
  statusLabel: z.string(),
  campaignId: z.number().int(),
  campaignName: z.string(),
  memberId: z.number().int(),
  storeId: z.number().int(),
  storeName: z.string().nullable(),
  slot: z.object({ id: z.number().int(), day: z.string(), startsAt: IsoDateTime, endsAt: IsoDateTime }),
  lines: z.array(OrderLine),
  totalFen: z.number().int(),
  /** Unpaid orders give their stock back at this time. */
  expiresAt: IsoDateTime,
  paidAt: IsoDateTime.nullable(),
  /** 6 digits, only once paid. */
  pickupCode: z.string().nullable(),
  /** Render as a QR code (hubnye:<code>). */
  pickupQr: z.string().nullable(),
  cancelCutoffAt: IsoDateTime,
  canCancel: z.boolean(),
  refundFen: z.number().int(),
  refundedAt: IsoDateTime.nullable(),
  pickedUpAt: IsoDateTime.nullable(),
  pickedUpByName: z.string().nullable(),
  createdAt: IsoDateTime,
});
export type Order = z.infer<typeof Order>;

export const PayParams = z.object({
  orderNo: z.string(),
  /** Pass to wx.requestPayment as is. */
  requestPayment: z.object({
    appId: z.string(),
    timeStamp: z.string(),
    nonceStr: z.string(),
    package: z.string(),
    signType: z.literal('RSA'),
    paySign: z.string(),
  }),
  /** Dev only (H5 has no wx.requestPayment): POST { prepay_id } here to pay through the simulator. */
  simulatorCashierUrl: z.string().nullable(),
});

// ---------------------------------------------------------------- members

export const getMenu = defineRoute({
  method: 'GET',
  path: '/api/preorder/menu',
  auth: 'member',
  summary: 'The current campaign menu grouped by theme, with the 为你推荐 strip (household- and history-aware).',
  query: z.object({ campaignId: Id.optional() }),
  response: Menu,
});

export const listSlots = defineRoute({
  method: 'GET',
  path: '/api/preorder/campaigns/:campaignId/slots',
  auth: 'member',
  summary: 'Pickup slots of a store that still have room.',
  params: z.object({ campaignId: Id }),
  query: z.object({ storeId: Id }),
  response: z.object({ items: z.array(Slot) }),
});

export const placeOrder = defineRoute({
  method: 'POST',
  path: '/api/preorder/orders',
  auth: 'member',
  summary: 'Reserve stock and a slot place atomically; the order waits for payment for 15 minutes. requestId makes a retried tap answer the same order.',
  body: z.object({
    campaignId: Id,
    storeId: Id,
    slotId: Id,
    lines: z
      .array(z.object({ itemId: Id, qty: z.number().int().min(1).max(20) }))
      .min(1)
      .max(20),
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,40}$/)
      .optional(),
  }),
  response: Order,
});

export const payOrder = defineRoute({
  method: 'POST',
  path: '/api/preorder/orders/:orderId/pay',
  auth: 'member',
  summary: 'WeChat Pay JSAPI prepay; answers the signed wx.requestPayment parameters.',
  params: z.object({ orderId: Id }),
  response: PayParams,
});

export const myOrders = defineRoute({
  method: 'GET',
  path: '/api/preorder/orders',
  auth: 'member',
  summary: '我的订单, newest first.',
  query: PageQuery,
  response: pageOf(Order),
});

export const myNextPickup = defineRoute({
  method: 'GET',
  path: '/api/preorder/next-pickup',
  auth: 'member',
  summary: "首页's 待自提: the member's paid order whose pickup window comes next (not yet over), or null.",
  response: z.object({ order: Order.nullable() }),
});

export const getMyOrder = defineRoute({
  method: 'GET',
  path: '/api/preorder/orders/:orderId',
  auth: 'member',
  summary: 'One of my orders (status, pickup code once paid, countdown while unpaid).',
  params: z.object({ orderId: Id }),
  response: Order,
});

export const cancelOrder = defineRoute({
  method: 'POST',
  path: '/api/preorder/orders/:orderId/cancel',
  auth: 'member',
  summary: 'Cancel before the cutoff: an unpaid order gives its stock back; a paid one is refunded in full (once).',
  params: z.object({ orderId: Id }),
  response: Order,
});

// ---------------------------------------------------------------- ops

const STAFF_ANY = ['hq_admin', 'store_manager', 'group_owner', 'staff'] as const;

export const CampaignInput = z.object({
  name: z.string().trim().min(1).max(64),
  saleStartsAt: IsoDateTime,
  saleEndsAt: IsoDateTime,
  cancelCutoffAt: IsoDateTime,
  storeIds: z.array(Id).min(1).max(200),
  status: z.enum(['draft', 'published']).default('published'),
});

export const ItemInput = z.object({
  kind: ItemKind,
  theme: z.string().trim().min(1).max(20),
  name: z.string().trim().min(1).max(64),
  description: z.string().trim().max(500).default(''),
  priceFen: z.number().int().min(1).max(10_000_000),
  photoUrl: z.string().max(512).nullable().default(null),
  allergens: z.array(z.string().trim().min(1).max(16)).max(10).default([]),
  servings: z.number().int().min(1).max(50).nullable().default(null),
  contents: z.array(z.string().trim().min(1).max(32)).max(20).default([]),
  stockTotal: z.number().int().min(0).max(1_000_000),
  perMemberLimit: z.number().int().min(1).max(100).default(5),
  dailyCap: z.number().int().min(1).max(1_000_000).nullable().default(null),
  /** A credited contest dish (menu module) this item sells. */
  dishId: Id.nullable().default(null),
  sort: z.number().int().min(0).max(10_000).default(0),
});

export const opsListCampaigns = defineRoute({
  method: 'GET',
  path: '/api/admin/preorder/campaigns',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Campaigns, newest first.',
  response: z.object({ items: z.array(Campaign), recommendationRule: z.string() }),
});

export const opsCreateCampaign = defineRoute({
  method: 'POST',
  path: '/api/admin/preorder/campaigns',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Create a campaign (HQ).',
  body: CampaignInput,
  response: Campaign,
});

export const opsCampaignDetail = defineRoute({
  method: 'GET',
  path: '/api/admin/preorder/campaigns/:campaignId',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'A campaign with its items and slots (store managers: their store).',
  params: z.object({ campaignId: Id }),
  response: z.object({ campaign: Campaign, items: z.array(MenuItem), slots: z.array(Slot) }),
});

export const opsAddItem = defineRoute({
  method: 'POST',
  path: '/api/admin/preorder/campaigns/:campaignId/items',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Add an item (a contest dish is credited to its author through the menu module).',
  params: z.object({ campaignId: Id }),
  body: ItemInput,
  response: MenuItem,
});

export const opsUpdateItem = defineRoute({
  method: 'PATCH',
  path: '/api/admin/preorder/items/:itemId',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Change stock, price, limit or take the item off sale (stock never below what is sold).',
  params: z.object({ itemId: Id }),
  body: z.object({
    stockTotal: z.number().int().min(0).max(1_000_000).optional(),
    priceFen: z.number().int().min(1).optional(),
    perMemberLimit: z.number().int().min(1).max(100).optional(),
    onSale: z.boolean().optional(),
  }),
  response: MenuItem,
});

export const opsAddSlots = defineRoute({
  method: 'POST',
  path: '/api/admin/preorder/campaigns/:campaignId/slots',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Add pickup slots for a store: each day × each window, with a capacity in orders.',
  params: z.object({ campaignId: Id }),
  body: z.object({
    storeId: Id,
    days: z.array(YmdDate).min(1).max(31),
    windows: z
      .array(z.object({ start: HourMinute, end: HourMinute }))
      .min(1)
      .max(24),
    capacity: z.number().int().min(1).max(100_000),
  }),
  response: z.object({ items: z.array(Slot) }),
});

export const opsListOrders = defineRoute({
  method: 'GET',
  path: '/api/admin/preorder/orders',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Orders with filters (store managers: their store).',
  query: PageQuery.extend({
    campaignId: Id.optional(),
    storeId: Id.optional(),
    status: OrderStatus.optional(),
    day: YmdDate.optional(),
    q: z.string().trim().max(32).optional(),
  }),
  response: pageOf(Order),
});

export const opsExportOrders = defineRoute({
  method: 'GET',
  path: '/api/admin/preorder/orders.xlsx',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'The filtered orders as an Excel workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet). NOT JSON.',
  query: z.object({ campaignId: Id.optional(), storeId: Id.optional(), status: OrderStatus.optional(), day: YmdDate.optional() }),
  response: z.any().meta({ description: 'xlsx workbook', contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
});

export const PrepSheet = z.object({
  campaignId: z.number().int(),
  storeId: z.number().int(),
  storeName: z.string().nullable(),
  day: z.string(),
  /** Dish names (columns), in menu order. */
  items: z.array(z.object({ itemId: z.number().int(), name: z.string(), kind: ItemKind })),
  slots: z.array(
    z.object({ slotId: z.number().int(), startsAt: IsoDateTime, endsAt: IsoDateTime, orders: z.number().int(), qty: z.record(z.string(), z.number().int()) }),
  ),
  totals: z.record(z.string(), z.number().int()),
  orders: z.number().int(),
});

export const opsPrepSheet = defineRoute({
  method: 'GET',
  path: '/api/admin/preorder/prep-sheet',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Kitchen prep sheet: how many of each dish per pickup slot for a store and day (paid and picked-up orders).',
  query: z.object({ campaignId: Id, storeId: Id, day: YmdDate }),
  response: PrepSheet,
});

export const staffFindPickup = defineRoute({
  method: 'GET',
  path: '/api/staff/preorder/pickup/:code',
  auth: 'staff',
  roles: STAFF_ANY,
  summary: 'Look up an order by its pickup code (typed 6 digits or the scanned hubnye: text) before handing it over.',
  params: z.object({ code: z.string().trim().min(6).max(40) }),
  response: Order,
});

export const staffVerifyPickup = defineRoute({
  method: 'POST',
  path: '/api/staff/preorder/pickup',
  auth: 'staff',
  roles: STAFF_ANY,
  summary: '核销: mark the order picked up, once only, recording who and when.',
  body: z.object({ code: z.string().trim().min(6).max(40) }),
  response: Order,
});

export const BillDiff = z.object({
  billDate: z.string(),
  outTradeNo: z.string(),
  kind: z.enum(['missing_ours', 'missing_bill', 'amount_mismatch']),
  oursFen: z.number().int().nullable(),
  billFen: z.number().int().nullable(),
  foundAt: IsoDateTime,
});

export const opsReconcileBill = defineRoute({
  method: 'POST',
  path: '/api/admin/payment/reconcile',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Download WeChat Pay’s trade bill of a day and list the differences from our paid trades.',
  body: z.object({ billDate: YmdDate }),
  response: z.object({
    billDate: z.string(),
    billRows: z.number().int(),
    oursPaid: z.number().int(),
    diffs: z.array(BillDiff.omit({ billDate: true, foundAt: true })),
  }),
});

export const opsBillDiffs = defineRoute({
  method: 'GET',
  path: '/api/admin/payment/bill-diffs',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Bill differences found so far (newest first).',
  query: z.object({ billDate: YmdDate.optional() }),
  response: z.object({ items: z.array(BillDiff) }),
});

export const opsNoShows = defineRoute({
  method: 'GET',
  path: '/api/admin/preorder/no-shows',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Paid orders whose pickup slot has ended without pickup (store managers: their store), with whether a reminder went out.',
  query: z.object({ campaignId: Id.optional(), storeId: Id.optional() }),
  response: z.object({ items: z.array(Order.extend({ reminded: z.boolean() })) }),
});

export const opsRemindNoShow = defineRoute({
  method: 'POST',
  path: '/api/admin/preorder/orders/:orderId/remind',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'One-tap reminder to a no-show through the member’s clerk (WeCom add_msg_template via the outbox, once per order).',
  params: z.object({ orderId: Id }),
  response: z.object({ queued: z.boolean(), reason: z.enum(['queued', 'already_reminded', 'no_clerk']) }),
});

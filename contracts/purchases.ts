/**
 * Purchases (issue 11): one ledger of what every member buys — receipts from the store tills (POS
 * push, file import), the mini-program and paid pre-orders; the member code shown at the till; the
 * product catalogue; the 「新品到店」 list; the RFM settings ops edit.
 *
 * Words used below:
 * - receipt: one till receipt (or paid order) with its lines; refunds are receipts with negative
 *   totals linked to the original (`refundOf`). Idempotent by (source, store, receipt number).
 * - conflict: a receipt that arrived again with different content; kept aside for ops, never
 *   overwriting the stored one.
 * Money is integer fen; times are ISO-8601 UTC on the wire, shown in Asia/Shanghai.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, PageQuery, pageOf } from './route';

export const CHANNELS = ['pos', 'miniprogram', 'preorder'] as const;
export const Channel = z.enum(CHANNELS);
export const CHANNEL_LABELS: Record<(typeof CHANNELS)[number], string> = { pos: '门店收银', miniprogram: '小程序', preorder: '预订' };

const Id = z.coerce.number().int().positive().max(2_147_483_647);
const Fen = z.number().int().min(-100_000_000).max(100_000_000);

/** What the member code (barcode + QR) encodes: 18 digits starting with 66, valid for a short window. */
export const MEMBER_CODE_PATTERN = /^66\d{16}$/;
export const MEMBER_CODE_ROTATE_SECONDS = 60;

// ---------------------------------------------------------------- receipts in

export const ReceiptLineIn = z.object({
  sku: z.string().trim().max(40).nullish(),
  name: z.string().trim().min(1).max(80),
  category: z.string().trim().max(80).nullish(),
  qty: z.number().min(-100000).max(100000),
  unitPriceFen: Fen.nullish(),
  /** What the line came to, after line discounts (negative on a refund). */
  amountFen: Fen,
});

export const ReceiptIn = z
  .object({
    receiptNo: z.string().trim().min(1).max(64),
    till: z.string().trim().max(32).nullish(),
    occurredAt: z.string().datetime({ offset: true }).describe('ISO-8601 with offset, e.g. 2026-12-05T10:30:00+08:00'),
    /** The member code scanned from the mini-program (18 digits), if the member showed it. */
    memberCode: z.string().trim().max(32).nullish(),
    /** A phone number the member gave; stored only as a keyed hash for later matching. */
    phone: z.string().trim().max(20).nullish(),
    /** Total paid in fen; must equal the sum of the lines' amounts. Negative for a refund. */
    totalFen: Fen,
    discountFen: z.number().int().min(0).max(100_000_000).default(0),
    /** For a refund: the original receipt number. */
    refundOf: z.string().trim().max(64).nullish(),
    /** Coupon codes scanned from 「我的优惠券」. */
    couponCodes: z.array(z.string().trim().min(1).max(32)).max(5).default([]),
    lines: z.array(ReceiptLineIn).min(1).max(300),
  })
  .refine((r) => r.lines.reduce((s, l) => s + l.amountFen, 0) === r.totalFen, { message: '小票合计与明细金额之和不一致', path: ['totalFen'] });
export type ReceiptIn = z.infer<typeof ReceiptIn>;

export const POS_BATCH_MAX = 500;

/** Per receipt: added (new), duplicate (same content seen before), conflict (different content, kept aside). */
export const IngestStatus = z.enum(['added', 'duplicate', 'conflict', 'rejected']);
export const IngestResult = z.object({
  receiptNo: z.string(),
  status: IngestStatus,
  receiptId: z.number().int().nullable(),
  /** Member code outcome: matched, expired/unknown (the receipt is kept without a member), or none given. */
  memberCode: z.enum(['matched', 'invalid', 'none']),
  coupons: z.array(z.object({ code: z.string(), status: z.enum(['redeemed', 'rejected']), reason: z.string().nullable() })),
  error: z.string().nullable(),
});

export const PosPushBody = z.object({ receipts: z.array(z.unknown()).min(1).max(POS_BATCH_MAX) });
export const PosPushResult = z.object({
  added: z.number().int(),
  duplicates: z.number().int(),
  conflicts: z.number().int(),
  rejected: z.number().int(),
  results: z.array(IngestResult),
});

/** Headers of a signed POS request. signature = hex(HMAC-SHA256(secret, `${timestamp}\n${nonce}\n${rawBody}`)). */
export const POS_HEADERS = { key: 'x-pos-key', timestamp: 'x-pos-timestamp', nonce: 'x-pos-nonce', signature: 'x-pos-signature' } as const;
export const POS_MAX_SKEW_SECONDS = 300;

export const posPushReceipts = defineRoute({
  method: 'POST',
  path: '/api/pos/receipts',
  auth: 'public',
  summary:
    'POS push (signed by the store key, not a session). Headers: X-Pos-Key (key id), X-Pos-Timestamp (unix seconds, ±300 s), ' +
    'X-Pos-Nonce (16–64 chars, once per key), X-Pos-Signature = hex(HMAC-SHA256(secret, timestamp + "\\n" + nonce + "\\n" + raw body)). ' +
    'Body {receipts: [ReceiptIn …]} with up to 500 receipts, e.g. {"receipts":[{"receiptNo":"T1-000123","till":"T1",' +
    '"occurredAt":"2026-12-05T10:30:00+08:00","memberCode":"660000000000000000","totalFen":2590,"discountFen":0,"couponCodes":[],' +
    '"lines":[{"sku":"690123","name":"和牛肥牛卷","category":"肉禽/牛肉","qty":1,"unitPriceFen":2590,"amountFen":2590}]}]}. ' +
    'Idempotent by (store, receipt number): a receipt sent again is a duplicate; different content is a conflict kept for ops. ' +
    'Errors: POS_SIGNATURE_INVALID / POS_STALE (401), POS_REPLAYED (409), RATE_LIMITED (429).',
  body: PosPushBody,
  response: PosPushResult,
});

// ---------------------------------------------------------------- receipts out

export const ReceiptLineView = z.object({
  sku: z.string().nullable(),
  name: z.string(),
  category: z.string().nullable(),
  qty: z.number(),
  unitPriceFen: z.number().int().nullable(),
  amountFen: z.number().int(),
});
export const ReceiptView = z.object({
  id: z.number().int(),
  storeId: z.number().int(),
  storeName: z.string().nullable(),
  channel: Channel,
  till: z.string().nullable(),
  receiptNo: z.string(),
  occurredAt: IsoDateTime,
  memberId: z.number().int().nullable(),
  totalFen: z.number().int(),
  discountFen: z.number().int(),
  refundOf: z.number().int().nullable(),
  couponCodes: z.array(z.string()),
  lines: z.array(ReceiptLineView),
});
export type ReceiptView = z.infer<typeof ReceiptView>;

export const myPurchases = defineRoute({
  method: 'GET',
  path: '/api/me/purchases',
  auth: 'member',
  summary: "「我的消费」: the signed-in member's receipts (newest first) with items.",
  query: PageQuery,
  response: pageOf(ReceiptView.omit({ memberId: true })),
});

export const memberCode = defineRoute({
  method: 'POST',
  path: '/api/me/member-code',
  auth: 'member',
  summary: 'A fresh member code (18 digits) for the till; valid for 90 s, the mini-program asks for a new one every minute.',
  response: z.object({ code: z.string(), expiresAt: IsoDateTime, rotateSeconds: z.number().int() }),
});

export const AdminReceiptQuery = PageQuery.extend({
  storeId: Id.optional(),
  memberId: Id.optional(),
  unmatched: z.enum(['1', '0']).optional(),
  importId: Id.optional(),
});
export const listReceipts = defineRoute({
  method: 'GET',
  path: '/api/admin/purchases/receipts',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Receipts of the ledger (store managers see their store), newest first; filters: store, member, unmatched, import.',
  query: AdminReceiptQuery,
  response: pageOf(ReceiptView),
});

export const matchReceipt = defineRoute({
  method: 'POST',
  path: '/api/admin/purchases/receipts/:receiptId/member',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Match an unmatched receipt to a member (ops matching). Refused when it already has a member.',
  params: z.object({ receiptId: Id }),
  body: z.object({ memberId: Id }),
  response: ReceiptView,
});

export const ConflictView = z.object({
  id: z.number().int(),
  storeId: z.number().int(),
  receiptNo: z.string(),
  receiptId: z.number().int(),
  importId: z.number().int().nullable(),
  incoming: z.string().describe('the differing copy as received (JSON)'),
  seenAt: IsoDateTime,
});
export const listConflicts = defineRoute({
  method: 'GET',
  path: '/api/admin/purchases/conflicts',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Receipts that arrived again with different content (the stored copy was kept).',
  query: PageQuery.extend({ storeId: Id.optional() }),
  response: pageOf(ConflictView),
});

// ---------------------------------------------------------------- POS keys

export const PosKeyView = z.object({
  id: z.number().int(),
  storeId: z.number().int(),
  keyId: z.string(),
  name: z.string(),
  createdAt: IsoDateTime,
  revokedAt: IsoDateTime.nullable(),
});
export const listPosKeys = defineRoute({
  method: 'GET',
  path: '/api/admin/purchases/pos-keys',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'POS API keys of the stores the caller manages.',
  response: z.object({ items: z.array(PosKeyView) }),
});
export const createPosKey = defineRoute({
  method: 'POST',
  path: '/api/admin/purchases/pos-keys',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'A new POS key for a store; the secret is shown once in this answer.',
  body: z.object({ storeId: Id, name: z.string().trim().min(1).max(40) }),
  response: PosKeyView.extend({ secret: z.string() }),
});
export const revokePosKey = defineRoute({
  method: 'POST',
  path: '/api/admin/purchases/pos-keys/:id/revoke',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Revoke a POS key (its requests are refused from now on).',
  params: z.object({ id: Id }),
  response: PosKeyView,
});

export const purchaseStores = defineRoute({
  method: 'GET',
  path: '/api/admin/purchases/stores',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Stores the caller may import, push and read receipts for (HQ: all; a store manager: their own).',
  response: z.object({ items: z.array(z.object({ id: z.number().int(), name: z.string() })) }),
});

// ---------------------------------------------------------------- file import

export const IMPORT_KINDS = ['receipts', 'products'] as const;
export const ImportKind = z.enum(IMPORT_KINDS);
/** Fields a receipts file maps to (one row = one receipt line; rows of a receipt are consecutive). */
export const RECEIPT_FIELDS = [
  'receiptNo',
  'occurredAt',
  'till',
  'memberCode',
  'phone',
  'sku',
  'name',
  'category',
  'qty',
  'unitPrice',
  'amount',
  'discount',
  'couponCode',
  'refundOf',
] as const;
export const RECEIPT_REQUIRED_FIELDS = ['receiptNo', 'occurredAt', 'name', 'amount'] as const;
export const PRODUCT_FIELDS = ['sku', 'name', 'category', 'brand', 'flags'] as const;
export const FIELD_LABELS: Record<string, string> = {
  receiptNo: '小票号',
  occurredAt: '交易时间',
  till: '收银台',
  memberCode: '会员码',
  phone: '手机号',
  sku: '商品编码',
  name: '商品名称',
  category: '品类',
  qty: '数量',
  unitPrice: '单价（元）',
  amount: '金额（元）',
  discount: '优惠（元）',
  couponCode: '券码',
  refundOf: '原小票号（退货）',
  brand: '品牌',
  flags: '标记（自有品牌/进口/有机）',
};
export const DATE_FORMATS = ['YYYY-MM-DD HH:mm:ss', 'YYYY/MM/DD HH:mm:ss', 'DD/MM/YYYY HH:mm:ss', 'MM/DD/YYYY HH:mm:ss', 'YYYYMMDDHHmmss'] as const;
export const TIME_ZONES = ['Asia/Shanghai', 'UTC'] as const;

/** field -> column header in the file. */
export const ColumnMapping = z.record(z.string(), z.string().max(100));
export const ImportSettings = z.object({
  mapping: ColumnMapping,
  dateFormat: z.enum(DATE_FORMATS),
  timeZone: z.enum(TIME_ZONES),
});
export type ImportSettings = z.infer<typeof ImportSettings>;

export const IMPORT_STATUSES = ['uploaded', 'queued', 'running', 'done', 'failed', 'undone'] as const;
export const ImportView = z.object({
  id: z.number().int(),
  storeId: z.number().int(),
  kind: ImportKind,
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  status: z.enum(IMPORT_STATUSES),
  headers: z.array(z.string()),
  preview: z.array(z.array(z.string())),
  settings: ImportSettings.nullable(),
  totalBytes: z.number().int(),
  processedBytes: z.number().int(),
  rows: z.number().int(),
  added: z.number().int(),
  duplicates: z.number().int(),
  conflicts: z.number().int(),
  errors: z.number().int(),
  message: z.string().nullable(),
  createdAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
});
export type ImportView = z.infer<typeof ImportView>;

export const IMPORT_UPLOAD_FIELD = 'file';
export const IMPORT_MAX_BYTES = 512 * 1024 * 1024;
export const uploadImport = defineRoute({
  method: 'POST',
  path: '/api/admin/purchases/imports',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary:
    'Upload a CSV or .xlsx export (multipart/form-data, the file in field "file", ≤ 512 MB, streamed to disk); query storeId and kind. ' +
    "Answers the headers, the first rows and the store's saved mapping (if any) so ops can map columns before starting.",
  query: z.object({ storeId: Id, kind: ImportKind.default('receipts') }),
  response: ImportView,
});
export const startImport = defineRoute({
  method: 'POST',
  path: '/api/admin/purchases/imports/:id/start',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Start (or re-run) an uploaded import as a background job with this mapping; the mapping is saved for the store.',
  params: z.object({ id: Id }),
  body: ImportSettings,
  response: ImportView,
});
export const getImport = defineRoute({
  method: 'GET',
  path: '/api/admin/purchases/imports/:id',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'An import with its progress.',
  params: z.object({ id: Id }),
  response: ImportView,
});
export const listImports = defineRoute({
  method: 'GET',
  path: '/api/admin/purchases/imports',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Imports, newest first.',
  query: PageQuery.extend({ storeId: Id.optional() }),
  response: pageOf(ImportView),
});
export const ImportErrorView = z.object({ row: z.number().int(), message: z.string(), raw: z.string() });
export const importErrors = defineRoute({
  method: 'GET',
  path: '/api/admin/purchases/imports/:id/errors',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Row errors of an import (row number in the file, reason, the row as read).',
  params: z.object({ id: Id }),
  query: PageQuery.extend({ pageSize: z.coerce.number().int().min(1).max(500).default(100) }),
  response: pageOf(ImportErrorView),
});
export const importErrorsCsv = defineRoute({
  method: 'GET',
  path: '/api/admin/purchases/imports/:id/errors.csv',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Row errors as a CSV download (UTF-8 with BOM for Excel).',
  params: z.object({ id: Id }),
  response: z.string().meta({ contentMediaType: 'text/csv' }),
});
export const undoImport = defineRoute({
  method: 'POST',
  path: '/api/admin/purchases/imports/:id/undo',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Undo a finished import as a whole: the receipts it added leave the ledger (downstream hears PurchasesVoided).',
  params: z.object({ id: Id }),
  response: ImportView,
});

// ---------------------------------------------------------------- catalogue and 新品到店

export const ProductView = z.object({
  sku: z.string(),
  name: z.string(),
  categoryPath: z.string().nullable(),
  brand: z.string().nullable(),
  flags: z.array(z.string()),
});
export const listProducts = defineRoute({
  method: 'GET',
  path: '/api/admin/purchases/products',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'The product catalogue (imported like receipts, kind=products).',
  query: PageQuery.extend({ q: z.string().trim().max(40).optional() }),
  response: pageOf(ProductView),
});

export const NewArrivalInput = z.object({
  storeId: Id.nullable().default(null).describe('null = every store'),
  title: z.string().trim().min(1).max(40),
  category: z.string().trim().min(1).max(40),
  /** Categories whose buyers this arrival suits (e.g. 清酒 for 牛肉 buyers). */
  relatedCategories: z.array(z.string().trim().min(1).max(40)).max(10).default([]),
  note: z.string().trim().max(200).default(''),
  until: z.string().datetime({ offset: true }).nullable().default(null),
});
export const NewArrivalView = z.object({
  id: z.number().int(),
  storeId: z.number().int().nullable(),
  title: z.string(),
  category: z.string(),
  relatedCategories: z.array(z.string()),
  note: z.string(),
  until: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
});
export const listNewArrivals = defineRoute({
  method: 'GET',
  path: '/api/admin/purchases/new-arrivals',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: "「新品到店」: the new arrivals ops marked (they feed the sidebar's purchase-based suggestions).",
  response: z.object({ items: z.array(NewArrivalView) }),
});
export const createNewArrival = defineRoute({
  method: 'POST',
  path: '/api/admin/purchases/new-arrivals',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Mark a new arrival.',
  body: NewArrivalInput,
  response: NewArrivalView,
});
export const deleteNewArrival = defineRoute({
  method: 'DELETE',
  path: '/api/admin/purchases/new-arrivals/:id',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Remove a new arrival from the list.',
  params: z.object({ id: Id }),
  response: z.object({ ok: z.literal(true) }),
});

// ---------------------------------------------------------------- RFM settings (tags module)

export const RfmThresholds = z.object({
  /** Days of history scored. */
  windowDays: z.number().int().min(30).max(730),
  /** 高价值忠诚: at least these quintile scores (1–5) for recency, frequency and monetary value. */
  loyalMinR: z.number().int().min(1).max(5),
  loyalMinF: z.number().int().min(1).max(5),
  loyalMinM: z.number().int().min(1).max(5),
  /** 流失预警: recency score at most this. */
  churnMaxR: z.number().int().min(1).max(5),
  /** 新客: one purchase, the first within this many days. */
  newWithinDays: z.number().int().min(1).max(365),
});
export type RfmThresholds = z.infer<typeof RfmThresholds>;
export const RfmStoreCuts = z.object({
  storeId: z.number().int(),
  members: z.number().int(),
  /** Quintile boundaries (20/40/60/80 %) of the last computation. */
  recencyDays: z.array(z.number()),
  frequency: z.array(z.number()),
  monetaryFen: z.array(z.number()),
  tiers: z.record(z.string(), z.number().int()),
  computedAt: IsoDateTime,
});
export const getRfmSettings = defineRoute({
  method: 'GET',
  path: '/api/admin/rfm',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'RFM tier thresholds and, per store, the quintile boundaries and tier sizes of the last computation.',
  response: z.object({ thresholds: RfmThresholds, stores: z.array(RfmStoreCuts) }),
});
export const updateRfmSettings = defineRoute({
  method: 'PUT',
  path: '/api/admin/rfm',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Edit the RFM tier thresholds (HQ); applied at the next recomputation (or now with recompute=true).',
  body: RfmThresholds.extend({ recompute: z.boolean().default(false) }),
  response: z.object({ thresholds: RfmThresholds, stores: z.array(RfmStoreCuts) }),
});

// ---------------------------------------------------------------- coupons at the till (sidebar)

export const verifyCoupon = defineRoute({
  method: 'POST',
  path: '/api/sidebar/coupons/redeem',
  auth: 'staff',
  summary:
    "A clerk redeems a coupon code against a receipt already in the ledger (exactly once, min spend checked). The receipt is named by id, or by the till receipt number (小票号) at the clerk's store (HQ: any store, when only one has it).",
  body: z.object({ code: z.string().trim().min(1).max(32), receiptId: Id.optional(), receiptNo: z.string().trim().min(1).max(64).optional() }),
  response: z.object({ ok: z.literal(true), title: z.string(), amountFen: z.number().int(), receiptNo: z.string() }),
});

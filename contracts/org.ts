/**
 * The chain's organisation as HQ runs it: stores (chain → region → store), staff accounts and
 * roles, the audit trail of every change, WeCom address-book sync and 离职继承 hand-overs.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, PageQuery, pageOf } from './route';
import { StaffProfile, StaffRoleSchema } from './identity';

export const StoreView = z.object({
  id: z.number().int(),
  name: z.string(),
  region: z.string().nullable(),
  address: z.string().nullable(),
  /** WGS/GCJ degrees as entered; null = not placed on the map yet. */
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  openingHours: z.string().nullable(),
  targetHouseholds: z.number().int().nullable(),
  pickupCounters: z.array(z.string()),
  wecomDepartmentId: z.number().int().nullable(),
  active: z.boolean(),
  staffCount: z.number().int(),
  createdAt: IsoDateTime,
});
export type StoreView = z.infer<typeof StoreView>;

const StoreFields = z.object({
  name: z.string().trim().min(1, '请填写门店名称').max(64, '门店名称最多64个字'),
  region: z.string().trim().max(32, '片区名称最多32个字').nullable().optional(),
  address: z.string().trim().max(255, '地址最多255个字').nullable().optional(),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
  openingHours: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, '营业时间格式如 07:00-22:00')
    .nullable()
    .optional(),
  targetHouseholds: z.number().int().min(0).max(1_000_000).nullable().optional(),
  pickupCounters: z.array(z.string().trim().min(1).max(32)).max(20).optional(),
  wecomDepartmentId: z.number().int().positive().nullable().optional(),
  active: z.boolean().optional(),
});

export const listStores = defineRoute({
  method: 'GET',
  path: '/api/admin/stores',
  auth: 'staff',
  summary: 'Stores of the chain grouped by region (every staff role may read them; store managers see their own store first).',
  response: z.object({ items: z.array(StoreView) }),
});

export const createStore = defineRoute({
  method: 'POST',
  path: '/api/admin/stores',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Open a store (HQ admins; audited).',
  body: StoreFields,
  response: StoreView,
});

export const updateStore = defineRoute({
  method: 'PATCH',
  path: '/api/admin/stores/:storeId',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Edit a store (HQ admins; audited). Only the fields sent change.',
  params: z.object({ storeId: z.coerce.number().int().positive() }),
  body: StoreFields.partial(),
  response: StoreView,
});

const Username = z
  .string()
  .trim()
  .min(3, '用户名至少3个字符')
  .max(64)
  .regex(/^[a-zA-Z0-9_.-]+$/, '用户名只能包含字母、数字和 _ . -');

export const createStaff = defineRoute({
  method: 'POST',
  path: '/api/admin/staff',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Create a staff account; the answer carries a one-time password the person must change at first sign-in.',
  body: z.object({
    username: Username,
    displayName: z.string().trim().min(1, '请填写姓名').max(64),
    role: StaffRoleSchema,
    storeId: z.number().int().positive().nullable().optional(),
    wecomUserId: z.string().trim().min(1).max(64).nullable().optional(),
  }),
  response: z.object({ staff: StaffProfile, initialPassword: z.string() }),
});

export const updateStaff = defineRoute({
  method: 'PATCH',
  path: '/api/admin/staff/:staffId',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Change name, role, store, WeCom userid or enable/disable an account (audited; disabling ends its sessions).',
  params: z.object({ staffId: z.coerce.number().int().positive() }),
  body: z.object({
    displayName: z.string().trim().min(1).max(64).optional(),
    role: StaffRoleSchema.optional(),
    storeId: z.number().int().positive().nullable().optional(),
    wecomUserId: z.string().trim().min(1).max(64).nullable().optional(),
    active: z.boolean().optional(),
  }),
  response: StaffProfile,
});

export const resetStaffPassword = defineRoute({
  method: 'POST',
  path: '/api/admin/staff/:staffId/reset-password',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Generate a new one-time password (shown once); the account must change it at its next sign-in; its sessions end.',
  params: z.object({ staffId: z.coerce.number().int().positive() }),
  response: z.object({ staff: StaffProfile, initialPassword: z.string() }),
});

export const changeOwnPassword = defineRoute({
  method: 'POST',
  path: '/api/staff/me/password',
  auth: 'staff',
  allowPasswordChangePending: true,
  summary: 'Staff change their own password (required after a generated or reset one).',
  body: z.object({
    currentPassword: z.string().min(1).max(128),
    newPassword: z.string().min(10, '新密码至少10位').max(128),
  }),
  response: StaffProfile,
});

export const AuditEntry = z.object({
  id: z.number().int(),
  at: IsoDateTime,
  actor: z.string(),
  action: z.string(),
  targetKind: z.string(),
  targetId: z.number().int().nullable(),
  /** The store's or staff member's name today (null for the directory or a record since removed). */
  targetName: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const listAudit = defineRoute({
  method: 'GET',
  path: '/api/admin/staff-audit',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Who changed which account or store, when and what (newest first).',
  query: PageQuery.extend({ targetKind: z.enum(['staff', 'store', 'directory']).optional(), targetId: z.coerce.number().int().positive().optional() }),
  response: pageOf(AuditEntry),
});

export const DirectorySyncResult = z.object({
  departments: z.number().int(),
  created: z.array(z.string()),
  updated: z.array(z.string()),
  departed: z.array(z.string()),
  /** Directory members in no department mapped to a store (imported without a store). */
  unmapped: z.array(z.string()),
  handovers: z.object({ requested: z.number().int(), failed: z.number().int() }),
});
export type DirectorySyncResult = z.infer<typeof DirectorySyncResult>;

export const syncDirectory = defineRoute({
  method: 'POST',
  path: '/api/admin/wecom-directory/sync',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Import staff from the WeCom address book now (also nightly); departures are disabled and their customers handed over (离职继承).',
  response: DirectorySyncResult,
});

export const HandoverView = z.object({
  id: z.number().int(),
  handoverUserid: z.string(),
  takeoverUserid: z.string(),
  externalUserid: z.string(),
  status: z.enum(['requested', 'waiting', 'done', 'refused', 'limit', 'failed']),
  errcode: z.number().int().nullable(),
  updatedAt: IsoDateTime,
});

export const listHandovers = defineRoute({
  method: 'GET',
  path: '/api/admin/wecom-directory/handovers',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: '离职继承: each departed staff member’s customers and where their transfer stands.',
  query: PageQuery,
  response: pageOf(HandoverView),
});

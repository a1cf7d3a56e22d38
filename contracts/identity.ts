import { z } from 'zod';
import { defineRoute, IsoDateTime, PageQuery, pageOf, STAFF_ROLES } from './route';

/** Version of the 隐私保护指引 the member agrees to; bump it when the text changes. */
export const CURRENT_PRIVACY_VERSION = '2026-12-06';

export const MemberProfile = z.object({
  id: z.number().int(),
  nickname: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  tier: z.string(),
  storeId: z.number().int().nullable(),
  storeName: z.string().nullable(),
  householdId: z.number().int().nullable(),
  consentVersion: z.string().nullable(),
  createdAt: IsoDateTime,
});
export type MemberProfile = z.infer<typeof MemberProfile>;

export const StaffRoleSchema = z.enum(STAFF_ROLES);

export const StaffProfile = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: StaffRoleSchema,
  storeId: z.number().int().nullable(),
  storeName: z.string().nullable(),
  wecomUserId: z.string().nullable(),
  active: z.boolean(),
  /** A generated or reset password: the ops page asks for a new one before anything else. */
  mustChangePassword: z.boolean(),
  /** Sections of the ops page this role may open (the server enforces the same rules). */
  sections: z.array(z.string()),
});
export type StaffProfile = z.infer<typeof StaffProfile>;

// ---- member auth (mini-program: wx.login code -> jscode2session on the server) ----
export const memberLogin = defineRoute({
  method: 'POST',
  path: '/api/auth/member/login',
  auth: 'public',
  summary: 'Exchange a wx.login code for a member session. New members must send the privacy version they agreed to.',
  body: z.object({
    code: z.string().min(1).max(128),
    /** The 隐私保护指引 version the member just agreed to; required for a first login. */
    consentVersion: z.string().max(32).optional(),
    /**
     * Referral (issue 15), read only when this login registers a new member: the signed share token
     * of the card or poster they arrived from (never a bare member id), an invite code a neighbour
     * gave them, and the mini-program's per-install id (first touch on this device, device checks).
     */
    shareToken: z.string().trim().max(64).optional(),
    inviteCode: z.string().trim().max(16).optional(),
    deviceId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional(),
  }),
  response: z.object({ token: z.string(), member: MemberProfile, isNew: z.boolean() }),
});

export const memberLogout = defineRoute({
  method: 'POST',
  path: '/api/auth/member/logout',
  auth: 'member',
  summary: 'End the current member session.',
  response: z.object({ ok: z.literal(true) }),
});

// ---- staff auth ----
export const staffLogin = defineRoute({
  method: 'POST',
  path: '/api/auth/staff/login',
  auth: 'public',
  summary: 'Ops page login with username and password.',
  body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(128) }),
  response: z.object({ token: z.string(), staff: StaffProfile }),
});

export const wecomLogin = defineRoute({
  method: 'POST',
  path: '/api/auth/wecom/login',
  auth: 'public',
  summary: 'Sidebar login: WeCom OAuth code -> userid -> staff session.',
  body: z.object({ code: z.string().min(1).max(256) }),
  response: z.object({ token: z.string(), staff: StaffProfile }),
});

export const staffLogout = defineRoute({
  method: 'POST',
  path: '/api/auth/staff/logout',
  auth: 'staff',
  allowPasswordChangePending: true,
  summary: 'End the current staff session.',
  response: z.object({ ok: z.literal(true) }),
});

export const staffMe = defineRoute({
  method: 'GET',
  path: '/api/staff/me',
  auth: 'staff',
  allowPasswordChangePending: true,
  summary: 'The signed-in staff member and the sections they may open.',
  response: StaffProfile,
});

// ---- member self-service & privacy ----
export const getMe = defineRoute({
  method: 'GET',
  path: '/api/me',
  auth: 'member',
  summary: 'The signed-in member.',
  response: MemberProfile,
});

export const updateMe = defineRoute({
  method: 'PATCH',
  path: '/api/me',
  auth: 'member',
  summary: 'Update nickname (content-checked: NICKNAME_REJECTED) / avatar (an uploaded image id, or a URL).',
  body: z.object({
    nickname: z.string().trim().min(1, '昵称不能为空').max(20, '昵称最多20个字').optional(),
    avatarUrl: z.string().url().max(512).optional(),
    /** An image the member uploaded (chooseAvatar → /api/uploads/images): becomes the avatar. */
    avatarUploadId: z.number().int().positive().optional(),
  }),
  response: MemberProfile,
});

// ---- phone binding (issue 11): <button open-type="getPhoneNumber"> → code → server exchanges it ----
export const MyPhone = z.object({
  bound: z.boolean(),
  /** 138****1234 (the full number is never sent back). */
  phoneMasked: z.string().nullable(),
});
export type MyPhone = z.infer<typeof MyPhone>;

export const getMyPhone = defineRoute({
  method: 'GET',
  path: '/api/me/phone',
  auth: 'member',
  summary: 'Whether the member has a phone number bound (masked).',
  response: MyPhone,
});

export const bindMyPhone = defineRoute({
  method: 'POST',
  path: '/api/me/phone',
  auth: 'member',
  summary:
    'Bind the WeChat phone number: the code from <button open-type="getPhoneNumber"> is exchanged server-side (getuserphonenumber); stored encrypted + keyed digest; past till receipts with that number attach to the member. PHONE_CODE_INVALID, PHONE_NOT_SUPPORTED, PHONE_TAKEN.',
  body: z.object({ code: z.string().trim().min(1, '缺少手机号授权凭证').max(128) }),
  response: MyPhone,
});

export const MyDataExport = z.object({
  exportedAt: IsoDateTime,
  member: z.object({
    id: z.number().int(),
    openid: z.string().nullable(),
    unionid: z.string().nullable(),
    nickname: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    phone: z.string().nullable(),
    tier: z.string(),
    storeName: z.string().nullable(),
    createdAt: IsoDateTime,
  }),
  household: z
    .object({ id: z.number().int(), name: z.string(), members: z.array(z.object({ nickname: z.string().nullable(), relation: z.string().nullable() })) })
    .nullable(),
  consents: z.array(z.object({ version: z.string(), action: z.enum(['granted', 'withdrawn']), at: IsoDateTime })),
  sessions: z.array(z.object({ createdAt: IsoDateTime, lastSeenAt: IsoDateTime.nullable(), userAgent: z.string().nullable() })),
  wecomContacts: z.array(z.object({ staffName: z.string().nullable(), addedAt: IsoDateTime.nullable() })),
  /** Further domains (contest entries, registrations, orders…) add their sections here. */
  activity: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
});
export type MyDataExport = z.infer<typeof MyDataExport>;

export const getMyData = defineRoute({
  method: 'GET',
  path: '/api/me/data',
  auth: 'member',
  summary: '「我的数据」: everything held about the signed-in member (also the JSON export).',
  response: MyDataExport,
});

export const deleteMe = defineRoute({
  method: 'POST',
  path: '/api/me/delete',
  auth: 'member',
  summary: 'Withdraw consent and delete the account: personal data erased, orders kept anonymised.',
  body: z.object({ confirm: z.literal(true, { message: '请确认注销' }) }),
  response: z.object({ deleted: z.literal(true) }),
});

// ---- ops: members ----
export const MemberListItem = z.object({
  id: z.number().int(),
  nickname: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  tier: z.string(),
  storeName: z.string().nullable(),
  householdName: z.string().nullable(),
  groupOwnerName: z.string().nullable(),
  createdAt: IsoDateTime,
});
export type MemberListItem = z.infer<typeof MemberListItem>;

export const listMembers = defineRoute({
  method: 'GET',
  path: '/api/admin/members',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager', 'group_owner'],
  summary: 'Member list with search and paging (nickname, or a whole phone number); store managers see their store, group owners their own group.',
  query: PageQuery.extend({ q: z.string().trim().max(50).optional() }),
  response: pageOf(MemberListItem),
});

export const getMemberDetail = defineRoute({
  method: 'GET',
  path: '/api/admin/members/:memberId',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager', 'group_owner'],
  summary: 'One member as ops see them (same scoping as the list).',
  params: z.object({ memberId: z.coerce.number().int().positive() }),
  response: MemberListItem.extend({ householdMembers: z.array(z.object({ id: z.number().int(), nickname: z.string().nullable() })) }),
});

export const revealMemberPhone = defineRoute({
  method: 'POST',
  path: '/api/admin/members/:memberId/phone',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'The full phone number of a member in scope, for calling them; every reveal is audited with its reason.',
  params: z.object({ memberId: z.coerce.number().int().positive() }),
  body: z.object({ reason: z.string().trim().min(2).max(100) }),
  response: z.object({ phone: z.string().nullable() }),
});

export const listStaff = defineRoute({
  method: 'GET',
  path: '/api/admin/staff',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Staff accounts and roles (HQ admins only).',
  response: z.object({ items: z.array(StaffProfile) }),
});

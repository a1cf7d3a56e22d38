/**
 * 会员 on the ops page (issue 17): the filtered member list, saved filters (segments), the member
 * detail page and the Excel export. Scoping is the same as identity's member list: HQ all, store
 * managers their store, group owners their own group.
 */
import { z } from 'zod';
import { MemberListItem } from './identity';
import { defineRoute, IsoDateTime, PageQuery, pageOf, OPS_AND_OWNERS } from './route';
import { SidebarActivity } from './wecom';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

/** Every filter of the member list; all optional, combined with AND. Dates are Asia/Shanghai days. */
export const MemberFilter = z.object({
  q: z.string().trim().max(50).optional(),
  storeId: z.coerce.number().int().positive().optional(),
  tier: z.string().trim().max(16).optional(),
  /** One of our behaviour tags (e.g. 亲子家庭) or an RFM tier tag. */
  tag: z.string().trim().max(30).optional(),
  /** linked = added a clerk on WeCom; unlinked = not (yet) a WeCom contact. */
  wecom: z.enum(['linked', 'unlinked']).optional(),
  joinedFrom: Day.optional(),
  joinedTo: Day.optional(),
});
export type MemberFilter = z.infer<typeof MemberFilter>;

export const MemberRow = MemberListItem.extend({
  wecomLinked: z.boolean(),
  tags: z.array(z.string()),
});
export type MemberRow = z.infer<typeof MemberRow>;

export const searchMembers = defineRoute({
  method: 'GET',
  path: '/api/admin/member-list',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: 'Members filtered by name/phone, store, tier, tag, WeCom status and join date, paged, with their tags and WeCom status.',
  query: PageQuery.merge(MemberFilter),
  response: pageOf(MemberRow),
});

export const memberFilterOptions = defineRoute({
  method: 'GET',
  path: '/api/admin/member-list/options',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: 'What the member filters offer: stores in scope, tiers and tags in use.',
  response: z.object({
    stores: z.array(z.object({ id: z.number().int(), name: z.string() })),
    tiers: z.array(z.string()),
    tags: z.array(z.string()),
  }),
});

export const exportMembers = defineRoute({
  method: 'GET',
  path: '/api/admin/member-list/export',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary:
    'The filtered members as an Excel workbook (.xlsx, at most 10,000 rows). Phones are masked except for HQ admins. NOT JSON: fetch with the bearer header and save the body.',
  query: MemberFilter,
  response: z.any().meta({
    description: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  }),
});

// ---- segments (saved filters) ----

export const SegmentView = z.object({
  id: z.number().int(),
  name: z.string(),
  filter: MemberFilter,
  createdBy: z.string(),
  createdAt: IsoDateTime,
});
export type SegmentView = z.infer<typeof SegmentView>;

export const listSegments = defineRoute({
  method: 'GET',
  path: '/api/admin/member-segments',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: "Saved member filters (segments) of the signed-in staff member's scope: their own and, for HQ, everyone's.",
  response: z.object({ items: z.array(SegmentView) }),
});

export const createSegment = defineRoute({
  method: 'POST',
  path: '/api/admin/member-segments',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: 'Save the current member filter as a named segment.',
  body: z.object({ name: z.string().trim().min(1, '请填写分群名称').max(30, '分群名称最多30字'), filter: MemberFilter }),
  response: SegmentView,
});

export const deleteSegment = defineRoute({
  method: 'DELETE',
  path: '/api/admin/member-segments/:segmentId',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: 'Delete a saved segment (its creator, or HQ).',
  params: z.object({ segmentId: z.coerce.number().int().positive() }),
  response: z.object({ ok: z.literal(true) }),
});

// ---- member detail page ----

export const MemberProfileView = MemberRow.extend({
  avatarUrl: z.string().nullable(),
  householdMembers: z.array(z.object({ id: z.number().int(), nickname: z.string().nullable(), relation: z.string().nullable() })),
  /** RFM tier from orders (null until the member has orders). */
  rfmTier: z.string().nullable(),
  /** Our behaviour tags with where they came from. */
  behaviourTags: z.array(z.object({ name: z.string(), source: z.string(), grantedAt: IsoDateTime })),
  /** WeCom contacts of the member (normally one) and the clerk who looks after each. */
  wecomContacts: z.array(
    z.object({
      externalUserId: z.string(),
      name: z.string().nullable(),
      avatarUrl: z.string().nullable(),
      staffName: z.string().nullable(),
      addedAt: IsoDateTime.nullable(),
      corpTags: z.array(z.object({ name: z.string(), groupName: z.string() })),
    }),
  ),
  /** The same cross-domain timeline the sidebar shows (registrations, entries, classes, journeys, notes…), newest first. */
  timeline: z.array(SidebarActivity),
});
export type MemberProfileView = z.infer<typeof MemberProfileView>;

export const memberProfile = defineRoute({
  method: 'GET',
  path: '/api/admin/member-profiles/:memberId',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: "One member's detail page: profile, household, store, tier and RFM, WeCom contacts and their clerks, tags of both kinds, the timeline.",
  params: z.object({ memberId: z.coerce.number().int().positive() }),
  response: MemberProfileView,
});

// ---- the customer picker (issue 17): wherever ops choose a WeCom customer ----

export const CustomerPick = z.object({
  externalUserId: z.string(),
  /** WeCom name (remark or the customer's own). */
  name: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  /** The clerk the customer added. */
  clerkName: z.string().nullable(),
  /** The member's store, else the clerk's. */
  storeName: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  memberId: z.number().int().nullable(),
  memberName: z.string().nullable(),
  /** Corp tags and our behaviour tags. */
  tags: z.array(z.string()),
});
export type CustomerPick = z.infer<typeof CustomerPick>;

export const searchCustomers = defineRoute({
  method: 'GET',
  path: '/api/admin/customer-picker',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary:
    'WeCom customers in scope by name (WeCom name or member nickname), whole phone number, or tag (corp or behaviour); newest first, at most 20. No query = the latest customers.',
  query: z.object({
    q: z.string().trim().max(50).optional(),
    tag: z.string().trim().max(30).optional(),
    /** Resolve one customer (the picker's current value). */
    externalUserId: z.string().trim().min(1).max(64).optional(),
  }),
  response: z.object({ items: z.array(CustomerPick) }),
});

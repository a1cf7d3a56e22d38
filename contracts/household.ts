/**
 * 我的: household (create, invite by share card, accept, leave), home store (nearest or chosen)
 * and the profile's avatar. Served by the identity module.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime } from './route';
import { MemberProfile } from './identity';

const Id = z.coerce.number().int().positive().max(2_147_483_647);

/** Relations a member may give within the household (shown as is). */
export const HOUSEHOLD_RELATIONS = ['本人', '配偶', '父母', '子女', '祖父母', '兄弟姐妹', '其他'] as const;
export const HouseholdRelation = z.enum(HOUSEHOLD_RELATIONS);

export const HouseholdView = z.object({
  id: z.number().int(),
  name: z.string(),
  /** Children living in the household (the member says so; used for 宝宝营养 recommendations and class forms). */
  childrenCount: z.number().int(),
  members: z.array(
    z.object({
      id: z.number().int(),
      nickname: z.string().nullable(),
      avatarUrl: z.string().nullable(),
      relation: z.string().nullable(),
      isMe: z.boolean(),
    }),
  ),
});
export type HouseholdView = z.infer<typeof HouseholdView>;

export const getMyHousehold = defineRoute({
  method: 'GET',
  path: '/api/me/household',
  auth: 'member',
  summary: 'The household the member belongs to (null when none).',
  response: z.object({ household: HouseholdView.nullable() }),
});

export const createHousehold = defineRoute({
  method: 'POST',
  path: '/api/me/household',
  auth: 'member',
  summary: 'Create a household with the member in it (409 HOUSEHOLD_EXISTS when already in one).',
  body: z.object({
    name: z.string().trim().min(1, '请填写家庭名称').max(20, '家庭名称最多20个字'),
    childrenCount: z.coerce.number().int().min(0).max(9).default(0),
  }),
  response: z.object({ household: HouseholdView }),
});

export const updateHousehold = defineRoute({
  method: 'PATCH',
  path: '/api/me/household',
  auth: 'member',
  summary: 'Rename the household, set the number of children, or the member’s own relation in it.',
  body: z.object({
    name: z.string().trim().min(1, '请填写家庭名称').max(20, '家庭名称最多20个字').optional(),
    childrenCount: z.coerce.number().int().min(0).max(9).optional(),
    relation: HouseholdRelation.optional(),
  }),
  response: z.object({ household: HouseholdView }),
});

export const HouseholdInvite = z.object({
  token: z.string(),
  householdName: z.string(),
  inviterNickname: z.string().nullable(),
  expiresAt: IsoDateTime,
  /** The mini-program path the share card opens. */
  path: z.string(),
});

export const createHouseholdInvite = defineRoute({
  method: 'POST',
  path: '/api/me/household/invites',
  auth: 'member',
  summary: 'An invitation for the share card (valid 7 days, any number of family members may accept).',
  response: HouseholdInvite,
});

export const getHouseholdInvite = defineRoute({
  method: 'GET',
  path: '/api/household-invites/:token',
  auth: 'member',
  summary: 'What the invited member sees before accepting (404 HOUSEHOLD_INVITE_INVALID when unknown or expired).',
  params: z.object({ token: z.string().min(8).max(64) }),
  response: z.object({
    householdName: z.string(),
    inviterNickname: z.string().nullable(),
    memberCount: z.number().int(),
    expiresAt: IsoDateTime,
    /** The member is already in this household. */
    alreadyMember: z.boolean(),
    /** The member is in another household (must leave it first). */
    inOtherHousehold: z.boolean(),
  }),
});

export const acceptHouseholdInvite = defineRoute({
  method: 'POST',
  path: '/api/household-invites/:token/accept',
  auth: 'member',
  summary: 'Join the household (idempotent for a member already in it; 409 HOUSEHOLD_EXISTS when in another).',
  params: z.object({ token: z.string().min(8).max(64) }),
  body: z.object({ relation: HouseholdRelation.optional() }),
  response: z.object({ household: HouseholdView }),
});

export const leaveHousehold = defineRoute({
  method: 'POST',
  path: '/api/me/household/leave',
  auth: 'member',
  summary: 'Leave the household (the others stay in it).',
  response: z.object({ left: z.literal(true) }),
});

// ---- home store ----
export const StoreOption = z.object({
  id: z.number().int(),
  name: z.string(),
  address: z.string().nullable(),
  /** Metres from the given location (null when no location was given or the store has none). */
  distanceM: z.number().int().nullable(),
});
export type StoreOption = z.infer<typeof StoreOption>;

export const listStores = defineRoute({
  method: 'GET',
  path: '/api/stores',
  auth: 'member',
  summary: 'Stores to choose the home store from; nearest first when the member shares a location (GCJ-02).',
  query: z.object({
    lat: z.coerce.number().min(-90).max(90).optional(),
    lng: z.coerce.number().min(-180).max(180).optional(),
  }),
  response: z.object({ items: z.array(StoreOption) }),
});

export const setHomeStore = defineRoute({
  method: 'PUT',
  path: '/api/me/store',
  auth: 'member',
  summary: 'Choose the home store (常去门店).',
  body: z.object({ storeId: Id }),
  response: MemberProfile,
});

/** The mini-program page a household invitation card opens. */
export const HOUSEHOLD_INVITE_PAGE = '/packages/profile/join/index';

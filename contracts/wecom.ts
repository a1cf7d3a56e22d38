import { z } from 'zod';
import { defineRoute, IsoDateTime } from './route';

const Signature = z.object({ timestamp: z.number().int(), nonceStr: z.string(), signature: z.string() });

export const jssdkSignature = defineRoute({
  method: 'POST',
  path: '/api/wecom/jssdk/signature',
  auth: 'staff',
  summary: 'Signatures for ww.register: corp (jsapi_ticket) and agent (agent_config ticket) for the page URL.',
  body: z.object({ url: z.string().url().max(1024) }),
  response: z.object({ corpId: z.string(), agentId: z.string(), corp: Signature, agent: Signature }),
});

export const SidebarContactView = z.object({
  externalUserId: z.string(),
  name: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  /** The member linked to this WeCom contact (by unionid), when there is one. */
  member: z
    .object({
      id: z.number().int(),
      nickname: z.string().nullable(),
      tier: z.string(),
      storeName: z.string().nullable(),
      householdName: z.string().nullable(),
      tags: z.array(z.string()),
      recentActivity: z.array(z.object({ at: IsoDateTime, text: z.string() })),
      nextBestOffer: z.string().nullable(),
    })
    .nullable(),
});
export type SidebarContactView = z.infer<typeof SidebarContactView>;

export const sidebarContact = defineRoute({
  method: 'GET',
  path: '/api/sidebar/contacts/:externalUserId',
  auth: 'staff',
  summary: 'Who the staff member is talking to: contact, linked member, tier, tags, recent activity, what to offer next.',
  params: z.object({ externalUserId: z.string().min(1).max(64) }),
  response: SidebarContactView,
});

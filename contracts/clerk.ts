/**
 * The clerk's tools around a chat (issue 17): 跟进记录 (follow-up notes), 话术库 (quick replies) and
 * 素材库 (materials) managed on the ops page and sent from the sidebar, and the contact's corp tags.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, PageQuery, pageOf, STORE_OPS } from './route';

const ExternalUserId = z.string().min(1).max(64);

// ---- 跟进记录 ----

export const FOLLOWUP_KINDS = ['call', 'visit', 'chat'] as const;
export const FOLLOWUP_KIND_LABELS: Record<(typeof FOLLOWUP_KINDS)[number], string> = { call: '电话', visit: '到店', chat: '聊天' };

export const FollowupNoteView = z.object({
  id: z.number().int(),
  kind: z.enum(FOLLOWUP_KINDS),
  text: z.string(),
  staffName: z.string(),
  createdAt: IsoDateTime,
});
export type FollowupNoteView = z.infer<typeof FollowupNoteView>;

export const listFollowups = defineRoute({
  method: 'GET',
  path: '/api/sidebar/contacts/:externalUserId/followups',
  auth: 'staff',
  summary: '跟进记录 of the customer in the chat, newest first (same visibility as the sidebar contact view).',
  params: z.object({ externalUserId: ExternalUserId }),
  response: z.object({ items: z.array(FollowupNoteView) }),
});

export const createFollowup = defineRoute({
  method: 'POST',
  path: '/api/sidebar/contacts/:externalUserId/followups',
  auth: 'staff',
  summary: 'Write a follow-up note (call / visit / chat). It shows in the member timeline and counts as an interaction for the journeys.',
  params: z.object({ externalUserId: ExternalUserId }),
  body: z.object({
    kind: z.enum(FOLLOWUP_KINDS),
    text: z.string().trim().min(1, '请填写跟进内容').max(500, '跟进内容最多500字'),
  }),
  response: FollowupNoteView,
});

// ---- manual tasks ----

export const createManualTask = defineRoute({
  method: 'POST',
  path: '/api/sidebar/contacts/:externalUserId/tasks',
  auth: 'staff',
  summary: 'A task the clerk sets for themselves about this customer, due at a time; it shows with the journey tasks.',
  params: z.object({ externalUserId: ExternalUserId }),
  body: z.object({
    title: z.string().trim().min(1, '请填写任务内容').max(60, '任务内容最多60字'),
    detail: z.string().trim().max(500).default(''),
    dueAt: IsoDateTime.refine((s) => !Number.isNaN(Date.parse(s)), '请选择截止时间'),
  }),
  response: z.object({ id: z.number().int(), title: z.string(), dueAt: IsoDateTime }),
});

// ---- 话术库 / 素材库 ----

export const QuickReplyInput = z.object({
  groupName: z.string().trim().min(1, '请填写分组').max(20),
  title: z.string().trim().min(1, '请填写标题').max(40),
  content: z.string().trim().min(1, '请填写话术内容').max(1000),
});
export const QuickReplyView = QuickReplyInput.extend({ id: z.number().int(), updatedAt: IsoDateTime });
export type QuickReplyView = z.infer<typeof QuickReplyView>;

export const MATERIAL_KINDS = ['image', 'miniprogram', 'link', 'file'] as const;
export const MATERIAL_KIND_LABELS: Record<(typeof MATERIAL_KINDS)[number], string> = { image: '图片', miniprogram: '小程序', link: '链接', file: '文件' };

export const MaterialInput = z
  .object({
    groupName: z.string().trim().min(1, '请填写分组').max(20),
    kind: z.enum(MATERIAL_KINDS),
    title: z.string().trim().min(1, '请填写标题').max(64),
    /** image / file: the file's URL; link: the page; miniprogram: unused (null). */
    url: z.string().trim().url('请填写正确的网址').max(1024).nullable().default(null),
    /** Cover / thumbnail (link, mini-program card). */
    picUrl: z.string().trim().url('请填写正确的图片网址').max(512).nullable().default(null),
    description: z.string().trim().max(200).default(''),
    /** miniprogram: appid and page (e.g. pages/home/index?from=material). */
    appid: z.string().trim().max(64).nullable().default(null),
    page: z.string().trim().max(256).nullable().default(null),
  })
  .refine((m) => m.kind === 'miniprogram' || !!m.url, { message: '请填写网址', path: ['url'] })
  .refine((m) => m.kind !== 'miniprogram' || (!!m.appid && !!m.page), { message: '小程序素材需填写 AppID 和页面路径', path: ['page'] });
export const MaterialView = z.object({
  id: z.number().int(),
  groupName: z.string(),
  kind: z.enum(MATERIAL_KINDS),
  title: z.string(),
  url: z.string().nullable(),
  picUrl: z.string().nullable(),
  description: z.string(),
  appid: z.string().nullable(),
  page: z.string().nullable(),
  updatedAt: IsoDateTime,
});
export type MaterialView = z.infer<typeof MaterialView>;

const LibraryQuery = PageQuery.extend({ q: z.string().trim().max(40).optional(), groupName: z.string().trim().max(20).optional() });
const IdParams = z.object({ id: z.coerce.number().int().positive() });

export const listQuickReplies = defineRoute({
  method: 'GET',
  path: '/api/admin/library/replies',
  auth: 'staff',
  roles: STORE_OPS,
  summary: '话术库: quick replies by group, searchable by title and content.',
  query: LibraryQuery,
  response: pageOf(QuickReplyView).extend({ groups: z.array(z.string()) }),
});
export const createQuickReply = defineRoute({
  method: 'POST',
  path: '/api/admin/library/replies',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Add a quick reply.',
  body: QuickReplyInput,
  response: QuickReplyView,
});
export const updateQuickReply = defineRoute({
  method: 'PUT',
  path: '/api/admin/library/replies/:id',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Edit a quick reply.',
  params: IdParams,
  body: QuickReplyInput,
  response: QuickReplyView,
});
export const deleteQuickReply = defineRoute({
  method: 'DELETE',
  path: '/api/admin/library/replies/:id',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Delete a quick reply.',
  params: IdParams,
  response: z.object({ ok: z.literal(true) }),
});

export const listMaterials = defineRoute({
  method: 'GET',
  path: '/api/admin/library/materials',
  auth: 'staff',
  roles: STORE_OPS,
  summary: '素材库: images, mini-program cards, links and files by group, searchable by title and description.',
  query: LibraryQuery.extend({ kind: z.enum(MATERIAL_KINDS).optional() }),
  response: pageOf(MaterialView).extend({ groups: z.array(z.string()) }),
});
export const createMaterial = defineRoute({
  method: 'POST',
  path: '/api/admin/library/materials',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Add a material.',
  body: MaterialInput,
  response: MaterialView,
});
export const updateMaterial = defineRoute({
  method: 'PUT',
  path: '/api/admin/library/materials/:id',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Edit a material.',
  params: IdParams,
  body: MaterialInput,
  response: MaterialView,
});
export const deleteMaterial = defineRoute({
  method: 'DELETE',
  path: '/api/admin/library/materials/:id',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Delete a material.',
  params: IdParams,
  response: z.object({ ok: z.literal(true) }),
});

export const sidebarLibrary = defineRoute({
  method: 'GET',
  path: '/api/sidebar/library',
  auth: 'staff',
  summary: 'Quick replies and materials for the sidebar (every staff role), filtered by a search over titles and text; at most 50 of each.',
  query: z.object({ q: z.string().trim().max(40).optional() }),
  response: z.object({ replies: z.array(QuickReplyView), materials: z.array(MaterialView) }),
});

export const materialMedia = defineRoute({
  method: 'POST',
  path: '/api/sidebar/library/materials/:id/media',
  auth: 'staff',
  summary:
    'The WeCom temporary media_id of an image/file material, for sendChatMessage: uploaded to media/upload on first use and reused until 1 h before its 3-day expiry.',
  params: IdParams,
  response: z.object({ msgtype: z.enum(['image', 'file']), mediaId: z.string(), expiresAt: IsoDateTime }),
});

// ---- corp tags of the contact ----

export const ContactCorpTag = z.object({
  id: z.string(),
  name: z.string(),
  groupName: z.string(),
  /** Our own tag: the sidebar may add or remove it (WeCom lets an app edit only tags it created). */
  editable: z.boolean(),
});
export type ContactCorpTag = z.infer<typeof ContactCorpTag>;

export const sidebarContactTags = defineRoute({
  method: 'GET',
  path: '/api/sidebar/contacts/:externalUserId/corp-tags',
  auth: 'staff',
  summary: "Every corp tag the contact carries (ours and the corp's, refreshed from WeCom), plus our tags that could be added.",
  params: z.object({ externalUserId: ExternalUserId }),
  response: z.object({ tags: z.array(ContactCorpTag), addable: z.array(ContactCorpTag) }),
});

export const editContactTags = defineRoute({
  method: 'POST',
  path: '/api/sidebar/contacts/:externalUserId/corp-tags',
  auth: 'staff',
  summary: 'Add / remove our own corp tags on the contact (queued as mark_tag; tags we did not create are refused).',
  params: z.object({ externalUserId: ExternalUserId }),
  body: z.object({ add: z.array(z.string().min(1).max(64)).max(20).default([]), remove: z.array(z.string().min(1).max(64)).max(20).default([]) }),
  response: z.object({ tags: z.array(ContactCorpTag), addable: z.array(ContactCorpTag) }),
});

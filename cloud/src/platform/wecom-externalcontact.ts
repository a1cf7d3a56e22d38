/**
 * Typed customer-contact (客户联系) APIs on top of HttpWecomClient.call (token cache, token
 * refresh-and-retry, 45009/45033 backoff, per-API rate limit and the call log all come from there).
 * Every method uses the contact app's token.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { WECOM_CLIENT } from './types';
import type { HttpWecomClient } from './wecom.client';

const X = '/cgi-bin/externalcontact';

export interface WxExternalContact {
  external_userid: string;
  name: string;
  avatar?: string;
  type?: number;
  gender?: number;
  unionid?: string;
}
export interface WxFollowUser {
  userid: string;
  remark?: string;
  createtime: number;
  state?: string;
  add_way?: number;
  tags?: Array<{ group_name: string; tag_name: string; tag_id?: string; type: number }>;
}
export interface WxTagGroup {
  group_id: string;
  group_name: string;
  create_time: number;
  order: number;
  deleted?: boolean;
  tag: Array<{ id: string; name: string; create_time: number; order: number; deleted?: boolean }>;
}
export type WxWelcomeAttachment =
  | { msgtype: 'image'; image: { media_id?: string; pic_url?: string } }
  | { msgtype: 'link'; link: { title: string; url: string; desc?: string; picurl?: string } }
  | { msgtype: 'miniprogram'; miniprogram: { title: string; appid: string; page: string; pic_media_id?: string } };

export interface WxGroupChat {
  chat_id: string;
  name: string;
  owner: string;
  create_time?: number;
  member_list: Array<{ userid: string; type: number; join_time?: number; join_scene?: number; unionid?: string; name?: string }>;
}

export interface WxGroupMsg {
  msgid: string;
  creator: string;
  create_time: string;
  text?: { content: string };
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomContactApi {
  @Inject(WECOM_CLIENT)
  client!: HttpWecomClient;

  /** Without the Midway container (scripts, child processes in tests). */
  static with(client: HttpWecomClient): WecomContactApi {
    const api = new WecomContactApi();
    api.client = client;
    return api;
  }

  private post<T>(api: string, body: unknown): Promise<T> {
    return this.client.call<T>('contact', `externalcontact/${api}`, { path: `${X}/${api}`, method: 'POST', body });
  }

  sendWelcome(welcomeCode: string, text: string | null, attachments: WxWelcomeAttachment[]): Promise<unknown> {
    return this.post('send_welcome_msg', { welcome_code: welcomeCode, ...(text ? { text: { content: text } } : {}), attachments });
  }

  get(externalUserId: string): Promise<{ external_contact: WxExternalContact; follow_user: WxFollowUser[] }> {
    return this.client.call('contact', 'externalcontact/get', { path: `${X}/get`, query: { external_userid: externalUserId } });
  }

  batchGetByUser(
    userids: string[],
    cursor = '',
    limit = 100,
  ): Promise<{
    external_contact_list: Array<{
      external_contact: WxExternalContact;
      follow_info: { userid: string; createtime: number; state?: string; tag_id?: string[] };
    }>;
    next_cursor: string;
  }> {
    return this.post('batch/get_by_user', { userid_list: userids, cursor, limit });
  }

  list(userid: string): Promise<{ external_userid: string[] }> {
    return this.client.call('contact', 'externalcontact/list', { path: `${X}/list`, query: { userid } });
  }

  followUsers(): Promise<{ follow_user: string[] }> {
    return this.client.call('contact', 'externalcontact/get_follow_user_list', { path: `${X}/get_follow_user_list` });
  }

  addContactWay(o: { type: 1 | 2; users: string[]; state: string; skipVerify: boolean; remark?: string }): Promise<{ config_id: string; qr_code?: string }> {
    return this.post('add_contact_way', {
      type: o.type,
      scene: 2,
      user: o.users,
      state: o.state,
      skip_verify: o.skipVerify,
      ...(o.remark ? { remark: o.remark } : {}),
    });
  }

  updateContactWay(configId: string, o: { users?: string[]; skipVerify?: boolean; remark?: string }): Promise<unknown> {
    return this.post('update_contact_way', {
      config_id: configId,
      ...(o.users ? { user: o.users } : {}),
      ...(o.skipVerify !== undefined ? { skip_verify: o.skipVerify } : {}),
      ...(o.remark !== undefined ? { remark: o.remark } : {}),
    });
  }

  delContactWay(configId: string): Promise<unknown> {
    return this.post('del_contact_way', { config_id: configId });
  }

  corpTagList(filter: { tagIds?: string[]; groupIds?: string[] } = {}): Promise<{ tag_group: WxTagGroup[] }> {
    return this.post('get_corp_tag_list', { ...(filter.tagIds ? { tag_id: filter.tagIds } : {}), ...(filter.groupIds ? { group_id: filter.groupIds } : {}) });
  }

  addCorpTag(o: { groupId?: string; groupName?: string; names: string[] }): Promise<{ tag_group: WxTagGroup }> {
    return this.post('add_corp_tag', {
      ...(o.groupId ? { group_id: o.groupId } : { group_name: o.groupName }),
      tag: o.names.map((name) => ({ name })),
    });
  }

  markTag(userid: string, externalUserId: string, add: string[], remove: string[]): Promise<unknown> {
    return this.post('mark_tag', {
      userid,
      external_userid: externalUserId,
      ...(add.length ? { add_tag: add } : {}),
      ...(remove.length ? { remove_tag: remove } : {}),
    });
  }

  addMsgTemplate(o: {
    sender: string;
    externalUserIds: string[];
    text: string | null;
    attachments: WxWelcomeAttachment[];
  }): Promise<{ msgid: string; fail_list?: string[] }> {
    return this.post('add_msg_template', {
      chat_type: 'single',
      external_userid: o.externalUserIds,
      sender: o.sender,
      ...(o.text ? { text: { content: o.text } } : {}),
      attachments: o.attachments,
    });
  }

  groupMsgListV2(o: {
    startTime: number;
    endTime: number;
    creator?: string;
    cursor?: string;
    limit?: number;
  }): Promise<{ group_msg_list: WxGroupMsg[]; next_cursor: string }> {
    return this.post('get_groupmsg_list_v2', {
      chat_type: 'single',
      start_time: o.startTime,
      end_time: o.endTime,
      ...(o.creator ? { creator: o.creator } : {}),
      filter_type: 2,
      limit: o.limit ?? 100,
      cursor: o.cursor ?? '',
    });
  }

  groupMsgSendResult(
    msgid: string,
    userid: string,
    cursor = '',
  ): Promise<{ send_list: Array<{ external_userid: string; userid: string; status: number; send_time?: number }>; next_cursor: string }> {
    return this.post('get_groupmsg_send_result', { msgid, userid, limit: 1000, cursor });
  }

  groupChatGet(chatId: string): Promise<{ group_chat: WxGroupChat }> {
    return this.post('groupchat/get', { chat_id: chatId, need_name: 1 });
  }

  /** Customer groups, optionally of some owners; status_filter 0 = all groups (normal and ones in transfer). */
  groupChatList(
    o: { ownerUserIds?: string[]; cursor?: string; limit?: number } = {},
  ): Promise<{ group_chat_list: Array<{ chat_id: string; status: number }>; next_cursor?: string }> {
    return this.post('groupchat/list', {
      status_filter: 0,
      ...(o.ownerUserIds?.length ? { owner_filter: { userid_list: o.ownerUserIds } } : {}),
      cursor: o.cursor ?? '',
      limit: o.limit ?? 1000,
    });
  }

  /** Group mass message (群发到客户群): the owner confirms it in WeCom; chat_id_list names the groups. */
  addGroupMsgTemplate(o: {
    sender: string;
    chatIds: string[];
    text: string | null;
    attachments: WxWelcomeAttachment[];
  }): Promise<{ msgid: string; fail_list?: string[] }> {
    return this.post('add_msg_template', {
      chat_type: 'group',
      sender: o.sender,
      chat_id_list: o.chatIds,
      ...(o.text ? { text: { content: o.text } } : {}),
      attachments: o.attachments,
    });
  }

  groupMsgListGroup(o: {
    startTime: number;
    endTime: number;
    creator: string;
    cursor?: string;
  }): Promise<{ group_msg_list: WxGroupMsg[]; next_cursor: string }> {
    return this.post('get_groupmsg_list_v2', {
      chat_type: 'group',
      start_time: o.startTime,
      end_time: o.endTime,
      creator: o.creator,
      filter_type: 2,
      limit: 100,
      cursor: o.cursor ?? '',
    });
  }

  /** 入群欢迎语素材: add returns a template_id the group owner picks in the client (or we set per group). */
  groupWelcomeTemplateAdd(o: { text: string; attachments?: WxWelcomeAttachment[] }): Promise<{ template_id: string }> {
    return this.post('group_welcome_template/add', { text: { content: o.text }, ...this.welcomeAttachment(o.attachments), notify: 1 });
  }

  groupWelcomeTemplateEdit(templateId: string, o: { text: string; attachments?: WxWelcomeAttachment[] }): Promise<unknown> {
    return this.post('group_welcome_template/edit', { template_id: templateId, text: { content: o.text }, ...this.welcomeAttachment(o.attachments) });
  }

  /** The group welcome template carries at most one attachment, keyed by its type. */
  private welcomeAttachment(list: WxWelcomeAttachment[] = []): Record<string, unknown> {
    const a = list[0];
    if (!a) return {};
    if (a.msgtype === 'image') return { image: a.image };
    if (a.msgtype === 'link') return { link: a.link };
    return { miniprogram: a.miniprogram };
  }
}

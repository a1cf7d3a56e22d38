/**
 * The WeCom client side of the sidebar (@wecom/jssdk 2.x). Only called when the page really runs
 * inside the WeCom client; in dev with the simulator a plain browser stands in and none of this runs.
 */
import * as ww from '@wecom/jssdk';
import * as wecom from '../../contracts/wecom';
import type { RouteResponse } from '../../contracts/route';
import type { ApiClient } from '../shared/api';

type Signatures = RouteResponse<typeof wecom.jssdkSignature>;

export const JS_API_LIST = ['getCurExternalContact', 'getCurExternalChat', 'sendChatMessage', 'getContext'];

/** True inside the WeCom app's webview (its user agent), false in a normal browser. */
export function inWecomClient(): boolean {
  return ww.env.isWeCom;
}

let registered = false;

/**
 * ww.register asks for the corp signature and the agent signature separately, usually for the
 * same URL; one server call answers both, so the promise is cached per URL (and dropped on failure
 * so a retry asks again).
 */
export function registerWecom(api: ApiClient, corpId: string, agentId: string): void {
  if (registered) return;
  registered = true;
  const cache = new Map<string, Promise<Signatures>>();
  const signaturesFor = (url: string) => {
    let p = cache.get(url);
    if (!p) {
      p = api.call(wecom.jssdkSignature, { body: { url } });
      cache.set(url, p);
      p.catch(() => cache.delete(url));
    }
    return p;
  };
  ww.register({
    corpId,
    agentId,
    jsApiList: JS_API_LIST,
    getConfigSignature: async (url) => {
      const { corp } = await signaturesFor(url);
      return { timestamp: corp.timestamp, nonceStr: corp.nonceStr, signature: corp.signature };
    },
    getAgentConfigSignature: async (url) => {
      const { agent } = await signaturesFor(url);
      return { timestamp: agent.timestamp, nonceStr: agent.nonceStr, signature: agent.signature };
    },
  });
}

/** Entries from which getCurExternalContact can answer (see the jssdk's EntryType docs). */
const CONTACT_ENTRIES = new Set(['contact_profile', 'single_chat_tools']);

export type ContactLookup = { kind: 'contact'; externalUserId: string } | { kind: 'unsupported'; message: string };

export async function currentExternalContact(): Promise<ContactLookup> {
  const context = await ww.getContext();
  if (!CONTACT_ENTRIES.has(context.entry)) {
    return {
      kind: 'unsupported',
      message: context.entry === 'group_chat_tools' ? '当前是客户群会话，请在与客户的单聊中打开侧边栏查看客户信息' : '请在与客户的单聊或客户详情页中打开侧边栏',
    };
  }
  const res = await ww.getCurExternalContact();
  return { kind: 'contact', externalUserId: res.userId };
}

export interface MiniprogramCard {
  appid: string;
  title: string;
  imgUrl: string;
  page: string;
}

export async function sendMiniprogramCard(card: MiniprogramCard): Promise<void> {
  await ww.sendChatMessage({ msgtype: 'miniprogram', miniprogram: card });
}

/** jssdk failures reject with { errMsg, errCode }; say what went wrong in Chinese. */
export function wecomErrorMessage(err: unknown): string {
  const errMsg = typeof err === 'object' && err && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : '';
  if (/cancel/i.test(errMsg)) return '已取消';
  if (/no permission|permission denied|invalid signature|config:fail|agentConfig:fail/i.test(errMsg)) {
    return '企业微信鉴权失败：请确认应用已开通客户联系权限且可信域名配置正确';
  }
  if (/without context/i.test(errMsg)) return '当前入口不支持此操作，请在与客户的单聊中打开侧边栏';
  if (/not support|unsupported/i.test(errMsg)) return '当前企业微信版本不支持此功能，请升级客户端';
  if (err instanceof Error && 'code' in err) return err.message; // ApiError from the signature call
  return errMsg ? `企业微信调用失败（${errMsg}）` : '企业微信调用失败，请稍后重试';
}

/** What sendChatMessage takes (the subset the sidebar sends). */
export type ChatMessage =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'news'; news: { link: string; title: string; desc: string; imgUrl: string } }
  | { msgtype: 'image'; image: { mediaId: string } }
  | { msgtype: 'file'; file: { mediaId: string } }
  | { msgtype: 'miniprogram'; miniprogram: MiniprogramCard };

/** In dev the simulator's WeCom-client stand-in receives the message (and records it). */
export interface DevChat {
  simulatorUrl: string;
  userid: string | null;
  externalUserId: string;
}

/** Send into the current chat: the WeCom client's sendChatMessage, or the simulator in dev. */
export async function sendChat(message: ChatMessage, dev: DevChat | null): Promise<void> {
  if (!dev) {
    await ww.sendChatMessage(message as Parameters<typeof ww.sendChatMessage>[0]);
    return;
  }
  const res = await fetch(`${dev.simulatorUrl.replace(/\/+$/, '')}/__sim/wecom/client/send-chat-message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userid: dev.userid, external_userid: dev.externalUserId, message }),
  });
  if (!res.ok) throw { errMsg: `sendChatMessage:fail ${res.status}` };
}

/**
 * add_msg_template with chat_type group (群发到客户群): the group owner confirms it in WeCom, then it
 * goes to the named groups. Not idempotent, so a row found 'sending' after a crash is first looked
 * up by creator, time window and text (get_groupmsg_list_v2, chat_type group) before sending again.
 */
import type { WecomContactApi, WxWelcomeAttachment } from '../../platform/wecom-externalcontact';
import type { OutboundSender } from './outbound';

export interface GroupMsgTemplatePayload {
  /** The group owner's WeCom userid. */
  sender: string;
  chatIds: string[];
  text: string | null;
  attachments: WxWelcomeAttachment[];
}

export function groupMsgTemplateHandler(api: () => WecomContactApi, now: () => Date = () => new Date()): OutboundSender<GroupMsgTemplatePayload> {
  return {
    idempotent: false,
    async send(p) {
      const r = await api().addGroupMsgTemplate({ sender: p.sender, chatIds: p.chatIds, text: p.text, attachments: p.attachments });
      return { msgid: r.msgid, failList: r.fail_list ?? [] };
    },
    async reconcile(p, since) {
      const start = Math.floor(since.getTime() / 1000);
      const end = Math.max(start, Math.floor(now().getTime() / 1000) + 60);
      let cursor = '';
      do {
        const page = await api().groupMsgListGroup({ startTime: start, endTime: Math.min(end, start + 30 * 86400), creator: p.sender, cursor });
        const found = page.group_msg_list.find((m) => (m.text?.content ?? null) === (p.text ?? null));
        if (found) return { msgid: found.msgid, failList: [], reconciled: true };
        cursor = page.next_cursor;
      } while (cursor);
      return null;
    },
  };
}

/**
 * add_msg_template (企业群发, chat_type single): not idempotent — calling twice creates two mass
 * messages for the staff member to confirm. Reconciliation finds a message we created earlier by
 * creator, time window and content, then checks its recipients with get_groupmsg_send_result.
 */
import type { WecomContactApi, WxWelcomeAttachment } from '../../platform/wecom-externalcontact';
import type { OutboundSender } from './outbound';

export interface MsgTemplatePayload {
  sender: string;
  externalUserIds: string[];
  text: string | null;
  attachments: WxWelcomeAttachment[];
}

export function msgTemplateHandler(api: () => WecomContactApi, now: () => Date = () => new Date()): OutboundSender<MsgTemplatePayload> {
  return {
    idempotent: false,
    async send(p) {
      const r = await api().addMsgTemplate({ sender: p.sender, externalUserIds: p.externalUserIds, text: p.text, attachments: p.attachments });
      return { msgid: r.msgid, failList: r.fail_list ?? [] };
    },
    async reconcile(p, since) {
      const wanted = new Set(p.externalUserIds);
      const start = Math.floor(since.getTime() / 1000);
      const end = Math.max(start, Math.floor(now().getTime() / 1000) + 60);
      let cursor = '';
      do {
        const page = await api().groupMsgListV2({ startTime: start, endTime: Math.min(end, start + 30 * 86400), creator: p.sender, cursor });
        for (const m of page.group_msg_list) {
          if ((m.text?.content ?? null) !== (p.text ?? null)) continue;
          const got = new Set<string>();
          let c2 = '';
          do {
            const res = await api().groupMsgSendResult(m.msgid, p.sender, c2);
            res.send_list.forEach((s) => got.add(s.external_userid));
            c2 = res.next_cursor;
          } while (c2);
          if ([...wanted].every((id) => got.has(id))) return { msgid: m.msgid, failList: [], reconciled: true };
        }
        cursor = page.next_cursor;
      } while (cursor);
      return null;
    },
  };
}

/**
 * Outbound kind `app_message`: a text to staff through the self-built app (message/send). Sent
 * with WeCom's duplicate check on, so sending again after a crash does not notify twice: safe
 * to treat as idempotent.
 */
import type { WecomAppMessageApi, AppTextMessage } from '../../platform/wecom-message';
import type { OutboundSender } from './outbound';

export const APP_MESSAGE_KIND = 'app_message';

export function appMessageHandler(api: () => WecomAppMessageApi): OutboundSender<AppTextMessage> {
  return {
    idempotent: true,
    async send(p) {
      return api().send(p);
    },
  };
}

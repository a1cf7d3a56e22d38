/**
 * App messages to staff (应用消息) through the self-built app: `message/send` with the agent's
 * token and agentid. WeCom's duplicate check drops the same content sent again within the
 * interval, so a retry after an unclear answer does not notify twice.
 */
import { Config, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { WECOM_CLIENT, type PlatformConfig } from './types';
import type { HttpWecomClient } from './wecom.client';

export interface AppTextMessage {
  /** WeCom userids of the staff to notify. */
  toUsers: string[];
  text: string;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomAppMessageApi {
  @Inject(WECOM_CLIENT)
  client!: HttpWecomClient;

  @Config('platform')
  platform!: PlatformConfig;

  send(m: AppTextMessage): Promise<{ invaliduser?: string; msgid?: string }> {
    return this.client.call('agent', 'message/send', {
      path: '/cgi-bin/message/send',
      method: 'POST',
      body: {
        touser: m.toUsers.join('|'),
        msgtype: 'text',
        agentid: Number(this.platform.wecom.agentId),
        text: { content: m.text },
        enable_duplicate_check: 1,
        duplicate_check_interval: 1800,
      },
    });
  }
}

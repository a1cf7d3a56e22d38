/**
 * The welcome (欢迎语): chosen by the callback's State from our database only and sent with the
 * WelcomeCode before any other WeCom call for the event, because the code dies 20 s after the
 * add. Every attempt is logged with its delay.
 */
import { welcomeDelay } from '../../core/metrics';
import { Destroy, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { WelcomeAttachment, WelcomeContent } from '../../../../contracts/wecom';
import { BatchQueue, Batcher } from '../../core/queue/batcher';
import { Db, isUniqueViolation } from '../../core/db';
import { PlatformError, PlatformUnavailableError } from '../../platform/types';
import { WecomContactApi, type WxWelcomeAttachment } from '../../platform/wecom-externalcontact';
import type { CallbackInbox } from './entities/callback-inbox.entity';
import { WecomChannel, channelWelcome } from './entities/channel.entity';
import { ChannelService } from './channel.service';
import { WecomDirectory } from './directory.service';
import { WelcomeLog, type WelcomeStatus } from './entities/welcome-log.entity';
import { bulkInsert, type BulkValue } from '../../core/bulk-insert';

/** Used when the State names no channel (or there is none). */
export const DEFAULT_WELCOME: WelcomeContent = {
  text: '{客户称呼}您好，我是{门店}的{员工姓名}，很高兴认识您！新鲜好菜、烹饪课和社区活动都会在这里通知您，有需要随时找我～',
  attachments: [],
};

export const WELCOME_WINDOW_MS = 20_000;

const LOG_COLUMNS = [
  'inbox_id',
  'external_user_id',
  'user_id',
  'channel_id',
  'event_at',
  'received_at',
  'sent_at',
  'delay_ms',
  'processing_ms',
  'status',
  'errcode',
];
const logTuple = (r: Omit<WelcomeLog, 'id'>): BulkValue[] => [
  r.inboxId,
  r.externalUserId,
  r.userId,
  r.channelId,
  r.eventAt,
  r.receivedAt,
  r.sentAt,
  r.delayMs,
  r.processingMs,
  r.status,
  r.errcode,
];

export function toWxAttachments(list: WelcomeAttachment[]): WxWelcomeAttachment[] {
  return list.map((a): WxWelcomeAttachment => {
    switch (a.type) {
      case 'image':
        return { msgtype: 'image', image: { pic_url: a.picUrl } };
      case 'link':
        return { msgtype: 'link', link: { title: a.title, url: a.url, ...(a.desc ? { desc: a.desc } : {}), ...(a.picUrl ? { picurl: a.picUrl } : {}) } };
      case 'miniprogram':
        return {
          msgtype: 'miniprogram',
          miniprogram: { title: a.title, appid: a.appid, page: a.page, ...(a.picMediaId ? { pic_media_id: a.picMediaId } : {}) },
        };
    }
  });
}

export function renderTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(客户称呼|员工姓名|门店|推荐人|上次购买)\}/g, (_, k: string) => vars[k] ?? '');
}

export interface WelcomeOutcome {
  status: WelcomeStatus;
  channel: WecomChannel | null;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class WelcomeService {
  @Inject()
  db!: Db;

  @Inject()
  api!: WecomContactApi;

  @Inject()
  channels!: ChannelService;

  @Inject()
  directory!: WecomDirectory;

  /**
   * Customers' names, looked up for every welcome of one event-loop turn with one query (a burst of
   * adds otherwise costs a round trip per welcome ahead of its send). Nothing is cached across turns.
   */
  private readonly contactNames = new Batcher<string, string | null>(async (ids) => {
    const rows: Array<{ external_user_id: string; name: string | null }> = await this.db.manager.query(
      `SELECT external_user_id, name FROM wecom_contact WHERE external_user_id IN (${ids.map(() => '?').join(',')})`,
      ids,
    );
    return new Map(rows.map((r) => [r.external_user_id, r.name]));
  });

  /**
   * Welcome log rows, written together a few ms later (off the welcome's path): one multi-row
   * insert (a duplicate falls back to row by row); a failed write (database busy or closing)
   * keeps the rows and tries again after a second.
   */
  private readonly log = new BatchQueue<Omit<WelcomeLog, 'id'>>(
    async (rows) => {
      try {
        await bulkInsert(this.db.manager, 'wecom_welcome_log', LOG_COLUMNS, rows.map(logTuple));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        for (const r of rows) {
          try {
            await this.db.manager.insert(WelcomeLog, r);
          } catch (e) {
            if (!isUniqueViolation(e)) throw e;
          }
        }
      }
      return [];
    },
    { delayMs: 20, maxBatch: 200, serial: true, retryAfterMs: 1_000, maxKept: 10_000 },
  );

  private record(row: Omit<WelcomeLog, 'id'>): void {
    if (row.delayMs !== null && row.delayMs !== undefined) welcomeDelay.observe(row.delayMs / 1000);
    this.log.push(row);
  }

  /** Write the log rows recorded so far. */
  flush(): Promise<void> {
    return this.log.flush();
  }

  /** Shutdown: write what is buffered while the database is still open. */
  @Destroy()
  async stop(): Promise<void> {
    await this.flush().catch(() => undefined);
  }

  /** Placeholder values, all from our own database (no WeCom call may come before the welcome). */
  private async vars(text: string, channel: WecomChannel | null, userId: string, externalUserId: string): Promise<Record<string, string>> {
    const vars: Record<string, string> = {};
    if (!/\{(客户称呼|员工姓名|门店|推荐人)\}/.test(text)) return vars;
    const staff = await this.directory.staffByUserId(userId);
    vars['员工姓名'] = staff?.displayName ?? '';
    vars['门店'] = (await this.directory.storeName(channel?.storeId ?? staff?.storeId ?? null)) ?? '社区店';
    if (text.includes('{客户称呼}')) {
      // a re-added customer has a name; a new one has none yet (coalesced across the burst's welcomes)
      vars['客户称呼'] = (await this.contactNames.get(externalUserId)) ?? '';
    }
    if (text.includes('{推荐人}') && channel?.referrerMemberId) {
      vars['推荐人'] = (await this.directory.member(channel.referrerMemberId))?.nickname ?? '您的好友';
    }
    return vars;
  }

  /**
   * Send (once) the welcome of an add event. Throws PlatformUnavailableError when WeCom could not
   * be reached and the window is still open, so the caller retries at once.
   */
  async sendFor(row: CallbackInbox, fields: Record<string, string>, now: () => Date = () => new Date()): Promise<WelcomeOutcome> {
    const channel = await this.channels.byState(fields.State || null);
    const code = fields.WelcomeCode;
    const userId = fields.UserID;
    const externalUserId = fields.ExternalUserID;
    let status: WelcomeStatus;
    let errcode: number | null = null;
    let sentAt: Date | null = null;
    if (!code) {
      // no WelcomeCode: the staff member has their own welcome configured in WeCom, or it is a re-add
      status = 'no_code';
    } else {
      const content = channel && channel.active ? channelWelcome(channel) : DEFAULT_WELCOME;
      const text = content.text ? renderTemplate(content.text, await this.vars(content.text, channel, userId, externalUserId)).trim() : '';
      try {
        await this.api.sendWelcome(code, text || null, toWxAttachments(content.attachments));
        status = 'sent';
        sentAt = now();
      } catch (err) {
        const late = now().getTime() - row.eventAt.getTime() > WELCOME_WINDOW_MS + 1000;
        if (err instanceof PlatformError) {
          errcode = err.errcode;
          // 41051: used or expired — never retry; 41096: another app sends it — record and move on
          status = err.errcode === 41051 ? (late ? 'expired' : 'already_sent') : err.errcode === 41096 ? 'other_app_sending' : 'failed';
        } else if (err instanceof PlatformUnavailableError && !late) {
          throw err;
        } else {
          status = late ? 'expired' : 'failed';
        }
      }
    }
    this.record({
      inboxId: row.id,
      externalUserId,
      userId,
      channelId: channel?.id ?? null,
      eventAt: row.eventAt,
      receivedAt: row.receivedAt,
      sentAt,
      delayMs: sentAt ? sentAt.getTime() - row.eventAt.getTime() : null,
      processingMs: sentAt ? sentAt.getTime() - row.receivedAt.getTime() : null,
      status,
      errcode,
    });
    return { status, channel };
  }

  async alreadyHandled(inboxId: number): Promise<boolean> {
    if (this.log.some((r) => r.inboxId === inboxId)) return true;
    return (await this.db.manager.count(WelcomeLog, { where: { inboxId } })) > 0;
  }
}

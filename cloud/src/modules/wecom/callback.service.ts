/**
 * The callback endpoint's work: verify and decrypt, then one durable insert into the inbox keyed by
 * the event's natural key (WeCom's retries collide and are answered `success` without a second
 * row). Processing happens in InboxWorker, kicked right after the insert.
 */
import { createHash } from 'crypto';
import { Config, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db, isUniqueViolation } from '../../core/db';
import type { PlatformConfig } from '../../platform/types';
import { bulkInsert, type BulkValue } from '../../core/bulk-insert';
import { BatchQueue } from '../../core/queue/batcher';
import { CallbackInbox } from './entities/callback-inbox.entity';
import { checkFreshness, DEDUPE_FIELDS, openCallback, openEnvelope, type CallbackSecrets } from './callback-crypto';
import { InboxWorker } from './inbox.worker';

export type ReceiveResult = { stored: true; id: number } | { stored: false; duplicate: true };

/** Fresh rows belong to the in-process path this long before the inbox job may take them. */
export const IN_PROCESS_GRACE_MS = 60_000;
const GROUP_MAX = 200;
/** Processed callbacks stay visible in the ops log this long. */
export const INBOX_RETENTION_DAYS = 7;
const INBOX_COLUMNS = [
  'dedupe_key',
  'event',
  'change_type',
  'external_user_id',
  'user_id',
  'payload',
  'event_at',
  'received_at',
  'status',
  'attempts',
  'next_attempt_at',
  'locked_until',
  'processed_at',
  'last_error',
];

export function dedupeKey(fields: Record<string, string>): string {
  return createHash('sha1')
    .update(DEDUPE_FIELDS.map((f) => `${f}=${fields[f] ?? ''}`).join('\n'))
    .digest('hex');
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class CallbackService {
  @Inject()
  db!: Db;

  @Inject()
  worker!: InboxWorker;

  @Config('platform')
  platform!: PlatformConfig;

  /** Group commit of the inbox inserts (see insertBatch): one run at a time, the next takes what arrived meanwhile. */
  private readonly inserts = new BatchQueue<Omit<CallbackInbox, 'id'>, ReceiveResult>((rows) => this.insertBatch(rows), {
    maxBatch: GROUP_MAX,
    serial: true,
  });

  get secrets(): CallbackSecrets {
    const w = this.platform.wecom;
    return { token: w.callbackToken, encodingAESKey: w.encodingAESKey, corpId: w.corpId };
  }

  /** GET: the console's URL check; answers the decrypted echostr. */
  verifyUrl(q: { msg_signature?: string; timestamp?: string; nonce?: string; echostr?: string }): string {
    checkFreshness(q.timestamp);
    return openEnvelope(this.secrets, q, q.echostr ?? '');
  }

  /** POST: store the event durably (throws CallbackRejected for forged/foreign callbacks). */
  async receive(q: { msg_signature?: string; timestamp?: string; nonce?: string }, rawBody: string): Promise<ReceiveResult> {
    // a replay of a captured request outside WeCom's retry window is refused (and the dedupe rows need
    // only outlive that window: see purgeProcessed)
    checkFreshness(q.timestamp);
    const fields = openCallback(this.secrets, q, rawBody);
    const now = new Date();
    const createTime = Number(fields.CreateTime);
    const eventAt = Number.isFinite(createTime) && createTime > 0 ? new Date(createTime * 1000) : now;
    const row: Omit<CallbackInbox, 'id'> = {
      dedupeKey: dedupeKey(fields),
      event: (fields.Event || fields.MsgType || 'unknown').slice(0, 64),
      changeType: fields.ChangeType ? fields.ChangeType.slice(0, 64) : null,
      externalUserId: fields.ExternalUserID ? fields.ExternalUserID.slice(0, 64) : null,
      userId: fields.UserID ? fields.UserID.slice(0, 64) : null,
      payload: JSON.stringify(fields),
      eventAt,
      receivedAt: now,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(now.getTime() + IN_PROCESS_GRACE_MS),
      lockedUntil: null,
      processedAt: null,
      lastError: null,
    };
    const result = await this.inserts.add(row);
    // committed: hand it to the worker now, no polling delay for the welcome
    if (result.stored) this.worker.submit({ id: result.id, ...row } as CallbackInbox, true);
    return result;
  }

  /**
   * Processed inbox rows are kept as the ops log for INBOX_RETENTION_DAYS, then deleted (their
   * dedupe keys are needed only within the freshness window; payloads hold customer ids).
   */
  async purgeProcessed(now: Date): Promise<number> {
    const before = new Date(now.getTime() - INBOX_RETENTION_DAYS * 86_400_000);
    const r = await this.db.manager
      .createQueryBuilder()
      .delete()
      .from(CallbackInbox)
      .where('status IN (:...done) AND received_at < :before', { done: ['done'], before })
      .execute();
    return r.affected ?? 0;
  }

  /**
   * Group commit: callbacks that arrive together are inserted with one multi-row INSERT (one log
   * flush instead of one per callback; a duplicate key makes it fall back to row by row), then
   * their ids are read back by key. Every caller answers only after the commit. Plain SQL, not the
   * query builder: this runs for every callback of a burst, ahead of the welcomes.
   */
  private async insertBatch(rows: Array<Omit<CallbackInbox, 'id'>>): Promise<ReceiveResult[]> {
    const em = this.db.manager;
    const tuple = (r: Omit<CallbackInbox, 'id'>): BulkValue[] => [
      r.dedupeKey,
      r.event,
      r.changeType,
      r.externalUserId,
      r.userId,
      r.payload,
      r.eventAt,
      r.receivedAt,
      r.status,
      r.attempts,
      r.nextAttemptAt,
      r.lockedUntil,
      r.processedAt,
      r.lastError,
    ];
    const stored = new Set<string>();
    try {
      await bulkInsert(em, 'wecom_callback_inbox', INBOX_COLUMNS, rows.map(tuple));
      rows.forEach((r) => stored.add(r.dedupeKey));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      for (const r of rows) {
        try {
          await bulkInsert(em, 'wecom_callback_inbox', INBOX_COLUMNS, [tuple(r)]);
          stored.add(r.dedupeKey);
        } catch (e) {
          if (!isUniqueViolation(e)) throw e;
        }
      }
    }
    const keys = [...stored];
    const ids = new Map<string, number>();
    for (let i = 0; i < keys.length; i += 500) {
      const part = keys.slice(i, i + 500);
      const found: Array<{ id: number | string; dedupe_key: string }> = await em.query(
        `SELECT id, dedupe_key FROM wecom_callback_inbox WHERE dedupe_key IN (${part.map(() => '?').join(',')})`,
        part,
      );
      found.forEach((f) => ids.set(f.dedupe_key, Number(f.id)));
    }
    // a key repeated inside one batch is stored once: the later copies are duplicates
    const seen = new Set<string>();
    return rows.map((r) => {
      if (!stored.has(r.dedupeKey) || seen.has(r.dedupeKey)) return { stored: false, duplicate: true } as const;
      seen.add(r.dedupeKey);
      return { stored: true, id: ids.get(r.dedupeKey)! } as const;
    });
  }
}

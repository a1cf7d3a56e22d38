/**
 * The callback endpoint's work: verify and decrypt, then one durable insert into the inbox keyed by
 * the event's natural key (WeCom's retries collide and are answered `success` without a second
 * row). Processing happens in InboxWorker, kicked right after the insert.
 */
import { createHash } from 'crypto';
import { Config, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db, isUniqueViolation } from '../../core/db';
import type { PlatformConfig } from '../../platform/types';
import { CallbackInbox } from './callback-inbox.entity';
import { DEDUPE_FIELDS, openCallback, openEnvelope, type CallbackSecrets } from './callback-crypto';
import { InboxWorker } from './inbox.worker';

export type ReceiveResult = { stored: true; id: number } | { stored: false; duplicate: true };

/** Fresh rows belong to the in-process path this long before the inbox job may take them. */
export const IN_PROCESS_GRACE_MS = 60_000;
const GROUP_MAX = 200;

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

  private pending: Array<{ row: Omit<CallbackInbox, 'id'>; resolve: (r: ReceiveResult) => void; reject: (e: unknown) => void }> = [];
  private flushing = false;

  get secrets(): CallbackSecrets {
    const w = this.platform.wecom;
    return { token: w.callbackToken, encodingAESKey: w.encodingAESKey, corpId: w.corpId };
  }

  /** GET: the console's URL check; answers the decrypted echostr. */
  verifyUrl(q: { msg_signature?: string; timestamp?: string; nonce?: string; echostr?: string }): string {
    return openEnvelope(this.secrets, q, q.echostr ?? '');
  }

  /** POST: store the event durably (throws CallbackRejected for forged/foreign callbacks). */
  async receive(q: { msg_signature?: string; timestamp?: string; nonce?: string }, rawBody: string): Promise<ReceiveResult> {
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
    const result = await new Promise<ReceiveResult>((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (!this.flushing) setImmediate(() => void this.flush());
    });
    // committed: hand it to the worker now, no polling delay for the welcome
    if (result.stored) this.worker.submit({ id: result.id, ...row } as CallbackInbox, true);
    return result;
  }

  /**
   * Group commit: callbacks that arrive together are inserted in one transaction (one log flush
   * instead of one per callback); each row still gets its own duplicate check. Every caller
   * answers only after the commit.
   */
  /** One multi-row INSERT (a duplicate key makes it fall back to row by row), then the ids by key. */
  private async insertBatch(rows: Array<Omit<CallbackInbox, 'id'>>): Promise<ReceiveResult[]> {
    const stored = new Set<string>();
    try {
      await this.db.manager.createQueryBuilder().insert().into(CallbackInbox).values(rows).updateEntity(false).execute();
      rows.forEach((r) => stored.add(r.dedupeKey));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      for (const r of rows) {
        try {
          await this.db.manager.createQueryBuilder().insert().into(CallbackInbox).values(r).updateEntity(false).execute();
          stored.add(r.dedupeKey);
        } catch (e) {
          if (!isUniqueViolation(e)) throw e;
        }
      }
    }
    const keys = [...stored];
    const ids = new Map<string, number>();
    for (let i = 0; i < keys.length; i += 500) {
      const found = await this.db.manager.find(CallbackInbox, { where: { dedupeKey: In(keys.slice(i, i + 500)) }, select: { id: true, dedupeKey: true } });
      found.forEach((f) => ids.set(f.dedupeKey, f.id));
    }
    // a key repeated inside one batch is stored once: the later copies are duplicates
    const seen = new Set<string>();
    return rows.map((r) => {
      if (!stored.has(r.dedupeKey) || seen.has(r.dedupeKey)) return { stored: false, duplicate: true } as const;
      seen.add(r.dedupeKey);
      return { stored: true, id: ids.get(r.dedupeKey)! } as const;
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, GROUP_MAX);
        let results: ReceiveResult[];
        try {
          results = await this.insertBatch(batch.map((b) => b.row));
          batch.forEach((b, i) => b.resolve(results[i]));
        } catch (err) {
          batch.forEach((b) => b.reject(err));
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

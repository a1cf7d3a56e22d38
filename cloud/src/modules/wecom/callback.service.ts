/**
 * The callback endpoint's work: verify and decrypt, then one durable insert into the inbox keyed by
 * the event's natural key (WeCom's retries collide and are answered `success` without a second
 * row). Processing happens in InboxWorker, kicked right after the insert.
 */
import { createHash } from 'crypto';
import { Config, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db, isUniqueViolation } from '../../core/db';
import type { PlatformConfig } from '../../platform/types';
import { CallbackInbox } from './callback-inbox.entity';
import { DEDUPE_FIELDS, openCallback, openEnvelope, type CallbackSecrets } from './callback-crypto';
import { InboxWorker } from './inbox.worker';

export type ReceiveResult = { stored: true; id: number } | { stored: false; duplicate: true };

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
      nextAttemptAt: now,
      lockedUntil: null,
      processedAt: null,
      lastError: null,
    };
    let id: number;
    try {
      id = Number((await this.db.manager.insert(CallbackInbox, row)).identifiers[0].id);
    } catch (err) {
      if (isUniqueViolation(err)) return { stored: false, duplicate: true };
      throw err;
    }
    // committed (autocommit insert): hand it to the worker now, no polling delay for the welcome
    this.worker.submit({ id, ...row } as CallbackInbox);
    return { stored: true, id };
  }
}

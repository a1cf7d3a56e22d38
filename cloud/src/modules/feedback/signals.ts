/**
 * What members did, kept by this module from domain events (interactions, store visits, purchases),
 * and the private messages our staff sent them: the input of the churn score and of "recovered"
 * after a churn cause was recorded.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, MoreThan, Not } from 'typeorm';
import { bulkInsert } from '../../core/bulk-insert';
import { Db, dbDate, isUniqueViolation } from '../../core/db';
import type { MemberSignals } from './churn-risk';
import { FeedbackSignal } from './entities/feedback.entity';

const DAY = 86_400_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class SignalRecorder {
  @Inject()
  db!: Db;

  /** Keyed by sourceKey: a redelivered event records nothing twice. */
  async record(em: EntityManager, s: { memberId: number; kind: FeedbackSignal['kind']; at: Date; sourceKey: string }): Promise<boolean> {
    if (!Number.isInteger(s.memberId) || Number.isNaN(s.at.getTime())) return false;
    try {
      await em.insert(FeedbackSignal, { memberId: s.memberId, kind: s.kind, at: s.at, sourceKey: s.sourceKey.slice(0, 80) });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Many at once (set-based deliveries): one multi-row INSERT; like `record` for each, keys already there are skipped. */
  async recordMany(em: EntityManager, list: Array<{ memberId: number; kind: FeedbackSignal['kind']; at: Date; sourceKey: string }>): Promise<void> {
    const rows = list
      .filter((s) => Number.isInteger(s.memberId) && !Number.isNaN(s.at.getTime()))
      .map((s) => [s.sourceKey.slice(0, 80), s.memberId, s.kind, s.at]);
    if (rows.length) await bulkInsert(em, 'feedback_signal', ['source_key', 'member_id', 'kind', 'at'], rows, { ignoreDuplicate: 'source_key', chunk: 500 });
  }

  /** The last year of signals of these members. */
  async of(memberIds: number[], now: Date): Promise<Map<number, MemberSignals>> {
    const out = new Map<number, MemberSignals>();
    const since = new Date(now.getTime() - 365 * DAY);
    for (let i = 0; i < memberIds.length; i += 500) {
      const part = memberIds.slice(i, i + 500);
      const rows = await this.db.manager.find(FeedbackSignal, {
        where: { memberId: In(part), at: MoreThan(since) },
        select: { memberId: true, kind: true, at: true },
      });
      for (const r of rows) {
        const s = out.get(r.memberId) ?? { interaction: [], visit: [], purchase: [], message: [] };
        (s[r.kind] ??= []).push(dbDate(r.at));
        out.set(r.memberId, s);
      }
    }
    return out;
  }

  /** Members with any signal in the last year (the population the risk list scans). */
  async activeMembers(now: Date): Promise<number[]> {
    const rows: Array<{ member_id: number | string }> = await this.db.manager
      .createQueryBuilder(FeedbackSignal, 's')
      .select('DISTINCT s.member_id', 'member_id')
      .where('s.at > :since', { since: new Date(now.getTime() - 365 * DAY) })
      .getRawMany();
    return rows.map((r) => Number(r.member_id));
  }

  /** The member's first sign of life after `after` (messages we sent do not count). */
  async firstAfter(memberId: number, after: Date): Promise<Date | null> {
    const r = await this.db.manager.findOne(FeedbackSignal, { where: { memberId, at: MoreThan(after), kind: Not('message') }, order: { at: 'ASC' } });
    return r ? dbDate(r.at) : null;
  }

  async forget(em: EntityManager, memberId: number): Promise<void> {
    await em.delete(FeedbackSignal, { memberId });
  }
}

/**
 * Fair voting.
 *
 * One vote = one transaction with three conditional writes, never read-modify-write in memory:
 *   1. INSERT the vote — the unique key (member, entry, Shanghai day) refuses a second vote on the
 *      same entry the same day, so a member racing the same vote from two devices counts once;
 *   2. UPDATE the member's quota row `used = used + 1 WHERE used < votesPerDay` — 0 rows = limit;
 *   3. UPDATE the entry's tally `vote_count = vote_count + 1 WHERE status = 'approved'`.
 * Any refusal rolls the whole transaction back, so tally == accepted vote rows at all times.
 *
 * The quota row is created before the transaction on MySQL (autocommit insert, duplicate ignored)
 * so the transaction only ever locks an existing row — no gap locks, no insert/insert deadlocks
 * between members. The hot entry row is updated last to hold its lock for the shortest time.
 *
 * Also: votes from accounts created during the voting window are counted but flagged; per-member
 * and per-IP request limits; a burst of new-account votes on one entry raises a flag for ops; ops
 * void flagged votes (tally decremented by exactly the rows voided, audited).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, MoreThanOrEqual } from 'typeorm';
import type { AdminVote, VoteFlag } from '../../../../contracts/contest';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { PrivacyExport } from '../../core/privacy';
import { MemberService } from '../identity/member.service';
import { ContestService } from './contest.service';
import { ContestEntry } from './entities/entry.entity';
import { ContestVoteFlag } from './entities/moderation.entity';
import { ContestVote, ContestVoteQuota } from './entities/vote.entity';
import './events';
import { FixedWindowLimiter, voteLimits } from './limits';
import { shanghaiDay } from './time';
import { votingOpen } from './views';

interface EntryMeta {
  contestId: number;
  memberId: number;
}

const MAX_CACHED = 200_000;

function isDeadlock(err: unknown): boolean {
  const e = err as { driverError?: { errno?: number }; errno?: number } | null;
  const errno = e?.driverError?.errno ?? e?.errno;
  return errno === 1213 || errno === 1205;
}

/** UTC 'YYYY-MM-DD HH:MM:SS.mmm', the form both drivers store datetime columns in. */
function sqlTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** MySQL `SET n = LAST_INSERT_ID(expr)`: the new value, or null when no row matched. */
function counter(res: { affectedRows?: number; insertId?: number }): number | null {
  return res && res.affectedRows ? Number(res.insertId) : null;
}

/** SQLite `RETURNING col`: the new value, or null when no row matched. */
function returned(rows: Array<Record<string, unknown>>, col: string): number | null {
  return Array.isArray(rows) && rows.length ? Number(rows[0][col]) : null;
}

export function maskIp(ip: string | null): string | null {
  if (!ip) return null;
  const v4 = /(\d+)\.(\d+)\.\d+\.\d+$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.*.*`;
  const parts = ip.split(':').filter(Boolean);
  return parts.length ? `${parts.slice(0, 3).join(':')}:*` : null;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class VoteService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  contests!: ContestService;

  @Inject()
  members!: MemberService;

  readonly limits = voteLimits();
  private memberLimiter = new FixedWindowLimiter(this.limits.memberPer10s, 10_000);
  private ipLimiter = new FixedWindowLimiter(this.limits.ipPerMinute, 60_000);
  /** Facts that never change once written: an entry's contest and author, a member's creation time. */
  private entryMeta = new Map<number, EntryMeta>();
  private memberCreated = new Map<number, number>();
  /** Quota rows known to exist (member:contest:day). */
  private quotaRows = new Set<string>();

  private async metaOf(entryId: number): Promise<EntryMeta | null> {
    const hit = this.entryMeta.get(entryId);
    if (hit) return hit;
    const e = await this.db.manager.findOne(ContestEntry, { where: { id: entryId }, select: { id: true, contestId: true, memberId: true } });
    if (!e) return null;
    if (this.entryMeta.size > MAX_CACHED) this.entryMeta.clear();
    const meta = { contestId: e.contestId, memberId: e.memberId };
    this.entryMeta.set(entryId, meta);
    return meta;
  }

  private async memberCreatedAt(memberId: number): Promise<number> {
    const hit = this.memberCreated.get(memberId);
    if (hit !== undefined) return hit;
    const [m] = await this.members.findActiveWithRelations([memberId]);
    if (!m) throw new AppError('UNAUTHENTICATED');
    if (this.memberCreated.size > MAX_CACHED) this.memberCreated.clear();
    const t = new Date(m.createdAt).getTime();
    this.memberCreated.set(memberId, t);
    return t;
  }

  /** Insert the member's quota row for the day if missing (outside any transaction on MySQL). */
  private async ensureQuotaRow(em: EntityManager, memberId: number, contestId: number, day: string): Promise<void> {
    const key = `${memberId}:${contestId}:${day}`;
    if (this.quotaRows.has(key)) return;
    try {
      await em.createQueryBuilder().insert().into(ContestVoteQuota).values({ memberId, contestId, day, used: 0 }).updateEntity(false).execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    if (this.quotaRows.size > MAX_CACHED) this.quotaRows.clear();
    // on SQLite the insert belongs to the vote transaction: remember it only once that committed
    this.db.afterCommit(em, () => {
      this.quotaRows.add(key);
    });
  }

  async cast(memberId: number, entryId: number, ip: string | null, now = new Date()) {
    if (!this.memberLimiter.hit(`m${memberId}`)) throw new AppError('RATE_LIMITED');
    if (ip && !this.ipLimiter.hit(ip)) throw new AppError('RATE_LIMITED');
    const meta = await this.metaOf(entryId);
    if (!meta) throw new AppError('NOT_FOUND');
    const contest = await this.contests.cached(meta.contestId);
    if (!contest || contest.status === 'draft') throw new AppError('NOT_FOUND');
    if (!votingOpen(contest, now)) throw new AppError('VOTING_CLOSED');
    if (meta.memberId === memberId) throw new AppError('OWN_ENTRY_VOTE');
    const day = shanghaiDay(now);
    const newAccount = (await this.memberCreatedAt(memberId)) >= contest.voteStartAt.getTime();
    const limit = contest.votesPerDay;
    const contestId = meta.contestId;

    if (this.db.kind === 'mysql') await this.ensureQuotaRow(this.db.manager, memberId, contestId, day);

    const work = (em: EntityManager) => this.voteTx(em, { memberId, entryId, contestId, day, now, ip, newAccount, limit });
    let result: { used: number; voteCount: number };
    for (let attempt = 1; ; attempt++) {
      try {
        result = await this.db.transaction(work);
        break;
      } catch (err) {
        // InnoDB may pick this transaction as a deadlock victim under heavy contention: it rolled back whole, so retry
        if (isDeadlock(err) && attempt < 4) continue;
        throw err;
      }
    }

    if (newAccount) await this.checkBurst(contestId, entryId, now);
    return { entryId, voteCount: result.voteCount, remainingToday: Math.max(0, limit - result.used), votesPerDay: limit };
  }

  /**
   * The vote transaction in plain SQL (it is the hot path: no query-builder work per statement).
   * The two counters come back from their UPDATE itself — MySQL: `SET n = LAST_INSERT_ID(n + 1)`
   * puts the new value in the OK packet's insertId; SQLite: `RETURNING` — so no SELECT follows.
   * Statement order keeps the hot entry row locked for the shortest time: it is updated last.
   */
  private async voteTx(
    em: EntityManager,
    v: { memberId: number; entryId: number; contestId: number; day: string; now: Date; ip: string | null; newAccount: boolean; limit: number },
  ): Promise<{ used: number; voteCount: number }> {
    const mysql = this.db.kind === 'mysql';
    if (!mysql) await this.ensureQuotaRow(em, v.memberId, v.contestId, v.day);
    const at = sqlTime(v.now);
    try {
      await em.query(
        'INSERT INTO contest_vote (contest_id, entry_id, member_id, day, created_at, ip, new_account, burst, voided) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)',
        [v.contestId, v.entryId, v.memberId, v.day, at, v.ip ? v.ip.slice(0, 45) : null, v.newAccount ? 1 : 0],
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('ALREADY_VOTED_TODAY');
      throw err;
    }
    const quotaWhere = 'WHERE member_id = ? AND contest_id = ? AND day = ? AND used < ?';
    const quotaArgs = [v.memberId, v.contestId, v.day, v.limit];
    const used = mysql
      ? counter(await em.query(`UPDATE contest_vote_quota SET used = LAST_INSERT_ID(used + 1) ${quotaWhere}`, quotaArgs))
      : returned(await em.query(`UPDATE contest_vote_quota SET used = used + 1 ${quotaWhere} RETURNING used`, quotaArgs), 'used');
    if (used === null) throw new AppError('DAILY_VOTE_LIMIT');
    // first vote of the day in this contest: one event per member-day keeps the outbox quiet under load
    if (used === 1) await this.events.emit(em, 'ContestVoted', { memberId: v.memberId, contestId: v.contestId, day: v.day });
    // tally_reached_at: the time this tally was reached, kept monotonic when two votes commit out of order
    const entrySet =
      'flagged_vote_count = flagged_vote_count + ?, tally_reached_at = CASE WHEN tally_reached_at IS NULL OR tally_reached_at < ? THEN ? ELSE tally_reached_at END';
    const entryArgs = [v.newAccount ? 1 : 0, at, at, v.entryId];
    const voteCount = mysql
      ? counter(await em.query(`UPDATE contest_entry SET vote_count = LAST_INSERT_ID(vote_count + 1), ${entrySet} WHERE id = ? AND status = 'approved'`, entryArgs))
      : returned(await em.query(`UPDATE contest_entry SET vote_count = vote_count + 1, ${entrySet} WHERE id = ? AND status = 'approved' RETURNING vote_count`, entryArgs), 'vote_count');
    if (voteCount === null) throw new AppError('ENTRY_NOT_VOTABLE');
    return { used, voteCount };
  }

  async myVotes(memberId: number, contestId: number) {
    const c = await this.contests.findVisible(contestId);
    const day = shanghaiDay(new Date());
    const [quota, votes] = await Promise.all([
      this.db.manager.findOne(ContestVoteQuota, { where: { memberId, contestId, day } }),
      this.db.manager.find(ContestVote, { where: { memberId, contestId, day }, select: { id: true, entryId: true }, order: { id: 'ASC' } }),
    ]);
    const used = quota?.used ?? 0;
    return { day, votesPerDay: c.votesPerDay, usedToday: used, remainingToday: Math.max(0, c.votesPerDay - used), votedEntryIdsToday: votes.map((v) => v.entryId) };
  }

  // ------------------------------------------------------------------ burst flags

  /**
   * After a new-account vote: if this entry got ≥ burstThreshold new-account votes within the last
   * burstWindowMinutes, raise (or refresh) a flag for the current window and mark those votes.
   */
  private async checkBurst(contestId: number, entryId: number, now: Date): Promise<void> {
    const windowMs = this.limits.burstWindowMinutes * 60_000;
    const since = new Date(now.getTime() - windowMs);
    const m = this.db.manager;
    const count = await m.count(ContestVote, { where: { entryId, newAccount: true, voided: false, createdAt: MoreThanOrEqual(since) } });
    if (count < this.limits.burstThreshold) return;
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    await this.db.transaction(async (em) => {
      let raised = false;
      try {
        await em.insert(ContestVoteFlag, {
          contestId,
          entryId,
          kind: 'burst_new_accounts',
          windowStart,
          voteCount: count,
          raisedAt: now,
          status: 'open',
          resolvedByStaffId: null,
          resolvedAt: null,
          resolvedNote: null,
        });
        raised = true;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        await em
          .createQueryBuilder()
          .update(ContestVoteFlag)
          .set({ voteCount: count })
          .where('entry_id = :entryId AND kind = :kind AND window_start = :ws AND vote_count < :count', { entryId, kind: 'burst_new_accounts', ws: windowStart, count })
          .execute();
      }
      await em
        .createQueryBuilder()
        .update(ContestVote)
        .set({ burst: true })
        .where('entry_id = :entryId AND new_account = :t AND voided = :f AND burst = :f AND created_at >= :since', { entryId, t: true, f: false, since })
        .execute();
      if (raised) {
        await this.contests.audit(em, contestId, null, 'flag', entryId, `作品 #${entryId} ${this.limits.burstWindowMinutes} 分钟内收到 ${count} 张新注册账号的投票，已标记待核查`);
      }
    });
  }

  private flagView(f: ContestVoteFlag, title: string): VoteFlag {
    return {
      id: f.id,
      entryId: f.entryId,
      entryTitle: title,
      kind: f.kind,
      label: `新账号集中投票：${this.limits.burstWindowMinutes} 分钟内 ${f.voteCount} 票`,
      voteCount: f.voteCount,
      windowStart: iso(f.windowStart),
      raisedAt: iso(f.raisedAt),
      status: f.status,
      resolvedNote: f.resolvedNote,
    };
  }

  private async titles(ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows = await this.db.manager.find(ContestEntry, { where: { id: In([...new Set(ids)]) }, select: { id: true, title: true } });
    return new Map(rows.map((r) => [r.id, r.title]));
  }

  async flags(contestId: number): Promise<{ items: VoteFlag[] }> {
    await this.contests.find(contestId);
    const rows = await this.db.manager.find(ContestVoteFlag, { where: { contestId }, order: { status: 'ASC', raisedAt: 'DESC', id: 'DESC' }, take: 200 });
    const titles = await this.titles(rows.map((r) => r.entryId));
    return { items: rows.map((f) => this.flagView(f, titles.get(f.entryId) ?? '')) };
  }

  async resolveFlag(staff: StaffPrincipal, flagId: number, note: string): Promise<VoteFlag> {
    await this.db.transaction(async (em) => {
      const f = await em.findOne(ContestVoteFlag, { where: { id: flagId } });
      if (!f) throw new AppError('NOT_FOUND');
      const res = await em.update(ContestVoteFlag, { id: flagId, status: 'open' }, { status: 'resolved', resolvedByStaffId: staff.staffId, resolvedAt: new Date(), resolvedNote: note || null });
      if (res.affected) await this.contests.audit(em, f.contestId, staff.staffId, 'flag_resolved', f.entryId, `处理异常标记 #${flagId}${note ? `：${note}` : ''}`);
    });
    const f = await this.db.manager.findOneOrFail(ContestVoteFlag, { where: { id: flagId } });
    return this.flagView(f, (await this.titles([f.entryId])).get(f.entryId) ?? '');
  }

  // ------------------------------------------------------------------ ops: votes and voiding

  async adminVotes(contestId: number, q: { page: number; pageSize: number; entryId?: number; flagged?: boolean; voided?: boolean }) {
    await this.contests.find(contestId);
    const qb = this.db.manager.getRepository(ContestVote).createQueryBuilder('v').where('v.contest_id = :contestId', { contestId });
    if (q.entryId) qb.andWhere('v.entry_id = :entryId', { entryId: q.entryId });
    if (q.flagged === true) qb.andWhere('(v.new_account = :t OR v.burst = :t)', { t: true });
    if (q.flagged === false) qb.andWhere('v.new_account = :f AND v.burst = :f', { f: false });
    if (q.voided !== undefined) qb.andWhere('v.voided = :voided', { voided: q.voided });
    const [rows, total] = await qb
      .orderBy('v.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    const items: AdminVote[] = rows.map((v) => ({
      id: v.id,
      entryId: v.entryId,
      memberId: v.memberId,
      day: v.day,
      createdAt: iso(v.createdAt),
      flagReasons: [...(v.newAccount ? (['new_account'] as const) : []), ...(v.burst ? (['burst'] as const) : [])],
      ipMasked: maskIp(v.ip),
      voided: v.voided,
      voidedAt: iso(v.voidedAt),
      voidReason: v.voidReason,
    }));
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  /**
   * Void votes of one contest. Per entry, two conditional UPDATEs (new-account / other votes, each
   * `WHERE voided = false`) report exactly how many rows flipped; the tally is decremented by that
   * number in the same transaction, so voiding twice or concurrently never double-subtracts.
   */
  async voidVotes(
    staff: StaffPrincipal,
    contestId: number,
    body: { voteIds: number[]; reason: string } | { entryId: number; allFlagged: true; reason: string },
  ): Promise<{ voided: number; entries: Array<{ entryId: number; voteCount: number }> }> {
    const now = new Date();
    const result = await this.db.transaction(async (em) => {
      const c = await this.contests.find(contestId, em);
      if (c.status === 'closed') throw new AppError('CONTEST_CLOSED');
      const where = em
        .getRepository(ContestVote)
        .createQueryBuilder('v')
        .select(['v.id', 'v.entryId', 'v.newAccount'])
        .where('v.contest_id = :contestId AND v.voided = :f', { contestId, f: false });
      if ('voteIds' in body) where.andWhere('v.id IN (:...ids)', { ids: body.voteIds });
      else where.andWhere('v.entry_id = :entryId AND (v.new_account = :t OR v.burst = :t)', { entryId: body.entryId, t: true });
      const candidates = await where.getMany();
      const byEntry = new Map<number, { fresh: number[]; other: number[] }>();
      for (const v of candidates) {
        const g = byEntry.get(v.entryId) ?? { fresh: [], other: [] };
        (v.newAccount ? g.fresh : g.other).push(v.id);
        byEntry.set(v.entryId, g);
      }
      let total = 0;
      const voidedIds: number[] = [];
      const flip = async (ids: number[]) => {
        if (!ids.length) return 0;
        const res = await em
          .createQueryBuilder()
          .update(ContestVote)
          .set({ voided: true, voidedAt: now, voidedByStaffId: staff.staffId, voidReason: body.reason })
          .where('id IN (:...ids) AND voided = :f', { ids, f: false })
          .execute();
        voidedIds.push(...ids);
        return res.affected ?? 0;
      };
      for (const [entryId, g] of [...byEntry.entries()].sort((a, b) => a[0] - b[0])) {
        const fresh = await flip(g.fresh);
        const other = await flip(g.other);
        const n = fresh + other;
        if (!n) continue;
        total += n;
        await em
          .createQueryBuilder()
          .update(ContestEntry)
          .set({
            voteCount: () => `vote_count - ${n}`,
            flaggedVoteCount: () => `flagged_vote_count - ${fresh}`,
            voidedVoteCount: () => `voided_vote_count + ${n}`,
            // the tally now equals the counted votes, so it was reached at the latest of them
            tallyReachedAt: () => '(SELECT MAX(cv.created_at) FROM contest_vote cv WHERE cv.entry_id = :entryId AND cv.voided = :f)',
          })
          .where('id = :entryId', { entryId, f: false })
          .execute();
      }
      if (total) {
        await this.contests.audit(em, contestId, staff.staffId, 'void', 'entryId' in body ? body.entryId : null, `作废 ${total} 张投票：${body.reason}`, {
          voteIds: voidedIds.slice(0, 1000),
        });
      }
      return { total, entries: [...byEntry.keys()] };
    });
    const rows = result.entries.length ? await this.db.manager.find(ContestEntry, { where: { id: In(result.entries) }, select: { id: true, voteCount: true } }) : [];
    this.contests.invalidate(contestId);
    return { voided: result.total, entries: rows.map((r) => ({ entryId: r.id, voteCount: r.voteCount })) };
  }

  @PrivacyExport('contestVotes')
  async exportVotes(memberId: number): Promise<Array<Record<string, unknown>>> {
    const rows = await this.db.manager.find(ContestVote, { where: { memberId }, order: { id: 'ASC' }, take: 5000 });
    return rows.map((v) => ({ contestId: v.contestId, entryId: v.entryId, day: v.day, at: iso(v.createdAt), voided: v.voided }));
  }
}

/**
 * Fair voting.
 *
 * A vote is ONE autocommit statement, never a read-modify-write in memory:
 *
 *   INSERT INTO contest_vote (…, slot, …) SELECT … FROM contest_entry WHERE id = ? AND status = 'approved'
 *
 * - the unique key (member, entry, Shanghai day) refuses a second vote on the same entry the same
 *   day, so a member racing the same vote from two devices counts once (ALREADY_VOTED_TODAY);
 * - the unique key (member, contest, day, slot) with slot in 1..votesPerDay is the daily limit: the
 *   member's k-th vote of the day takes slot k, two racing votes cannot take the same slot, and no
 *   slot above the limit is ever written — so at most votesPerDay rows exist whatever the races
 *   (a clash on the slot means another device just voted: re-read the used slots and try the next);
 * - the SELECT from contest_entry makes the vote conditional on the entry being approved at that
 *   moment (ENTRY_NOT_VOTABLE when no row was inserted); its shared lock on the entry row lasts only
 *   for the statement, so voters of a hot entry do not wait for each other.
 *
 * The entry's tally is not touched here: it is derived from the vote rows by TallyService (tally.ts),
 * which recounts dirty entries every ~150 ms — "tally == accepted vote rows" holds exactly once that
 * pass has run, and the close job and voiding count from the rows themselves. A member-day's first
 * vote carries event_pending = 1 and VoteEventRelay (vote-events.ts) emits its ContestVoted event.
 *
 * Per vote this leaves one round trip to the database after the caller is known (the entry meta,
 * contest and member creation time are cached or batched). Also: votes from accounts created during
 * the voting window are counted but flagged; per-member and per-IP request limits; a burst of
 * new-account votes on one entry raises a flag for ops; ops void flagged votes (audited).
 */
import { ChainLimits } from '../../core/limits';
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, MoreThanOrEqual } from 'typeorm';
import type { AdminVote, VoteFlag } from '../../../../contracts/contest';
import { Batcher } from '../../core/queue/batcher';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { PrivacyExport } from '../../core/privacy';
import { MemberService } from '../identity';
import { ContestService } from './contest.service';
import { ContestEntry } from './entities/entry.entity';
import { ContestVoteFlag } from './entities/moderation.entity';
import { ContestVote } from './entities/vote.entity';
import './events';
import { FixedWindowLimiter, voteLimits } from './limits';
import { TallyService, sqlTime } from './tally';
import { dayKey } from '../../../../contracts/calendar';
import { VoteEventRelay } from './vote-events';
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

/** Which unique key refused the insert: the slot key (MySQL names the index, SQLite the columns). */
function isSlotClash(err: unknown): boolean {
  const e = err as { driverError?: { message?: string; sqlMessage?: string }; message?: string } | null;
  const text = `${e?.driverError?.sqlMessage ?? ''} ${e?.driverError?.message ?? ''} ${e?.message ?? ''}`;
  return /uq_vote_slot|contest_vote\.slot\b/.test(text);
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
  contests!: ContestService;

  @Inject()
  members!: MemberService;

  @Inject()
  tally!: TallyService;

  @Inject()
  relay!: VoteEventRelay;

  readonly limits = voteLimits();
  private memberLimiter = new FixedWindowLimiter(this.limits.memberPer10s, 10_000);
  /** Votes per client IP hold chain-wide (core/limits: database or Redis; in memory on embedded SQLite). */
  @Inject()
  chainLimits!: ChainLimits;
  /** Facts that never change once written: an entry's contest and author, a member's creation time. */
  private entryMeta = new Map<number, EntryMeta>();
  private memberCreated = new Map<number, number>();
  /**
   * The highest slot this instance knows taken per member:contest:day — only a first guess for the
   * next vote's slot (a stale guess clashes on the unique key and is corrected from the rows).
   */
  private slotsTaken = new Map<string, number>();
  /** Per entry: its stored tally when this instance first saw it plus the votes it accepted since (the answer's count). */
  private counted = new Map<number, number>();
  /** Member creation times, fetched for all voters of one event-loop turn at once. */
  private createdLookup = new Batcher<number, number>(async (ids) => {
    const rows = await this.members.findActiveWithRelations(ids);
    return new Map(rows.map((m) => [m.id, new Date(m.createdAt).getTime()]));
  });

  private async metaOf(entryId: number): Promise<EntryMeta | null> {
    const hit = this.entryMeta.get(entryId);
    if (hit) return hit;
    const e = await this.db.manager.findOne(ContestEntry, { where: { id: entryId }, select: { id: true, contestId: true, memberId: true, voteCount: true } });
    if (!e) return null;
    if (this.entryMeta.size > MAX_CACHED) {
      this.entryMeta.clear();
      this.counted.clear();
    }
    const meta = { contestId: e.contestId, memberId: e.memberId };
    if (!this.entryMeta.has(entryId)) {
      this.entryMeta.set(entryId, meta);
      this.counted.set(entryId, e.voteCount);
    }
    return meta;
  }

  private async memberCreatedAt(memberId: number): Promise<number> {
    const hit = this.memberCreated.get(memberId);
    if (hit !== undefined) return hit;
    const t = await this.createdLookup.get(memberId);
    if (t === undefined) throw new AppError('UNAUTHENTICATED');
    if (this.memberCreated.size > MAX_CACHED) this.memberCreated.clear();
    this.memberCreated.set(memberId, t);
    return t;
  }

  /** `accountCreatedAt`: from the principal when the resolver loaded it (saves the member lookup). */
  async cast(memberId: number, entryId: number, ip: string | null, now = new Date(), accountCreatedAt?: Date) {
    if (!this.memberLimiter.hit(`m${memberId}`)) throw new AppError('RATE_LIMITED');
    if (ip && !(await this.chainLimits.hit(`vote:ip:${ip}`, this.limits.ipPerMinute, 60_000)).allowed) throw new AppError('RATE_LIMITED');
    const meta = await this.metaOf(entryId);
    if (!meta) throw new AppError('NOT_FOUND');
    const contest = await this.contests.cached(meta.contestId);
    if (!contest || contest.status === 'draft') throw new AppError('NOT_FOUND');
    if (!votingOpen(contest, now)) throw new AppError('VOTING_CLOSED');
    if (meta.memberId === memberId) throw new AppError('OWN_ENTRY_VOTE');
    const day = dayKey(now);
    const createdAt = accountCreatedAt ? accountCreatedAt.getTime() : await this.memberCreatedAt(memberId);
    const newAccount = createdAt >= contest.voteStartAt.getTime();
    const limit = contest.votesPerDay;
    const contestId = meta.contestId;
    const key = `${memberId}:${contestId}:${day}`;

    let slot = (this.slotsTaken.get(key) ?? 0) + 1;
    for (let attempt = 1; ; attempt++) {
      if (slot > limit) throw new AppError((await this.votedToday(memberId, entryId, day)) ? 'ALREADY_VOTED_TODAY' : 'DAILY_VOTE_LIMIT');
      let inserted: boolean;
      try {
        inserted = await this.insertVote({ memberId, entryId, day, slot, now, ip, newAccount });
      } catch (err) {
        if (isUniqueViolation(err)) {
          if (!isSlotClash(err)) throw new AppError('ALREADY_VOTED_TODAY');
          if (attempt > limit + 3) throw err; // cannot happen: each clash moves past a committed slot
          // another device (or instance) took this slot: continue after the highest slot taken
          slot = (await this.usedSlots(memberId, contestId, day)) + 1;
          continue;
        }
        // InnoDB may pick the statement as a deadlock victim under heavy contention: nothing was written, so retry
        if (isDeadlock(err) && attempt < 4) continue;
        throw err;
      }
      if (!inserted) throw new AppError('ENTRY_NOT_VOTABLE');
      break;
    }

    if (this.slotsTaken.size > MAX_CACHED) this.slotsTaken.clear();
    this.slotsTaken.set(key, Math.max(slot, this.slotsTaken.get(key) ?? 0));
    const count = (this.counted.get(entryId) ?? 0) + 1;
    this.counted.set(entryId, count);
    this.tally.markDirty(entryId);
    if (slot === 1) this.relay.kick();
    if (newAccount) await this.checkBurst(contestId, entryId, now);
    return { entryId, voteCount: Math.max(count, this.tally.known(entryId) ?? 0), remainingToday: Math.max(0, limit - slot), votesPerDay: limit };
  }

  /**
   * The vote itself (see the header). MySQL: autocommit, so no lock outlives the statement.
   * SQLite: through Db.transaction, which queues writes on the single connection.
   * Returns false when the entry is not approved (no row inserted).
   */
  private async insertVote(v: {
    memberId: number;
    entryId: number;
    day: string;
    slot: number;
    now: Date;
    ip: string | null;
    newAccount: boolean;
  }): Promise<boolean> {
    const sql =
      'INSERT INTO contest_vote (contest_id, entry_id, member_id, day, slot, created_at, ip, new_account, burst, voided, event_pending) ' +
      "SELECT e.contest_id, e.id, ?, ?, ?, ?, ?, ?, 0, 0, ? FROM contest_entry e WHERE e.id = ? AND e.status = 'approved'";
    const args = [v.memberId, v.day, v.slot, sqlTime(v.now), v.ip ? v.ip.slice(0, 45) : null, v.newAccount ? 1 : 0, v.slot === 1 ? 1 : 0, v.entryId];
    if (this.db.kind === 'mysql') {
      const res: { affectedRows?: number } = await this.db.manager.query(sql, args);
      return (res?.affectedRows ?? 0) > 0;
    }
    return this.db.transaction(async (em) => ((await em.queryRunner!.query(sql, args, true)).affected ?? 0) > 0);
  }

  /** Slots the member has used in the contest that day (voided votes keep their slot). */
  private async usedSlots(memberId: number, contestId: number, day: string): Promise<number> {
    const [row]: Array<{ n: number | string | null }> = await this.db.manager.query(
      'SELECT MAX(slot) AS n FROM contest_vote WHERE member_id = ? AND contest_id = ? AND day = ?',
      [memberId, contestId, day],
    );
    return Number(row?.n ?? 0);
  }

  private async votedToday(memberId: number, entryId: number, day: string): Promise<boolean> {
    const rows: unknown[] = await this.db.manager.query('SELECT 1 AS x FROM contest_vote WHERE member_id = ? AND entry_id = ? AND day = ?', [
      memberId,
      entryId,
      day,
    ]);
    return rows.length > 0;
  }

  async myVotes(memberId: number, contestId: number) {
    const c = await this.contests.findVisible(contestId);
    const day = dayKey(new Date());
    const votes = await this.db.manager.find(ContestVote, { where: { memberId, contestId, day }, select: { id: true, entryId: true }, order: { id: 'ASC' } });
    // every vote of the day holds a slot, voided or not (voiding does not give the vote back)
    const used = votes.length;
    return {
      day,
      votesPerDay: c.votesPerDay,
      usedToday: used,
      remainingToday: Math.max(0, c.votesPerDay - used),
      votedEntryIdsToday: votes.map((v) => v.entryId),
    };
  }

  /** Wait until the stored tallies and the ContestVoted events have caught up with the votes accepted so far. */
  async settle(): Promise<void> {
    await this.tally.settle();
    await this.relay.relayAll();
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
          .where('entry_id = :entryId AND kind = :kind AND window_start = :ws AND vote_count < :count', {
            entryId,
            kind: 'burst_new_accounts',
            ws: windowStart,
            count,
          })
          .execute();
      }
      await em
        .createQueryBuilder()
        .update(ContestVote)
        .set({ burst: true })
        .where('entry_id = :entryId AND new_account = :t AND voided = :f AND burst = :f AND created_at >= :since', { entryId, t: true, f: false, since })
        .execute();
      if (raised) {
        await this.contests.audit(
          em,
          contestId,
          null,
          'flag',
          entryId,
          `作品 #${entryId} ${this.limits.burstWindowMinutes} 分钟内收到 ${count} 张新注册账号的投票，已标记待核查`,
        );
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
      const res = await em.update(
        ContestVoteFlag,
        { id: flagId, status: 'open' },
        { status: 'resolved', resolvedByStaffId: staff.staffId, resolvedAt: new Date(), resolvedNote: note || null },
      );
      if (res.affected)
        await this.contests.audit(em, f.contestId, staff.staffId, 'flag_resolved', f.entryId, `处理异常标记 #${flagId}${note ? `：${note}` : ''}`);
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
    const entryIds = [...new Set(rows.map((v) => v.entryId))];
    const titles = new Map(
      entryIds.length
        ? (await this.db.manager.find(ContestEntry, { where: { id: In(entryIds) }, select: { id: true, title: true } })).map((e) => [e.id, e.title])
        : [],
    );
    const voters = new Map(
      (await this.members.findActiveWithRelations([...new Set(rows.map((v) => v.memberId))])).map((m) => [
        m.id,
        m.nickname ?? (m.phone ? `${m.phone.slice(0, 3)}****${m.phone.slice(-4)}` : null),
      ]),
    );
    const items: AdminVote[] = rows.map((v) => ({
      id: v.id,
      entryId: v.entryId,
      memberId: v.memberId,
      entryTitle: titles.get(v.entryId) ?? '已删除的作品',
      memberName: voters.get(v.memberId) ?? '未设置昵称的会员',
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
   * `WHERE voided = false`) flip exactly the rows still counted, so voiding twice or concurrently
   * never double-counts; the touched entries' tallies are then recounted from the rows.
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
      const byEntry = new Map<number, number[]>();
      for (const v of candidates) byEntry.set(v.entryId, [...(byEntry.get(v.entryId) ?? []), v.id]);
      let total = 0;
      const voidedIds: number[] = [];
      for (const [, ids] of [...byEntry.entries()].sort((a, b) => a[0] - b[0])) {
        const res = await em
          .createQueryBuilder()
          .update(ContestVote)
          .set({ voided: true, voidedAt: now, voidedByStaffId: staff.staffId, voidReason: body.reason })
          .where('id IN (:...ids) AND voided = :f', { ids, f: false })
          .execute();
        total += res.affected ?? 0;
        voidedIds.push(...ids);
      }
      if (total) {
        await this.contests.audit(em, contestId, staff.staffId, 'void', 'entryId' in body ? body.entryId : null, `作废 ${total} 张投票：${body.reason}`, {
          voteIds: voidedIds.slice(0, 1000),
        });
      }
      return { total, entries: [...byEntry.keys()] };
    });
    // recount after the commit: the snapshot then includes the voids (and any vote committed meanwhile)
    const tallies = await this.tally.refresh(result.entries);
    for (const t of tallies.values()) this.counted.set(t.entryId, t.votes);
    this.contests.invalidate(contestId);
    return { voided: result.total, entries: [...tallies.values()].map((t) => ({ entryId: t.entryId, voteCount: t.votes })) };
  }

  @PrivacyExport('contestVotes')
  async exportVotes(memberId: number): Promise<Array<Record<string, unknown>>> {
    const rows = await this.db.manager.find(ContestVote, { where: { memberId }, order: { id: 'ASC' }, take: 5000 });
    return rows.map((v) => ({ contestId: v.contestId, entryId: v.entryId, day: v.day, at: iso(v.createdAt), voided: v.voided }));
  }
}

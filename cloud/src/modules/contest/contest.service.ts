/**
 * Contests: the ops form (create / update / publish), member-facing reads, the leaderboard, the
 * close job's work (ranking frozen at close), the blocked-word list and the audit log.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, type FindOptionsWhere, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import type { z } from 'zod';
import type { AdminContest, ContestInput, ContestDetail, ContestSummary } from '../../../../contracts/contest';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { AdminService } from '../identity';
import { UploadService } from '../uploads';
import { Contest } from './entities/contest.entity';
import { ContestEntry } from './entities/entry.entity';
import { ContestAudit, ContestBlockedWord, ContestVoteFlag } from './entities/moderation.entity';
import './events';
import { normalize } from './content-check';
import { voteLimits } from './limits';
import { rankEntries, type Ranked } from './ranking';
import { TallyService } from './tally';
import { contestDetail, contestSummary, votingOpen } from './views';

type ContestInputParsed = z.output<typeof ContestInput>;

const CONTEST_TTL_MS = 2_000;
const LEADERBOARD_TTL_MS = 2_000;
const BLOCKED_TTL_MS = 10_000;

/** Pure: may this staff member manage this contest? */
export function mayManage(staff: Pick<StaffPrincipal, 'role' | 'storeId'>, c: Pick<Contest, 'ownerStoreId'>): boolean {
  if (staff.role === 'hq_admin') return true;
  return staff.role === 'store_manager' && staff.storeId !== null && c.ownerStoreId === staff.storeId;
}

function ownerFilter(staff: StaffPrincipal): FindOptionsWhere<Contest> {
  if (staff.role === 'hq_admin') return {};
  return staff.role === 'store_manager' && staff.storeId !== null ? { ownerStoreId: staff.storeId } : { id: -1 };
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ContestService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  uploads!: UploadService;

  @Inject()
  identityAdmin!: AdminService;

  @Inject()
  tally!: TallyService;

  private readonly limits = voteLimits();
  private contestCache = new Map<number, { at: number; row: Contest | null }>();
  private boardCache = new Map<number, { at: number; ranked: Ranked[] }>();
  private blocked: { at: number; words: string[] } | null = null;
  private staffNameCache: { at: number; names: Map<number, string> } | null = null;

  readonly fileUrl = (name: string) => this.uploads.fileUrl(name);

  // ------------------------------------------------------------------ lookups

  async find(id: number, em: EntityManager = this.db.manager): Promise<Contest> {
    const c = await em.findOne(Contest, { where: { id } });
    if (!c) throw new AppError('NOT_FOUND');
    return c;
  }

  /** Published or closed (members never see drafts). */
  async findVisible(id: number): Promise<Contest> {
    const c = await this.find(id);
    if (c.status === 'draft') throw new AppError('NOT_FOUND');
    return c;
  }

  /** The hot path's copy (votes): at most CONTEST_TTL_MS old; ops changes invalidate this instance's copy. */
  async cached(id: number): Promise<Contest | null> {
    const hit = this.contestCache.get(id);
    const now = Date.now();
    if (hit && now - hit.at < CONTEST_TTL_MS) return hit.row;
    const row = await this.db.manager.findOne(Contest, { where: { id } });
    this.contestCache.set(id, { at: now, row });
    return row;
  }

  invalidate(id: number): void {
    this.contestCache.delete(id);
    this.boardCache.delete(id);
  }

  async staffNames(): Promise<Map<number, string>> {
    const now = Date.now();
    if (this.staffNameCache && now - this.staffNameCache.at < 30_000) return this.staffNameCache.names;
    const { items } = await this.identityAdmin.listStaff();
    const names = new Map(items.map((s) => [s.id, s.displayName]));
    this.staffNameCache = { at: now, names };
    return names;
  }

  async audit(
    em: EntityManager,
    contestId: number,
    staffId: number | null,
    action: string,
    targetId: number | null,
    text: string,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await em.insert(ContestAudit, { contestId, staffId, action, targetId, text: text.slice(0, 300), detail: detail as never, at: new Date() }); // `as never`: TypeORM's partial type cannot map `unknown` values
  }

  // ------------------------------------------------------------------ member-facing reads

  private async approvedCounts(ids: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (!ids.length) return out;
    const rows: Array<{ contestId: number; n: string | number }> = await this.db.manager
      .createQueryBuilder(ContestEntry, 'e')
      .select('e.contest_id', 'contestId')
      .addSelect('COUNT(*)', 'n')
      .where('e.contest_id IN (:...ids)', { ids })
      .andWhere('e.status = :s', { s: 'approved' })
      .groupBy('e.contest_id')
      .getRawMany();
    for (const r of rows) out.set(Number(r.contestId), Number(r.n));
    return out;
  }

  async listPublic(page: number, pageSize: number): Promise<{ items: ContestSummary[]; total: number; page: number; pageSize: number }> {
    const [rows, total] = await this.db.manager.findAndCount(Contest, {
      where: { status: Not('draft') },
      order: { voteEndAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    const counts = await this.approvedCounts(rows.map((r) => r.id));
    const now = new Date();
    return { items: rows.map((c) => contestSummary(c, counts.get(c.id) ?? 0, now)), total, page, pageSize };
  }

  async winners(contestId: number): Promise<ContestEntry[]> {
    return this.db.manager.find(ContestEntry, {
      where: { contestId, award: Not(IsNull()) },
      order: { finalRank: 'ASC', id: 'ASC' },
    });
  }

  async getPublic(id: number): Promise<ContestDetail> {
    const c = await this.findVisible(id);
    const counts = await this.approvedCounts([id]);
    const winners = await this.winners(id);
    return contestDetail(c, counts.get(id) ?? 0, winners, new Date(), this.fileUrl);
  }

  async leaderboard(id: number, limit: number) {
    const c = await this.findVisible(id);
    let ranked: Ranked[];
    if (c.status === 'closed') {
      const rows = await this.db.manager.find(ContestEntry, {
        where: { contestId: id, status: 'approved', finalRank: Not(IsNull()) },
        order: { finalRank: 'ASC' },
        take: limit,
      });
      ranked = rows.map((e) => ({ entry: e, rank: e.finalRank ?? 0, votes: e.finalVotes ?? e.voteCount, scoreX100: e.finalScoreX100 ?? 0 }));
    } else {
      ranked = (await this.liveRanking(c)).slice(0, limit);
    }
    return {
      frozen: c.status === 'closed',
      closedAt: iso(c.closedAt),
      items: ranked.map((r) => {
        const cover = r.entry.photos[0];
        return {
          rank: r.rank,
          entryId: r.entry.id,
          title: r.entry.title,
          displayName: r.entry.displayName,
          thumbUrl: cover ? this.fileUrl(cover.thumbName ?? cover.name) : null,
          voteCount: r.votes,
          juryScore: c.juryWeight > 0 ? r.entry.juryScore : null,
          score: r.scoreX100 / 100,
        };
      }),
    };
  }

  /** Live ranking of approved entries (memoised briefly: the public board is read far more than it changes). */
  private async liveRanking(c: Contest): Promise<Ranked[]> {
    const hit = this.boardCache.get(c.id);
    if (hit && Date.now() - hit.at < LEADERBOARD_TTL_MS) return hit.ranked;
    const rows = await this.db.manager.find(ContestEntry, { where: { contestId: c.id, status: 'approved' } });
    const ranked = rankEntries(rows, c.juryWeight);
    this.boardCache.set(c.id, { at: Date.now(), ranked });
    return ranked;
  }

  // ------------------------------------------------------------------ ops

  private async counts(ids: number[]): Promise<Map<number, AdminContest['counts']>> {
    const out = new Map<number, AdminContest['counts']>();
    for (const id of ids) out.set(id, { pending: 0, approved: 0, rejected: 0, votes: 0, flaggedVotes: 0, openFlags: 0 });
    if (!ids.length) return out;
    const rows: Array<{ contestId: number; status: string; n: string | number; votes: string | number | null; flagged: string | number | null }> =
      await this.db.manager
        .createQueryBuilder(ContestEntry, 'e')
        .select('e.contest_id', 'contestId')
        .addSelect('e.status', 'status')
        .addSelect('COUNT(*)', 'n')
        .addSelect('SUM(e.vote_count)', 'votes')
        .addSelect('SUM(e.flagged_vote_count)', 'flagged')
        .where('e.contest_id IN (:...ids)', { ids })
        .groupBy('e.contest_id')
        .addGroupBy('e.status')
        .getRawMany();
    for (const r of rows) {
      const c = out.get(Number(r.contestId));
      if (!c) continue;
      if (r.status === 'pending' || r.status === 'approved' || r.status === 'rejected') c[r.status] = Number(r.n);
      c.votes += Number(r.votes ?? 0);
      c.flaggedVotes += Number(r.flagged ?? 0);
    }
    const flags: Array<{ contestId: number; n: string | number }> = await this.db.manager
      .createQueryBuilder(ContestVoteFlag, 'f')
      .select('f.contest_id', 'contestId')
      .addSelect('COUNT(*)', 'n')
      .where('f.contest_id IN (:...ids)', { ids })
      .andWhere('f.status = :s', { s: 'open' })
      .groupBy('f.contest_id')
      .getRawMany();
    for (const f of flags) {
      const c = out.get(Number(f.contestId));
      if (c) c.openFlags = Number(f.n);
    }
    return out;
  }

  private async adminViews(rows: Contest[]): Promise<AdminContest[]> {
    const ids = rows.map((r) => r.id);
    const counts = await this.counts(ids);
    const winners = ids.length
      ? await this.db.manager.find(ContestEntry, { where: { contestId: In(ids), award: Not(IsNull()) }, order: { finalRank: 'ASC', id: 'ASC' } })
      : [];
    const now = new Date();
    return rows.map((c) => {
      const n = counts.get(c.id)!;
      return {
        ...contestDetail(
          c,
          n.approved,
          winners.filter((w) => w.contestId === c.id),
          now,
          this.fileUrl,
        ),
        status: c.status,
        ownerStoreId: c.ownerStoreId,
        autoApproveClean: c.autoApproveClean,
        counts: n,
        createdAt: iso(c.createdAt),
        updatedAt: iso(c.updatedAt),
      };
    });
  }

  async adminGet(id: number, staff?: StaffPrincipal): Promise<AdminContest> {
    const c = staff ? await this.manageable(staff, id) : await this.find(id);
    return (await this.adminViews([c]))[0];
  }

  async adminList(page: number, pageSize: number, staff?: StaffPrincipal) {
    const where = staff ? ownerFilter(staff) : {};
    const [rows, total] = await this.db.manager.findAndCount(Contest, { where, order: { id: 'DESC' }, skip: (page - 1) * pageSize, take: pageSize });
    return { items: await this.adminViews(rows), total, page, pageSize };
  }

  // ------------------------------------------------------------------ ownership (store scoping)

  /**
   * The contest if `staff` manages it: HQ every contest, a store manager their own store's. Anything
   * else is NOT_FOUND (another store's contest is not even confirmed to exist).
   */
  async manageable(staff: StaffPrincipal, contestId: number, em: EntityManager = this.db.manager): Promise<Contest> {
    const c = await em.findOne(Contest, { where: { id: contestId } });
    if (!c || !mayManage(staff, c)) throw new AppError('NOT_FOUND');
    return c;
  }

  async manageableEntry(staff: StaffPrincipal, entryId: number): Promise<void> {
    const e = await this.db.manager.findOne(ContestEntry, { where: { id: entryId }, select: { id: true, contestId: true } });
    if (!e) throw new AppError('NOT_FOUND');
    await this.manageable(staff, e.contestId);
  }

  async manageableFlag(staff: StaffPrincipal, flagId: number): Promise<void> {
    const f = await this.db.manager.findOne(ContestVoteFlag, { where: { id: flagId }, select: { id: true, contestId: true } });
    if (!f) throw new AppError('NOT_FOUND');
    await this.manageable(staff, f.contestId);
  }

  private fields(input: ContestInputParsed) {
    return {
      title: input.title,
      coverUrl: input.coverUrl ?? null,
      rulesText: input.rulesText,
      prizeText: input.prizeText ?? '',
      submissionStartAt: new Date(input.submissionStartAt),
      submissionEndAt: new Date(input.submissionEndAt),
      voteStartAt: new Date(input.voteStartAt),
      voteEndAt: new Date(input.voteEndAt),
      votesPerDay: input.votesPerDay,
      juryWeight: input.juryWeight,
      autoApproveClean: input.autoApproveClean,
    };
  }

  async create(staff: StaffPrincipal, input: ContestInputParsed): Promise<AdminContest> {
    // HQ's contests run chain-wide; a store manager's belong to their store
    const ownerStoreId = staff.role === 'hq_admin' ? null : staff.storeId;
    if (staff.role !== 'hq_admin' && ownerStoreId === null) throw new AppError('FORBIDDEN');
    const now = new Date();
    const id = await this.db.transaction(async (em) => {
      const res = await em.insert(Contest, {
        ...this.fields(input),
        status: 'draft',
        publishedAt: null,
        closedAt: null,
        ownerStoreId,
        createdByStaffId: staff.staffId,
        createdAt: now,
        updatedAt: now,
      });
      const newId = Number(res.identifiers[0].id);
      await this.audit(em, newId, staff.staffId, 'create', null, `创建活动「${input.title}」`);
      return newId;
    });
    return this.adminGet(id);
  }

  async update(staff: StaffPrincipal, id: number, input: ContestInputParsed): Promise<AdminContest> {
    const now = new Date();
    await this.db.transaction(async (em) => {
      const c = await this.manageable(staff, id, em);
      if (c.status === 'closed') throw new AppError('CONTEST_CLOSED');
      const next = this.fields(input);
      const votingStarted = c.status === 'published' && now >= c.voteStartAt;
      if (votingStarted && (next.votesPerDay !== c.votesPerDay || next.voteStartAt.getTime() !== c.voteStartAt.getTime())) {
        throw new AppError('CONTEST_LOCKED');
      }
      // conditional on the status read above: a close that raced this edit wins
      const res = await em.update(Contest, { id, status: c.status }, { ...next, updatedAt: now });
      if (!res.affected) throw new AppError('CONFLICT');
      await this.audit(em, id, staff.staffId, 'update', null, `修改活动设置`, { before: { votesPerDay: c.votesPerDay, voteEndAt: iso(c.voteEndAt) } });
    });
    this.invalidate(id);
    return this.adminGet(id);
  }

  async publish(staff: StaffPrincipal, id: number): Promise<AdminContest> {
    await this.db.transaction(async (em) => {
      const c = await this.manageable(staff, id, em);
      if (c.status !== 'draft') return;
      const res = await em.update(Contest, { id, status: 'draft' }, { status: 'published', publishedAt: new Date(), updatedAt: new Date() });
      if (res.affected) await this.audit(em, id, staff.staffId, 'publish', null, '发布活动');
    });
    this.invalidate(id);
    return this.adminGet(id);
  }

  async auditLog(contestId: number, page: number, pageSize: number) {
    await this.find(contestId);
    const [rows, total] = await this.db.manager.findAndCount(ContestAudit, {
      where: { contestId },
      order: { at: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    const names = await this.staffNames();
    return {
      items: rows.map((a) => ({ id: a.id, at: iso(a.at), staffName: a.staffId ? (names.get(a.staffId) ?? null) : null, action: a.action, text: a.text })),
      total,
      page,
      pageSize,
    };
  }

  // ------------------------------------------------------------------ close (job)

  /**
   * Close every published contest whose voting ended (plus a short grace for votes in flight):
   * one transaction per contest, conditional on status, so a second runner or a rerun does nothing.
   */
  async closeDue(now: Date): Promise<number[]> {
    const due = await this.db.manager.find(Contest, {
      where: { status: 'published', voteEndAt: LessThanOrEqual(new Date(now.getTime() - this.limits.closeGraceMs)) },
      order: { voteEndAt: 'ASC' },
      take: 20,
    });
    const closed: number[] = [];
    for (const c of due) {
      const did = await this.db.transaction(async (em) => {
        const res = await em.update(Contest, { id: c.id, status: 'published' }, { status: 'closed', closedAt: now, updatedAt: now });
        if (!res.affected) return false;
        const entries = await em.find(ContestEntry, { where: { contestId: c.id, status: 'approved' } });
        // rank on the vote rows themselves, not on the stored tallies (those trail a vote by a pass)
        const tallies = await this.tally.refresh(
          entries.map((e) => e.id),
          em,
          true,
        );
        for (const e of entries) {
          const t = tallies.get(e.id)!;
          Object.assign(e, { voteCount: t.votes, flaggedVoteCount: t.flagged, voidedVoteCount: t.voided, tallyReachedAt: t.reachedAt });
        }
        const ranked = rankEntries(entries, c.juryWeight);
        for (const r of ranked) {
          await em.update(ContestEntry, { id: r.entry.id }, { finalRank: r.rank, finalScoreX100: r.scoreX100, finalVotes: r.votes });
        }
        await this.audit(em, c.id, null, 'close', null, `活动按时结束，排名已锁定（${ranked.length} 个作品）`, {
          ranked: ranked.slice(0, 20).map((r) => [r.entry.id, r.votes]),
        });
        await this.events.emit(em, 'ContestClosed', { contestId: c.id, rankedEntries: ranked.length });
        return true;
      });
      this.invalidate(c.id);
      if (did) closed.push(c.id);
    }
    return closed;
  }

  // ------------------------------------------------------------------ blocked words

  async blockedWords(): Promise<string[]> {
    const now = Date.now();
    if (this.blocked && now - this.blocked.at < BLOCKED_TTL_MS) return this.blocked.words;
    const rows = await this.db.manager.find(ContestBlockedWord, { order: { id: 'ASC' } });
    this.blocked = { at: now, words: rows.map((r) => r.word) };
    return this.blocked.words;
  }

  async blockedWordsView() {
    const rows = await this.db.manager.find(ContestBlockedWord, { order: { id: 'ASC' } });
    const last = rows.reduce<Date | null>((m, r) => (!m || r.createdAt > m ? r.createdAt : m), null);
    return { words: rows.map((r) => r.word), updatedAt: iso(last) };
  }

  /** Replace the list (lower-cased, normalised, de-duplicated). Not tied to one contest: audited nowhere but the rows' staff id. */
  async setBlockedWords(staff: StaffPrincipal, words: string[]) {
    // chain-wide list: HQ's (the contract says so too)
    if (staff.role !== 'hq_admin') throw new AppError('FORBIDDEN');
    const wanted = [...new Set(words.map((w) => normalize(w).trim().toLowerCase()).filter(Boolean))];
    await this.db.transaction(async (em) => {
      const existing = await em.find(ContestBlockedWord);
      const keep = new Set(wanted);
      const drop = existing.filter((r) => !keep.has(r.word)).map((r) => r.id);
      if (drop.length) await em.delete(ContestBlockedWord, { id: In(drop) });
      const have = new Set(existing.map((r) => r.word));
      const now = new Date();
      for (const word of wanted) {
        if (have.has(word)) continue;
        try {
          await em.insert(ContestBlockedWord, { word, createdByStaffId: staff.staffId, createdAt: now });
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
      }
    });
    this.blocked = null;
    return this.blockedWordsView();
  }

  isVotingOpen(c: Contest, now: Date): boolean {
    return votingOpen(c, now);
  }
}

/**
 * Entries: submit / edit-while-pending / 「我的作品」, public browsing, moderation (approve, reject
 * with a reason, take down), jury scores, winners and their 大厨复刻中 → 已上架 stages.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, IsNull, Not } from 'typeorm';
import type { AdminEntry, CheckHit, EntryInput, MyEntry } from '../../../../contracts/contest';
import { ENTRY_LIMITS } from '../../../../contracts/contest';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus, OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { PrivacyExport } from '../../core/privacy';
import { UploadService } from '../uploads';
import '../menu/events';
import { checkContent } from './content-check';
import { ContestService } from './contest.service';
import type { Contest } from './entities/contest.entity';
import { ContestVote } from './entities/vote.entity';
import { ContestEntry, type EntryPhoto } from './entities/entry.entity';
import './events';
import { entryCard, entryDetail, myEntry, submissionOpen } from './views';

/** Which unique key refused the insert: the entry place key (MySQL names the index, SQLite the columns). */
function isEntrySlotClash(err: unknown): boolean {
  const e = err as { driverError?: { message?: string; sqlMessage?: string }; message?: string } | null;
  const text = `${e?.driverError?.sqlMessage ?? ''} ${e?.driverError?.message ?? ''} ${e?.message ?? ''}`;
  return /uq_entry_member_slot|contest_entry\.member_slot\b/.test(text);
}

/** What a submit or an edit writes: the member's content and a fresh review state (auto-approved or pending). */
function submittedContent(input: EntryInput, photos: EntryPhoto[], hits: CheckHit[], approve: boolean, now: Date) {
  return {
    displayName: input.displayName,
    title: input.title,
    story: input.story,
    ingredients: input.ingredients,
    steps: input.steps,
    photos,
    status: (approve ? 'approved' : 'pending') as 'approved' | 'pending',
    rejectReason: null,
    checkHits: hits,
    autoApproved: approve,
    reviewedByStaffId: null,
    reviewedAt: approve ? now : null,
    approvedAt: approve ? now : null,
  };
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class EntryService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  contests!: ContestService;

  @Inject()
  uploads!: UploadService;

  private get url() {
    return this.contests.fileUrl;
  }

  async find(id: number, em: EntityManager = this.db.manager): Promise<ContestEntry> {
    const e = await em.findOne(ContestEntry, { where: { id } });
    if (!e) throw new AppError('NOT_FOUND');
    return e;
  }

  // ------------------------------------------------------------------ member

  private async photos(memberId: number, ids: number[]): Promise<EntryPhoto[]> {
    const found = await this.uploads.imagesOf({ type: 'member', id: memberId }, ids);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) {
      throw new AppError(
        'PHOTO_NOT_FOUND',
        undefined,
        missing.map((id) => ({ path: `photoIds.${ids.indexOf(id)}`, message: '照片不存在或已失效，请重新上传' })),
      );
    }
    return ids.map((id) => {
      const u = found.get(id)!;
      return { uploadId: u.id, name: u.name, thumbName: u.thumbName, width: u.width, height: u.height };
    });
  }

  private async check(input: EntryInput) {
    return checkContent(input, await this.contests.blockedWords());
  }

  /**
   * The cap of perMemberPerContest live entries holds under parallel submits (different request
   * ids, other instances): each entry takes a free place (member_slot) and the unique key
   * (contest, member, slot) refuses a second entry in the same place. A clash on the place means a
   * parallel submit just took it: read the places again and try the next free one.
   */
  async submit(memberId: number, contestId: number, input: EntryInput & { clientRequestId: string }): Promise<MyEntry> {
    const now = new Date();
    const c = await this.contests.findVisible(contestId);
    const existing = await this.db.manager.findOne(ContestEntry, { where: { memberId, clientRequestId: input.clientRequestId } });
    if (existing) return this.replay(existing, contestId);
    if (!submissionOpen(c, now)) throw new AppError('SUBMISSION_CLOSED');
    let slot = await this.freeSlot(memberId, contestId);
    if (slot === null) throw new AppError('ENTRY_LIMIT_REACHED');
    const photos = await this.photos(memberId, input.photoIds);
    const result = await this.check(input);
    const approve = result.clean && c.autoApproveClean;
    let id: number | null = null;
    for (let attempt = 1; id === null; attempt++) {
      try {
        id = await this.insertEntry(memberId, contestId, slot, input, photos, result.hits, approve, now);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (isEntrySlotClash(err)) {
          // cannot loop for ever: every clash is with a committed entry holding that place
          if (attempt > ENTRY_LIMITS.perMemberPerContest + 2) throw err;
          slot = await this.freeSlot(memberId, contestId);
          if (slot === null) throw new AppError('ENTRY_LIMIT_REACHED');
          continue;
        }
        // the same request raced itself: answer with the entry the other attempt created
        const again = await this.db.manager.findOne(ContestEntry, { where: { memberId, clientRequestId: input.clientRequestId } });
        if (!again) throw err;
        return this.replay(again, contestId);
      }
    }
    return myEntry(await this.find(id), c, now, this.url);
  }

  /** The lowest place (1..cap) none of the member's live entries in the contest holds, or null when all are taken. */
  private async freeSlot(memberId: number, contestId: number): Promise<number | null> {
    const rows = await this.db.manager.find(ContestEntry, {
      where: { memberId, contestId, memberSlot: Not(IsNull()) },
      select: { id: true, memberSlot: true },
    });
    const taken = new Set(rows.map((r) => r.memberSlot));
    for (let s = 1; s <= ENTRY_LIMITS.perMemberPerContest; s++) if (!taken.has(s)) return s;
    return null;
  }

  private insertEntry(
    memberId: number,
    contestId: number,
    slot: number,
    input: EntryInput & { clientRequestId: string },
    photos: EntryPhoto[],
    hits: CheckHit[],
    approve: boolean,
    now: Date,
  ): Promise<number> {
    return this.db.transaction(async (em) => {
      const res = await em.insert(ContestEntry, {
        contestId,
        memberId,
        clientRequestId: input.clientRequestId,
        ...submittedContent(input, photos, hits, approve, now),
        memberSlot: slot,
        voteCount: 0,
        flaggedVoteCount: 0,
        voidedVoteCount: 0,
        tallyReachedAt: null,
        juryScore: null,
        finalRank: null,
        finalScoreX100: null,
        finalVotes: null,
        award: null,
        awardConfirmedAt: null,
        awardListedAt: null,
        dishName: null,
        dishId: null,
        createdAt: now,
        updatedAt: now,
      });
      const newId = Number(res.identifiers[0].id);
      if (approve) await this.events.emit(em, 'EntryApproved', { entryId: newId, contestId, memberId, auto: true });
      return newId;
    });
  }

  private async replay(e: ContestEntry, contestId: number): Promise<MyEntry> {
    if (e.contestId !== contestId) throw new AppError('CONFLICT');
    return myEntry(e, await this.contests.find(e.contestId), new Date(), this.url);
  }

  async update(memberId: number, entryId: number, input: EntryInput): Promise<MyEntry> {
    const now = new Date();
    const e = await this.find(entryId);
    if (e.memberId !== memberId) throw new AppError('NOT_FOUND');
    const c = await this.contests.find(e.contestId);
    if (!(e.status === 'pending' || e.status === 'rejected') || !submissionOpen(c, now)) throw new AppError('ENTRY_NOT_EDITABLE');
    const photos = await this.photos(memberId, input.photoIds);
    const result = await this.check(input);
    const approve = result.clean && c.autoApproveClean;
    await this.db.transaction(async (em) => {
      const res = await em
        .createQueryBuilder()
        .update(ContestEntry)
        .set({ ...submittedContent(input, photos, result.hits, approve, now), updatedAt: now })
        // a moderator who decided meanwhile wins: the edit is refused rather than overwriting the decision
        .where('id = :id AND member_id = :memberId AND status IN (:...editable)', { id: entryId, memberId, editable: ['pending', 'rejected'] })
        .execute();
      if (!res.affected) throw new AppError('ENTRY_NOT_EDITABLE');
      if (approve) await this.events.emit(em, 'EntryApproved', { entryId, contestId: c.id, memberId, auto: true });
    });
    return myEntry(await this.find(entryId), c, now, this.url);
  }

  async mine(memberId: number, contestId?: number): Promise<{ items: MyEntry[] }> {
    const rows = await this.db.manager.find(ContestEntry, {
      where: { memberId, ...(contestId ? { contestId } : {}), status: In(['pending', 'approved', 'rejected']) },
      order: { id: 'DESC' },
      take: 100,
    });
    const contestIds = [...new Set(rows.map((r) => r.contestId))];
    const contests = new Map<number, Contest>();
    for (const id of contestIds) contests.set(id, await this.contests.find(id));
    const now = new Date();
    return { items: rows.map((e) => myEntry(e, contests.get(e.contestId)!, now, this.url)) };
  }

  // ------------------------------------------------------------------ public

  async listPublic(contestId: number, sort: 'hot' | 'new', page: number, pageSize: number) {
    await this.contests.findVisible(contestId);
    const order: Record<string, 'ASC' | 'DESC'> = sort === 'hot' ? { voteCount: 'DESC', tallyReachedAt: 'ASC', id: 'ASC' } : { approvedAt: 'DESC', id: 'DESC' };
    const [rows, total] = await this.db.manager.findAndCount(ContestEntry, {
      where: { contestId, status: 'approved' },
      order,
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: rows.map((e) => entryCard(e, this.url)), total, page, pageSize };
  }

  async getPublic(entryId: number) {
    const e = await this.find(entryId);
    if (e.status !== 'approved') throw new AppError('NOT_FOUND');
    const c = await this.contests.find(e.contestId);
    if (c.status === 'draft') throw new AppError('NOT_FOUND');
    return entryDetail(e, this.url);
  }

  // ------------------------------------------------------------------ ops

  private async adminViews(rows: ContestEntry[]): Promise<AdminEntry[]> {
    const names = await this.contests.staffNames();
    const contests = new Map<number, Contest>();
    for (const id of new Set(rows.map((r) => r.contestId))) contests.set(id, await this.contests.find(id));
    const now = new Date();
    return rows.map((e) => {
      const c = contests.get(e.contestId)!;
      return {
        ...myEntry(e, c, now, this.url),
        // ops always see the stored reason (members only while rejected)
        rejectReason: e.rejectReason,
        memberId: e.memberId,
        checkHits: e.checkHits ?? [],
        autoApproved: e.autoApproved,
        reviewedByName: e.reviewedByStaffId ? (names.get(e.reviewedByStaffId) ?? null) : null,
        reviewedAt: iso(e.reviewedAt),
        flaggedVoteCount: e.flaggedVoteCount,
        voidedVoteCount: e.voidedVoteCount,
        juryScore: e.juryScore,
      };
    });
  }

  async adminGet(entryId: number): Promise<AdminEntry> {
    return (await this.adminViews([await this.find(entryId)]))[0];
  }

  async adminList(contestId: number, status: AdminEntry['status'] | undefined, page: number, pageSize: number) {
    await this.contests.find(contestId);
    const [rows, total] = await this.db.manager.findAndCount(ContestEntry, {
      where: { contestId, ...(status ? { status } : {}) },
      // the queue is first come, first served; everything else newest first
      order: status === 'pending' ? { updatedAt: 'ASC', id: 'ASC' } : { id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: await this.adminViews(rows), total, page, pageSize };
  }

  async review(staff: StaffPrincipal, entryId: number, decision: { decision: 'approve' } | { decision: 'reject'; reason: string }): Promise<AdminEntry> {
    const now = new Date();
    await this.db.transaction(async (em) => {
      const e = await this.find(entryId, em);
      const c = await this.contests.find(e.contestId, em);
      if (c.status === 'closed') throw new AppError('CONTEST_CLOSED');
      if (decision.decision === 'approve') {
        if (e.status === 'approved') return; // repeated click
        const res = await em
          .createQueryBuilder()
          .update(ContestEntry)
          .set({ status: 'approved', rejectReason: null, reviewedByStaffId: staff.staffId, reviewedAt: now, approvedAt: now, updatedAt: now })
          .where('id = :id AND status IN (:...from) AND updated_at = :seen', { id: entryId, from: ['pending', 'rejected'], seen: e.updatedAt })
          .execute();
        // the member edited (or another moderator decided) after this moderator loaded it
        if (!res.affected) throw new AppError('ENTRY_NOT_PENDING');
        await this.contests.audit(em, c.id, staff.staffId, 'approve', entryId, `通过作品 #${entryId}「${e.title}」`);
        await this.events.emit(em, 'EntryApproved', { entryId, contestId: c.id, memberId: e.memberId, auto: false });
      } else {
        if (e.status === 'rejected' && e.rejectReason === decision.reason) return;
        const res = await em
          .createQueryBuilder()
          .update(ContestEntry)
          .set({ status: 'rejected', rejectReason: decision.reason, reviewedByStaffId: staff.staffId, reviewedAt: now, updatedAt: now })
          .where('id = :id AND status IN (:...from) AND updated_at = :seen', { id: entryId, from: ['pending', 'approved', 'rejected'], seen: e.updatedAt })
          .execute();
        if (!res.affected) throw new AppError('ENTRY_NOT_PENDING');
        const takedown = e.status === 'approved';
        await this.contests.audit(
          em,
          c.id,
          staff.staffId,
          takedown ? 'takedown' : 'reject',
          entryId,
          `${takedown ? '撤下' : '驳回'}作品 #${entryId}：${decision.reason}`,
        );
      }
    });
    this.contests.invalidate((await this.find(entryId)).contestId);
    return this.adminGet(entryId);
  }

  async setJuryScore(staff: StaffPrincipal, entryId: number, score: number): Promise<AdminEntry> {
    await this.db.transaction(async (em) => {
      const e = await this.find(entryId, em);
      const c = await this.contests.find(e.contestId, em);
      if (c.status === 'closed') throw new AppError('CONTEST_CLOSED');
      if (c.juryWeight <= 0) throw new AppError('BAD_REQUEST', '该活动未设置评审分');
      if (e.status !== 'approved') throw new AppError('ENTRY_NOT_PENDING', '只能给已通过的作品打分');
      await em.update(ContestEntry, { id: entryId }, { juryScore: score, updatedAt: new Date() });
      await this.contests.audit(em, c.id, staff.staffId, 'jury', entryId, `评审分 #${entryId}：${score}`);
    });
    return this.adminGet(entryId);
  }

  async confirmWinners(staff: StaffPrincipal, contestId: number, entryIds: number[]): Promise<void> {
    const now = new Date();
    await this.db.transaction(async (em) => {
      const c = await this.contests.find(contestId, em);
      if (c.status !== 'closed') throw new AppError('CONTEST_NOT_CLOSED');
      const rows = await em.find(ContestEntry, { where: { id: In(entryIds), contestId } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      const bad = entryIds.filter((id) => byId.get(id)?.status !== 'approved');
      if (bad.length)
        throw new AppError(
          'VALIDATION_FAILED',
          undefined,
          bad.map((id) => ({ path: `entryIds.${entryIds.indexOf(id)}`, message: '不是本活动已通过的作品' })),
        );
      for (const id of entryIds) {
        const res = await em
          .createQueryBuilder()
          .update(ContestEntry)
          .set({ award: 'cooking', awardConfirmedAt: now, updatedAt: now })
          .where('id = :id AND award IS NULL', { id })
          .execute();
        if (!res.affected) continue; // already a winner
        const e = byId.get(id)!;
        await this.contests.audit(em, contestId, staff.staffId, 'winner', id, `确认获奖作品 #${id}「${e.title}」（${e.displayName}），大厨复刻中`);
        await this.events.emit(em, 'WinnerConfirmed', { contestId, entryId: id, memberId: e.memberId });
      }
    });
    this.contests.invalidate(contestId);
  }

  async listDish(staff: StaffPrincipal, entryId: number, opts: { dishName?: string; priceFen?: number }): Promise<AdminEntry> {
    const now = new Date();
    await this.db.transaction(async (em) => {
      const e = await this.find(entryId, em);
      if (e.award === 'listed') return;
      if (e.award !== 'cooking') throw new AppError('NOT_A_WINNER');
      const dishName = (opts.dishName ?? `${e.displayName}的拿手${e.title}`).slice(0, 40);
      const res = await em
        .createQueryBuilder()
        .update(ContestEntry)
        .set({ award: 'listed', awardListedAt: now, dishName, updatedAt: now })
        .where('id = :id AND award = :cooking', { id: entryId, cooking: 'cooking' })
        .execute();
      if (!res.affected) return;
      await this.contests.audit(em, e.contestId, staff.staffId, 'listed', entryId, `作品 #${entryId} 已上架：「${dishName}」`);
      await this.events.emit(em, 'WinnerListed', {
        contestId: e.contestId,
        entryId,
        memberId: e.memberId,
        displayName: e.displayName,
        dishName,
        priceFen: opts.priceFen ?? null,
        coverFile: e.photos[0]?.name ?? null,
      });
    });
    this.contests.invalidate((await this.find(entryId)).contestId);
    return this.adminGet(entryId);
  }

  // ------------------------------------------------------------------ events & privacy

  /** The menu created the credited dish: link it back. */
  @OnEvent('DishCreated')
  async onDishCreated(event: DeliveredEvent<'DishCreated'>, em: EntityManager): Promise<void> {
    const { entryId, dishId } = event.payload;
    if (!entryId) return;
    await em.update(ContestEntry, { id: entryId }, { dishId });
  }

  /**
   * Account deletion: entries that are not winners are withdrawn and their text erased; a winner's
   * entry stays (its dish is on the menu under the credit the member chose) but no longer links
   * to anything personal beyond the pseudonymous member id. Votes stay (ids only) so tallies hold.
   */
  @OnEvent('MemberDeleted')
  async onMemberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    await em
      .createQueryBuilder()
      .update(ContestEntry)
      .set({
        status: 'withdrawn',
        memberSlot: null,
        title: '已删除',
        displayName: '已注销用户',
        story: '',
        ingredients: [],
        steps: [],
        photos: [],
        checkHits: [],
        updatedAt: new Date(),
      })
      .where('member_id = :m AND award IS NULL', { m: event.payload.memberId })
      .execute();
    // the voter's addresses go too (the votes stay, by pseudonymous id, so tallies hold)
    await em.createQueryBuilder().update(ContestVote).set({ ip: null }).where('member_id = :m', { m: event.payload.memberId }).execute();
  }

  @PrivacyExport('contestEntries')
  async exportEntries(memberId: number): Promise<Array<Record<string, unknown>>> {
    const rows = await this.db.manager.find(ContestEntry, { where: { memberId }, order: { id: 'ASC' } });
    return rows.map((e) => ({
      id: e.id,
      contestId: e.contestId,
      title: e.title,
      displayName: e.displayName,
      story: e.story,
      ingredients: e.ingredients,
      steps: e.steps,
      photos: e.photos.map((p) => this.url(p.name)),
      status: e.status,
      rejectReason: e.rejectReason,
      votes: e.voteCount,
      createdAt: iso(e.createdAt),
    }));
  }
}

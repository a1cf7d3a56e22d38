/**
 * Ops routes for contests (hq_admin, store_manager by the contracts' roles; and by ownership: a
 * store manager reaches only their own store's contests, ContestService.manageable).
 */
import { Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/contest';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { ContestService } from './contest.service';
import { EntryService } from './entry.service';
import { VoteService } from './vote.service';

@Controller('/')
export class ContestAdminController {
  @Inject()
  contests!: ContestService;

  @Inject()
  entries!: EntryService;

  @Inject()
  votes!: VoteService;

  @Route(api.adminListContests)
  async adminListContests({ query }: RouteParsed<typeof api.adminListContests>, auth: AuthContext) {
    return this.contests.adminList(query.page, query.pageSize, auth.staff());
  }

  @Route(api.adminGetContest)
  async adminGetContest({ params }: RouteParsed<typeof api.adminGetContest>, auth: AuthContext) {
    return this.contests.adminGet(params.contestId, auth.staff());
  }

  @Route(api.adminCreateContest)
  async adminCreateContest({ body }: RouteParsed<typeof api.adminCreateContest>, auth: AuthContext) {
    return this.contests.create(auth.staff(), body);
  }

  @Route(api.adminUpdateContest)
  async adminUpdateContest({ params, body }: RouteParsed<typeof api.adminUpdateContest>, auth: AuthContext) {
    return this.contests.update(auth.staff(), params.contestId, body);
  }

  @Route(api.adminPublishContest)
  async adminPublishContest({ params }: RouteParsed<typeof api.adminPublishContest>, auth: AuthContext) {
    return this.contests.publish(auth.staff(), params.contestId);
  }

  @Route(api.adminListEntries)
  async adminListEntries({ params, query }: RouteParsed<typeof api.adminListEntries>, auth: AuthContext) {
    await this.contests.manageable(auth.staff(), params.contestId);
    return this.entries.adminList(params.contestId, query.status, query.page, query.pageSize);
  }

  @Route(api.adminReviewEntry)
  async adminReviewEntry({ params, body }: RouteParsed<typeof api.adminReviewEntry>, auth: AuthContext) {
    await this.contests.manageableEntry(auth.staff(), params.entryId);
    return this.entries.review(auth.staff(), params.entryId, body);
  }

  @Route(api.adminSetJuryScore)
  async adminSetJuryScore({ params, body }: RouteParsed<typeof api.adminSetJuryScore>, auth: AuthContext) {
    await this.contests.manageableEntry(auth.staff(), params.entryId);
    return this.entries.setJuryScore(auth.staff(), params.entryId, body.score);
  }

  @Route(api.adminGetBlockedWords)
  async adminGetBlockedWords() {
    return this.contests.blockedWordsView();
  }

  @Route(api.adminSetBlockedWords)
  async adminSetBlockedWords({ body }: RouteParsed<typeof api.adminSetBlockedWords>, auth: AuthContext) {
    return this.contests.setBlockedWords(auth.staff(), body.words);
  }

  @Route(api.adminListFlags)
  async adminListFlags({ params }: RouteParsed<typeof api.adminListFlags>, auth: AuthContext) {
    await this.contests.manageable(auth.staff(), params.contestId);
    return this.votes.flags(params.contestId);
  }

  @Route(api.adminResolveFlag)
  async adminResolveFlag({ params, body }: RouteParsed<typeof api.adminResolveFlag>, auth: AuthContext) {
    await this.contests.manageableFlag(auth.staff(), params.flagId);
    return this.votes.resolveFlag(auth.staff(), params.flagId, body.note);
  }

  @Route(api.adminListVotes)
  async adminListVotes({ params, query }: RouteParsed<typeof api.adminListVotes>, auth: AuthContext) {
    await this.contests.manageable(auth.staff(), params.contestId);
    return this.votes.adminVotes(params.contestId, query);
  }

  @Route(api.adminVoidVotes)
  async adminVoidVotes({ params, body }: RouteParsed<typeof api.adminVoidVotes>, auth: AuthContext) {
    await this.contests.manageable(auth.staff(), params.contestId);
    return this.votes.voidVotes(auth.staff(), params.contestId, body);
  }

  @Route(api.adminConfirmWinners)
  async adminConfirmWinners({ params, body }: RouteParsed<typeof api.adminConfirmWinners>, auth: AuthContext) {
    await this.contests.manageable(auth.staff(), params.contestId);
    await this.entries.confirmWinners(auth.staff(), params.contestId, body.entryIds);
    return this.contests.adminGet(params.contestId);
  }

  @Route(api.adminListWinner)
  async adminListWinner({ params, body }: RouteParsed<typeof api.adminListWinner>, auth: AuthContext) {
    await this.contests.manageableEntry(auth.staff(), params.entryId);
    return this.entries.listDish(auth.staff(), params.entryId, body);
  }

  @Route(api.adminContestAudit)
  async adminContestAudit({ params, query }: RouteParsed<typeof api.adminContestAudit>, auth: AuthContext) {
    await this.contests.manageable(auth.staff(), params.contestId);
    return this.contests.auditLog(params.contestId, query.page, query.pageSize);
  }
}

/** Member-facing contest routes (reads are public so a shared card opens for a newcomer). */
import { Controller, Inject, Scope, ScopeEnum } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import * as api from '../../../../contracts/contest';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { ContestService } from './contest.service';
import { EntryService } from './entry.service';
import { ShareService } from './share.service';
import { VoteService } from './vote.service';

// One instance for the app: it holds only singleton services, and a request-scoped controller would
// be built (with its four injections) on every request, the vote route's hottest path included.
// (Above @Controller: decorators apply bottom-up, and @Controller itself sets the request scope.)
@Scope(ScopeEnum.Singleton)
@Controller('/')
export class ContestController {
  @Inject()
  contests!: ContestService;

  @Inject()
  entries!: EntryService;

  @Inject()
  votes!: VoteService;

  @Inject()
  share!: ShareService;

  @Route(api.listContests)
  async listContests({ query }: RouteParsed<typeof api.listContests>) {
    return this.contests.listPublic(query.page, query.pageSize);
  }

  @Route(api.getContest)
  async getContest({ params }: RouteParsed<typeof api.getContest>) {
    return this.contests.getPublic(params.contestId);
  }

  @Route(api.listEntries)
  async listEntries({ params, query }: RouteParsed<typeof api.listEntries>) {
    return this.entries.listPublic(params.contestId, query.sort, query.page, query.pageSize);
  }

  @Route(api.getEntry)
  async getEntry({ params }: RouteParsed<typeof api.getEntry>) {
    return this.entries.getPublic(params.entryId);
  }

  @Route(api.leaderboard)
  async leaderboard({ params, query }: RouteParsed<typeof api.leaderboard>) {
    return this.contests.leaderboard(params.contestId, query.limit);
  }

  @Route(api.submitEntry)
  async submitEntry({ params, body }: RouteParsed<typeof api.submitEntry>, auth: AuthContext) {
    return this.entries.submit(auth.member().memberId, params.contestId, body);
  }

  @Route(api.updateMyEntry)
  async updateMyEntry({ params, body }: RouteParsed<typeof api.updateMyEntry>, auth: AuthContext) {
    return this.entries.update(auth.member().memberId, params.entryId, body);
  }

  @Route(api.myEntries)
  async myEntries({ query }: RouteParsed<typeof api.myEntries>, auth: AuthContext) {
    return this.entries.mine(auth.member().memberId, query.contestId);
  }

  @Route(api.myVotes)
  async myVotes({ params }: RouteParsed<typeof api.myVotes>, auth: AuthContext) {
    return this.votes.myVotes(auth.member().memberId, params.contestId);
  }

  @Route(api.castVote)
  async castVote({ params }: RouteParsed<typeof api.castVote>, auth: AuthContext, ctx: Context) {
    const me = auth.member();
    return this.votes.cast(me.memberId, params.entryId, ctx.ip || null, new Date(), me.createdAt);
  }

  @Route(api.shareInfo)
  async shareInfo({ params }: RouteParsed<typeof api.shareInfo>, auth: AuthContext) {
    return this.share.shareInfo(auth.member().memberId, params.entryId);
  }
}

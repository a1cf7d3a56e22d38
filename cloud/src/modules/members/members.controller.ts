import { Controller, Inject } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import * as api from '../../../../contracts/members';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { MembersService } from './members.service';

@Controller('/')
export class MembersController {
  @Inject()
  members!: MembersService;

  @Route(api.searchMembers)
  async searchMembers({ query }: RouteParsed<typeof api.searchMembers>, auth: AuthContext) {
    return this.members.search(auth.staff(), query);
  }

  @Route(api.searchCustomers)
  async searchCustomers({ query }: RouteParsed<typeof api.searchCustomers>, auth: AuthContext) {
    return this.members.searchCustomers(auth.staff(), query);
  }

  @Route(api.memberFilterOptions)
  async memberFilterOptions(_: RouteParsed<typeof api.memberFilterOptions>, auth: AuthContext) {
    return this.members.options(auth.staff());
  }

  @Route(api.exportMembers)
  async exportMembers({ query }: RouteParsed<typeof api.exportMembers>, auth: AuthContext, ctx: Context) {
    const { filename, body } = await this.members.exportXlsx(auth.staff(), query);
    ctx.set('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    ctx.set('content-disposition', `attachment; filename="members.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`);
    return body;
  }

  @Route(api.listSegments)
  async listSegments(_: RouteParsed<typeof api.listSegments>, auth: AuthContext) {
    return this.members.segments(auth.staff());
  }

  @Route(api.createSegment)
  async createSegment({ body }: RouteParsed<typeof api.createSegment>, auth: AuthContext) {
    return this.members.createSegment(auth.staff(), body.name, body.filter);
  }

  @Route(api.deleteSegment)
  async deleteSegment({ params }: RouteParsed<typeof api.deleteSegment>, auth: AuthContext) {
    return this.members.deleteSegment(auth.staff(), params.segmentId);
  }

  @Route(api.memberProfile)
  async memberProfile({ params }: RouteParsed<typeof api.memberProfile>, auth: AuthContext) {
    return this.members.profile(auth.staff(), params.memberId);
  }
}

/** Thin HTTP layer for contracts/identity.ts: every method is bound to its contract by @Route. */
import { Controller, Inject } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import * as api from '../../../../contracts/identity';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { AdminService } from './admin.service';
import { AuthService } from './auth.service';
import { MemberService } from './member.service';
import { PhoneBindingService } from './phone-binding.service';
import { ProfileService } from './profile.service';

@Controller('/')
export class IdentityController {
  @Inject()
  auth!: AuthService;

  @Inject()
  members!: MemberService;

  @Inject()
  admin!: AdminService;

  @Inject()
  profile!: ProfileService;

  @Inject()
  phones!: PhoneBindingService;

  @Route(api.getMyPhone)
  async getMyPhone(_: RouteParsed<typeof api.getMyPhone>, auth: AuthContext) {
    return this.phones.mine(auth.member().memberId);
  }

  @Route(api.bindMyPhone)
  async bindMyPhone({ body }: RouteParsed<typeof api.bindMyPhone>, auth: AuthContext) {
    return this.phones.bind(auth.member().memberId, body.code);
  }

  @Route(api.memberLogin)
  async memberLogin({ body }: RouteParsed<typeof api.memberLogin>, _auth: AuthContext, ctx: Context) {
    return this.auth.memberLogin(body, ctx.get('user-agent'), ctx.ip);
  }

  @Route(api.memberLogout)
  async memberLogout(_: RouteParsed<typeof api.memberLogout>, auth: AuthContext) {
    await this.auth.logout(auth.member().sessionId);
    return { ok: true as const };
  }

  @Route(api.staffLogin)
  async staffLogin({ body }: RouteParsed<typeof api.staffLogin>, _auth: AuthContext, ctx: Context) {
    return this.auth.staffLogin(body.username, body.password, ctx.get('user-agent'), ctx.ip);
  }

  @Route(api.wecomLogin)
  async wecomLogin({ body }: RouteParsed<typeof api.wecomLogin>, _auth: AuthContext, ctx: Context) {
    return this.auth.wecomLogin(body.code, ctx.get('user-agent'));
  }

  @Route(api.staffLogout)
  async staffLogout(_: RouteParsed<typeof api.staffLogout>, auth: AuthContext) {
    await this.auth.logout(auth.staff().sessionId);
    return { ok: true as const };
  }

  @Route(api.staffMe)
  async staffMe(_: RouteParsed<typeof api.staffMe>, auth: AuthContext) {
    return this.auth.staffMe(auth.staff().staffId);
  }

  @Route(api.getMe)
  async getMe(_: RouteParsed<typeof api.getMe>, auth: AuthContext) {
    return this.members.getMe(auth.member().memberId);
  }

  @Route(api.updateMe)
  async updateMe({ body }: RouteParsed<typeof api.updateMe>, auth: AuthContext) {
    return this.profile.updateProfile(auth.member().memberId, body);
  }

  @Route(api.getMyData)
  async getMyData(_: RouteParsed<typeof api.getMyData>, auth: AuthContext) {
    return this.members.myData(auth.member().memberId);
  }

  @Route(api.deleteMe)
  async deleteMe(_: RouteParsed<typeof api.deleteMe>, auth: AuthContext) {
    await this.members.deleteMe(auth.member().memberId);
    return { deleted: true as const };
  }

  @Route(api.listMembers)
  async listMembers({ query }: RouteParsed<typeof api.listMembers>, auth: AuthContext) {
    return this.admin.listMembers(auth.staff(), query);
  }

  @Route(api.getMemberDetail)
  async getMemberDetail({ params }: RouteParsed<typeof api.getMemberDetail>, auth: AuthContext) {
    return this.admin.memberDetail(auth.staff(), params.memberId);
  }

  @Route(api.revealMemberPhone)
  async revealMemberPhone({ params, body }: RouteParsed<typeof api.revealMemberPhone>, auth: AuthContext) {
    return this.admin.revealPhone(auth.staff(), params.memberId, body.reason);
  }

  @Route(api.listStaff)
  async listStaff(_: RouteParsed<typeof api.listStaff>) {
    return this.admin.listStaff();
  }
}

/** Thin HTTP layer for contracts/household.ts (我的: household, home store). */
import { Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/household';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { ProfileService } from './profile.service';

@Controller('/')
export class HouseholdController {
  @Inject()
  profile!: ProfileService;

  @Route(api.getMyHousehold)
  async getMyHousehold(_: RouteParsed<typeof api.getMyHousehold>, auth: AuthContext) {
    return this.profile.myHousehold(auth.member().memberId);
  }

  @Route(api.createHousehold)
  async createHousehold({ body }: RouteParsed<typeof api.createHousehold>, auth: AuthContext) {
    return this.profile.createHousehold(auth.member().memberId, body);
  }

  @Route(api.updateHousehold)
  async updateHousehold({ body }: RouteParsed<typeof api.updateHousehold>, auth: AuthContext) {
    return this.profile.updateHousehold(auth.member().memberId, body);
  }

  @Route(api.createHouseholdInvite)
  async createHouseholdInvite(_: RouteParsed<typeof api.createHouseholdInvite>, auth: AuthContext) {
    return this.profile.createInvite(auth.member().memberId);
  }

  @Route(api.getHouseholdInvite)
  async getHouseholdInvite({ params }: RouteParsed<typeof api.getHouseholdInvite>, auth: AuthContext) {
    return this.profile.previewInvite(auth.member().memberId, params.token);
  }

  @Route(api.acceptHouseholdInvite)
  async acceptHouseholdInvite({ params, body }: RouteParsed<typeof api.acceptHouseholdInvite>, auth: AuthContext) {
    return this.profile.acceptInvite(auth.member().memberId, params.token, body.relation);
  }

  @Route(api.leaveHousehold)
  async leaveHousehold(_: RouteParsed<typeof api.leaveHousehold>, auth: AuthContext) {
    await this.profile.leaveHousehold(auth.member().memberId);
    return { left: true as const };
  }

  @Route(api.listStores)
  async listStores({ query }: RouteParsed<typeof api.listStores>) {
    return this.profile.stores(query.lat !== undefined && query.lng !== undefined ? { lat: query.lat, lng: query.lng } : null);
  }

  @Route(api.setHomeStore)
  async setHomeStore({ body }: RouteParsed<typeof api.setHomeStore>, auth: AuthContext) {
    return this.profile.setHomeStore(auth.member().memberId, body.storeId);
  }
}

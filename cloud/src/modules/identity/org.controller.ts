/** Thin HTTP layer for contracts/org.ts: stores, staff accounts, audit, WeCom directory. */
import { Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/org';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { DirectoryService } from './directory.service';
import { OrgService } from './org.service';

@Controller('/')
export class OrgController {
  @Inject()
  org!: OrgService;

  @Inject()
  directory!: DirectoryService;

  @Route(api.listStores)
  async listStores(_: RouteParsed<typeof api.listStores>, auth: AuthContext) {
    return this.org.listStores(auth.staff());
  }

  @Route(api.createStore)
  async createStore({ body }: RouteParsed<typeof api.createStore>, auth: AuthContext) {
    return this.org.createStore(auth.staff(), body);
  }

  @Route(api.updateStore)
  async updateStore({ params, body }: RouteParsed<typeof api.updateStore>, auth: AuthContext) {
    return this.org.updateStore(auth.staff(), params.storeId, body);
  }

  @Route(api.createStaff)
  async createStaff({ body }: RouteParsed<typeof api.createStaff>, auth: AuthContext) {
    return this.org.createStaff(auth.staff(), body);
  }

  @Route(api.updateStaff)
  async updateStaff({ params, body }: RouteParsed<typeof api.updateStaff>, auth: AuthContext) {
    return this.org.updateStaff(auth.staff(), params.staffId, body);
  }

  @Route(api.resetStaffPassword)
  async resetStaffPassword({ params }: RouteParsed<typeof api.resetStaffPassword>, auth: AuthContext) {
    return this.org.resetStaffPassword(auth.staff(), params.staffId);
  }

  @Route(api.changeOwnPassword)
  async changeOwnPassword({ body }: RouteParsed<typeof api.changeOwnPassword>, auth: AuthContext) {
    return this.org.changeOwnPassword(auth.staff(), body.currentPassword, body.newPassword);
  }

  @Route(api.listAudit)
  async listAudit({ query }: RouteParsed<typeof api.listAudit>) {
    return this.org.listAudit(query);
  }

  @Route(api.syncDirectory)
  async syncDirectory() {
    return this.directory.sync();
  }

  @Route(api.listHandovers)
  async listHandovers({ query }: RouteParsed<typeof api.listHandovers>) {
    return this.directory.listHandovers(query);
  }
}

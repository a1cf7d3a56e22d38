/** RFM thresholds and per-store quintile boundaries for ops (contracts/purchases.ts, RFM section). */
import { Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/purchases';
import type { RouteParsed as P } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { RfmService } from './rfm.service';

@Controller('/')
export class RfmController {
  @Inject()
  rfm!: RfmService;

  @Route(api.getRfmSettings)
  async getRfmSettings(_: P<typeof api.getRfmSettings>, auth: AuthContext) {
    const s = auth.staff();
    return this.rfm.settingsView(s.role === 'hq_admin' ? null : s.storeId ? [s.storeId] : []);
  }

  @Route(api.updateRfmSettings)
  async updateRfmSettings({ body }: P<typeof api.updateRfmSettings>) {
    const { recompute, ...thresholds } = body;
    await this.rfm.setThresholds(thresholds);
    if (recompute) await this.rfm.recompute(new Date());
    return this.rfm.settingsView(null);
  }
}

import { Config, Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/wecom';
import type { RouteParsed } from '../../../../contracts/route';
import type { AppEnv } from '../../config/env';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { WECOM_CLIENT, type WecomClient } from '../../platform/types';
import { SidebarService } from './sidebar.service';

@Controller('/')
export class WecomController {
  @Inject(WECOM_CLIENT)
  wecom!: WecomClient;

  @Inject()
  sidebar!: SidebarService;

  @Config('hub')
  env!: AppEnv;

  /** Both ww.register signatures for the page URL (platform failures map to UPSTREAM_UNAVAILABLE). */
  @Route(api.jssdkSignature)
  async jssdkSignature({ body }: RouteParsed<typeof api.jssdkSignature>) {
    // the signature covers the URL without its fragment (JS-SDK rule)
    const url = body.url.split('#')[0];
    const [corp, agent] = await Promise.all([this.wecom.signCorpJsapi(url), this.wecom.signAgentJsapi(url)]);
    return { corpId: this.env.WECOM_CORP_ID, agentId: this.env.WECOM_AGENT_ID, corp, agent };
  }

  @Route(api.sidebarContact)
  async sidebarContact({ params }: RouteParsed<typeof api.sidebarContact>, auth: AuthContext) {
    return this.sidebar.contactView(auth.staff(), params.externalUserId);
  }
}

/** Thin HTTP layer for the WeCom engine routes of contracts/wecom.ts (channels, welcomes, queues, corp tags, referral code). */
import { Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/wecom';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { AppError } from '../../core/errors';
import { Route } from '../../core/route';
import { CorpTagService, OUR_TAG_GROUP, RFM_TAG_GROUP, RFM_TIERS } from '../tags';
import { platformFailure } from './channel.service';
import { ChannelService } from './channel.service';
import { EngineAdminService } from './engine-admin.service';

@Controller('/')
export class WecomEngineController {
  @Inject()
  channels!: ChannelService;

  @Inject()
  admin!: EngineAdminService;

  @Inject()
  corpTags!: CorpTagService;

  @Route(api.listChannels)
  async listChannels({ query }: RouteParsed<typeof api.listChannels>, auth: AuthContext) {
    return this.channels.list(auth.staff(), query);
  }

  @Route(api.getChannel)
  async getChannel({ params }: RouteParsed<typeof api.getChannel>, auth: AuthContext) {
    return this.channels.get(auth.staff(), params.channelId);
  }

  @Route(api.createChannel)
  async createChannel({ body }: RouteParsed<typeof api.createChannel>, auth: AuthContext) {
    return this.channels.create(auth.staff(), body);
  }

  @Route(api.updateChannel)
  async updateChannel({ params, body }: RouteParsed<typeof api.updateChannel>, auth: AuthContext) {
    return this.channels.update(auth.staff(), params.channelId, body);
  }

  @Route(api.deleteChannel)
  async deleteChannel({ params }: RouteParsed<typeof api.deleteChannel>, auth: AuthContext) {
    await this.channels.remove(auth.staff(), params.channelId);
    return { ok: true as const };
  }

  @Route(api.listChannelContacts)
  async listChannelContacts({ params, query }: RouteParsed<typeof api.listChannelContacts>, auth: AuthContext) {
    return this.channels.contacts(auth.staff(), params.channelId, query);
  }

  @Route(api.myReferralCode)
  async myReferralCode(_: RouteParsed<typeof api.myReferralCode>, auth: AuthContext) {
    return this.channels.referralCode(auth.member().memberId);
  }

  @Route(api.listWelcomes)
  async listWelcomes({ query }: RouteParsed<typeof api.listWelcomes>, auth: AuthContext) {
    return this.admin.welcomes(auth.staff(), query);
  }

  @Route(api.listCallbacks)
  async listCallbacks({ query }: RouteParsed<typeof api.listCallbacks>) {
    return this.admin.callbacks(query);
  }

  @Route(api.listOutbound)
  async listOutbound({ query }: RouteParsed<typeof api.listOutbound>) {
    return this.admin.outbound(query);
  }

  @Route(api.listPlatformCalls)
  async listPlatformCalls() {
    return this.admin.calls();
  }

  @Route(api.listCorpTags)
  async listCorpTags() {
    return this.corpTags.listView();
  }

  @Route(api.syncCorpTags)
  async syncCorpTags() {
    try {
      return await this.corpTags.syncBothWays(RFM_TIERS.map((name) => ({ group: RFM_TAG_GROUP, name })));
    } catch (err) {
      throw platformFailure(err);
    }
  }

  @Route(api.createCorpTags)
  async createCorpTags({ body }: RouteParsed<typeof api.createCorpTags>) {
    if (body.groupName === RFM_TAG_GROUP) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'groupName', message: 'RFM分层 由系统维护' }]);
    try {
      await this.corpTags.ensure(body.names.map((name) => ({ group: body.groupName || OUR_TAG_GROUP, name })));
    } catch (err) {
      throw platformFailure(err);
    }
    const view = await this.corpTags.listView();
    const group = view.groups.find((g) => g.groupName === body.groupName && g.tags.some((t) => body.names.includes(t.name)));
    if (!group) throw new AppError('CONFLICT', '同名标签已由其他应用创建，无法使用');
    return group;
  }
}

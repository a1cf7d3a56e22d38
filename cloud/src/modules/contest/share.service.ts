/**
 * Sharing within WeChat's rules: a card (title, path, image) and a poster with a mini-program code.
 * The path and the code's scene carry a signed share token (referral module) naming the sharer and
 * the entry, for attribution only — nothing here counts shares or rewards them, and no text asks
 * for votes (no 拉票).
 */
import { Config, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { ENTRY_PAGE } from '../../../../contracts/contest';
import type { AppEnv } from '../../config/env';
import { AppError } from '../../core/errors';
import { WECHAT_CLIENT, type WechatClient } from '../../platform/types';
import { ReferralService } from '../referral';
import { UploadService } from '../uploads';
import { ContestService } from './contest.service';
import { EntryService } from './entry.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ShareService {
  @Inject()
  contests!: ContestService;

  @Inject()
  entries!: EntryService;

  @Inject()
  uploads!: UploadService;

  @Inject(WECHAT_CLIENT)
  wechat!: WechatClient;

  @Inject()
  referral!: ReferralService;

  @Config('hub')
  env!: AppEnv;

  async shareInfo(memberId: number, entryId: number) {
    const e = await this.entries.find(entryId);
    if (e.status !== 'approved') throw new AppError('NOT_FOUND');
    const c = await this.contests.findVisible(e.contestId);
    const token = await this.referral.tokenFor(memberId, 'contest_entry', entryId);
    // a mini-program code's scene holds at most 32 characters: without room, the poster names the entry only
    const full = `e=${entryId}&t=${token}`;
    const scene = full.length <= 32 ? full : `e=${entryId}`;
    const release = this.env.NODE_ENV === 'production';
    const envVersion = release ? 'release' : 'develop';
    const wxacodeUrl = await this.uploads.storeGenerated(`wxacode|${ENTRY_PAGE}|${scene}|${envVersion}`, () =>
      // outside production the page may not be published yet, so WeChat must not check it
      this.wechat.getUnlimitedWxacode({ scene, page: ENTRY_PAGE, width: 430, checkPath: release, envVersion }),
    );
    const cover = e.photos[0];
    return {
      title: `${e.displayName}的「${e.title}」｜${c.title}`,
      path: `/${ENTRY_PAGE}?id=${entryId}&rt=${token}`,
      imageUrl: cover ? this.uploads.fileUrl(cover.name) : null,
      scene,
      wxacodeUrl,
      posterLines: [`${e.displayName}的「${e.title}」`, c.title, '微信扫码，看看这道菜怎么做'],
    };
  }
}

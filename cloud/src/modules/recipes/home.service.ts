/**
 * 首页 banners and this week's highlights, per store (null: every store), scheduled and aimed at
 * an audience. Store managers manage their own store's cards; HQ any.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import type { z } from 'zod';
import type { HomeCard, OpsBanner } from '../../../../contracts/recipes';
import { BannerInput } from '../../../../contracts/recipes';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { IdentityReads } from '../identity';
import { MemberService } from '../identity';
import { UploadService } from '../uploads';
import { type BannerAudience, HomeBanner } from './entities/home-banner.entity';

const NEW_MEMBER_DAYS = 30;

/** Which audiences a member belongs to (pure). */
export function audiencesOf(m: { childrenCount: number; createdAt: Date }, now: Date): BannerAudience[] {
  const out: BannerAudience[] = ['all'];
  if (m.childrenCount > 0) out.push('with_children');
  if (now.getTime() - m.createdAt.getTime() < NEW_MEMBER_DAYS * 86_400_000) out.push('new_member');
  return out;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class HomeService {
  @Inject()
  db!: Db;

  @Inject()
  members!: MemberService;

  @Inject()
  uploads!: UploadService;

  @Inject()
  lookup!: IdentityReads;

  private card(b: HomeBanner): HomeCard {
    return {
      id: b.id,
      kind: b.kind,
      title: b.title,
      subtitle: b.subtitle,
      imageUrl: b.imageFile ? this.uploads.fileUrl(b.imageFile) : null,
      linkType: b.linkType,
      linkId: b.linkId,
    };
  }

  async feed(memberId: number, now = new Date()): Promise<{ banners: HomeCard[]; highlights: HomeCard[] }> {
    const [m] = await this.members.findActiveWithRelations([memberId]);
    if (!m) throw new AppError('UNAUTHENTICATED');
    const audiences = audiencesOf({ childrenCount: m.household?.childrenCount ?? 0, createdAt: new Date(m.createdAt) }, now);
    const window = { startsAt: LessThanOrEqual(now), endsAt: MoreThan(now), audience: In(audiences) };
    const rows = await this.db.manager.find(HomeBanner, {
      where: m.storeId
        ? [
            { ...window, storeId: m.storeId },
            { ...window, storeId: IsNull() },
          ]
        : [{ ...window, storeId: IsNull() }],
      order: { sort: 'ASC', startsAt: 'DESC', id: 'DESC' },
      take: 30,
    });
    return {
      banners: rows
        .filter((b) => b.kind === 'banner')
        .slice(0, 5)
        .map((b) => this.card(b)),
      highlights: rows
        .filter((b) => b.kind === 'highlight')
        .slice(0, 6)
        .map((b) => this.card(b)),
    };
  }

  private async opsView(rows: HomeBanner[]): Promise<OpsBanner[]> {
    const stores = await this.lookup.storeNames(rows.map((r) => r.storeId).filter((x): x is number => x !== null));
    return rows.map((b) => ({
      ...this.card(b),
      storeId: b.storeId,
      storeName: b.storeId ? (stores.get(b.storeId) ?? null) : null,
      audience: b.audience,
      startsAt: iso(b.startsAt)!,
      endsAt: iso(b.endsAt)!,
      sort: b.sort,
    }));
  }

  async opsList(staff: StaffPrincipal) {
    const where = staff.role === 'hq_admin' ? {} : [{ storeId: staff.storeId ?? -1 }, { storeId: IsNull() }];
    const rows = await this.db.manager.find(HomeBanner, { where, order: { endsAt: 'DESC', id: 'DESC' }, take: 200 });
    return { items: await this.opsView(rows) };
  }

  private assertStore(staff: StaffPrincipal, storeId: number | null): void {
    if (staff.role === 'hq_admin') return;
    if (storeId === null || storeId !== staff.storeId) throw new AppError('FORBIDDEN', '店长只能管理本店的首页内容');
  }

  async save(staff: StaffPrincipal, input: z.output<typeof BannerInput> & { id?: number }): Promise<OpsBanner> {
    this.assertStore(staff, input.storeId);
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    if (!(endsAt > startsAt)) throw new AppError('VALIDATION_FAILED', '结束时间要晚于开始时间', [{ path: 'endsAt', message: '结束时间要晚于开始时间' }]);
    if (input.storeId !== null && !(await this.lookup.storeExists(input.storeId))) throw new AppError('NOT_FOUND', '门店不存在');
    let imageFile: string | null | undefined;
    if (input.imageUploadId !== undefined) {
      if (input.imageUploadId === null) imageFile = null;
      else {
        const img = (await this.uploads.imagesOf({ type: 'staff', id: staff.staffId }, [input.imageUploadId])).get(input.imageUploadId);
        if (!img) throw new AppError('PHOTO_NOT_FOUND');
        imageFile = img.name;
      }
    }
    const now = new Date();
    const fields: Partial<HomeBanner> = {
      kind: input.kind,
      storeId: input.storeId,
      title: input.title,
      subtitle: input.subtitle,
      linkType: input.linkType,
      linkId: input.linkType === 'none' ? null : input.linkId,
      audience: input.audience,
      startsAt,
      endsAt,
      sort: input.sort,
      updatedAt: now,
    };
    if (imageFile !== undefined) fields.imageFile = imageFile;
    const id = await this.db.transaction(async (em) => {
      if (input.id) {
        const existing = await em.findOne(HomeBanner, { where: { id: input.id } });
        if (!existing) throw new AppError('NOT_FOUND');
        this.assertStore(staff, existing.storeId);
        await em.update(HomeBanner, { id: input.id }, fields);
        return input.id;
      }
      return Number((await em.insert(HomeBanner, { ...fields, imageFile: imageFile ?? null, createdAt: now })).identifiers[0].id);
    });
    return (await this.opsView([await this.db.manager.findOneOrFail(HomeBanner, { where: { id } })]))[0];
  }

  async remove(staff: StaffPrincipal, id: number): Promise<void> {
    await this.db.transaction(async (em) => {
      const existing = await em.findOne(HomeBanner, { where: { id } });
      if (!existing) throw new AppError('NOT_FOUND');
      this.assertStore(staff, existing.storeId);
      await em.delete(HomeBanner, { id });
    });
  }
}

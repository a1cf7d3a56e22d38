/**
 * The recipe library: members browse, open, save (收藏) and get recommendations; ops publish and
 * link a recipe to a 料理包 (pre-order item reference) and a class. Contest winners become recipes
 * credited to their authors (WinnerListed, idempotent by the entry id).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, MoreThan } from 'typeorm';
import type { Collection, OpsRecipe, RecipeCard, RecipeDetail } from '../../../../contracts/recipes';
import { RecipeInput } from '../../../../contracts/recipes';
import type { z } from 'zod';
import { Db, iso, isUniqueViolation, LIKE_ESCAPE, likeContains } from '../../core/db';
import { AppError } from '../../core/errors';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { PrivacyExport } from '../../core/privacy';
import { CatalogService } from '../classes';
import '../contest/events';
import { EntryService } from '../contest';
import { MemberService } from '../identity';
import '../purchases/events';
import { UploadService } from '../uploads';
import { RecipeCollection } from './entities/collection.entity';
import { RecipeFavourite } from './entities/favourite.entity';
import { RecipePurchaseSignal } from './entities/purchase-signal.entity';
import { Recipe } from './entities/recipe.entity';
import { recommend, RECOMMENDATION_RULES } from './recommend';

type RecipeInputT = z.output<typeof RecipeInput>;
const SIGNAL_DAYS = 60;

@Provide()
@Scope(ScopeEnum.Singleton)
export class RecipeService {
  @Inject()
  db!: Db;

  @Inject()
  uploads!: UploadService;

  @Inject()
  catalog!: CatalogService;

  @Inject()
  entries!: EntryService;

  @Inject()
  members!: MemberService;

  card(r: Recipe): RecipeCard {
    return {
      id: r.id,
      title: r.title,
      coverUrl: r.coverFile ? this.uploads.fileUrl(r.coverFile) : null,
      minutes: r.minutes,
      difficulty: r.difficulty,
      servings: r.servings,
      tags: r.tags ?? [],
      authorDisplayName: r.authorDisplayName,
      fromContest: r.sourceEntryId !== null,
      favouriteCount: r.favouriteCount,
    };
  }

  private opsView(r: Recipe): OpsRecipe {
    return {
      ...this.card(r),
      intro: r.intro,
      ingredients: r.ingredients,
      steps: r.steps,
      kit: r.kitItemRef ? { itemRef: r.kitItemRef, label: r.kitLabel || '买料理包' } : null,
      publishedAt: iso(r.publishedAt),
      published: r.published,
      kitItemRef: r.kitItemRef,
      kitLabel: r.kitLabel,
      classId: r.classId,
      sourceEntryId: r.sourceEntryId,
    };
  }

  // ------------------------------------------------------------------ members

  async list(q: { page: number; pageSize: number; tag?: string; q?: string }) {
    const qb = this.db.manager.createQueryBuilder(Recipe, 'r').where('r.published = :p', { p: true });
    // tags are a JSON array in text: match the quoted tag
    if (q.tag) qb.andWhere(`r.tags LIKE :tag ${LIKE_ESCAPE}`, { tag: likeContains(JSON.stringify(q.tag)) });
    if (q.q) qb.andWhere(`r.title LIKE :q ${LIKE_ESCAPE}`, { q: likeContains(q.q) });
    const [rows, total] = await qb
      .orderBy('r.createdAt', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: rows.map((r) => this.card(r)), total, page: q.page, pageSize: q.pageSize };
  }

  async collections(): Promise<{ items: Collection[] }> {
    const cols = await this.db.manager.find(RecipeCollection, { where: { published: true }, order: { sort: 'ASC', id: 'ASC' }, take: 20 });
    const ids = [...new Set(cols.flatMap((c) => c.recipeIds))];
    const recipes = ids.length ? await this.db.manager.find(Recipe, { where: { id: In(ids), published: true } }) : [];
    const byId = new Map(recipes.map((r) => [r.id, r]));
    return {
      items: cols
        .map((c) => ({
          id: c.id,
          title: c.title,
          subtitle: c.subtitle,
          recipes: c.recipeIds
            .map((id) => byId.get(id))
            .filter((r): r is Recipe => !!r)
            .map((r) => this.card(r)),
        }))
        .filter((c) => c.recipes.length > 0),
    };
  }

  private async published(id: number): Promise<Recipe> {
    const r = await this.db.manager.findOne(Recipe, { where: { id, published: true } });
    if (!r) throw new AppError('NOT_FOUND', '菜谱不存在或已下架');
    return r;
  }

  async detail(memberId: number, id: number, now = new Date()): Promise<RecipeDetail> {
    const r = await this.published(id);
    const [fav, relatedSession] = await Promise.all([
      this.db.manager.count(RecipeFavourite, { where: { memberId, recipeId: id } }),
      r.classId ? this.catalog.nextSessionOf(r.classId, now) : Promise.resolve(null),
    ]);
    const { published: _p, kitItemRef: _k, kitLabel: _l, classId: _c, sourceEntryId: _s, ...base } = this.opsView(r);
    return { ...base, relatedSession, favourited: fav > 0 };
  }

  async setFavourite(memberId: number, recipeId: number, on: boolean): Promise<{ favourited: boolean; favouriteCount: number }> {
    await this.published(recipeId);
    await this.db.transaction(async (em) => {
      if (on) {
        try {
          await em.insert(RecipeFavourite, { memberId, recipeId, createdAt: new Date() });
        } catch (err) {
          if (!isUniqueViolation(err)) throw err; // already saved: nothing changes
          return;
        }
      } else {
        const r = await em.delete(RecipeFavourite, { memberId, recipeId });
        if (!r.affected) return;
      }
      await this.recount(em, [recipeId]);
    });
    const r = await this.db.manager.findOneOrFail(Recipe, { where: { id: recipeId } });
    return { favourited: on, favouriteCount: r.favouriteCount };
  }

  /** Counts come from the rows (never +1/-1), so a lost race cannot drift them. */
  private async recount(em: EntityManager, recipeIds: number[]): Promise<void> {
    for (const id of recipeIds) {
      const n = await em.count(RecipeFavourite, { where: { recipeId: id } });
      await em.update(Recipe, { id }, { favouriteCount: n });
    }
  }

  async favourites(memberId: number): Promise<{ items: RecipeCard[] }> {
    const favs = await this.db.manager.find(RecipeFavourite, { where: { memberId }, order: { createdAt: 'DESC', id: 'DESC' }, take: 100 });
    if (!favs.length) return { items: [] };
    const rows = new Map((await this.db.manager.find(Recipe, { where: { id: In(favs.map((f) => f.recipeId)), published: true } })).map((r) => [r.id, r]));
    return {
      items: favs
        .map((f) => rows.get(f.recipeId))
        .filter((r): r is Recipe => !!r)
        .map((r) => this.card(r)),
    };
  }

  async recommendations(memberId: number, limit: number, now = new Date()) {
    const [member] = await this.members.findActiveWithRelations([memberId]);
    const em = this.db.manager;
    const [favs, signals, pool] = await Promise.all([
      em.find(RecipeFavourite, { where: { memberId }, take: 200 }),
      em.find(RecipePurchaseSignal, {
        where: { memberId, seenAt: MoreThan(new Date(now.getTime() - SIGNAL_DAYS * 86_400_000)) },
        order: { seenAt: 'DESC' },
        take: 30,
      }),
      // the library is small (hundreds): rank the 300 most saved in memory
      em.find(Recipe, { where: { published: true }, order: { favouriteCount: 'DESC', id: 'DESC' }, take: 300 }),
    ]);
    const favIds = new Set(favs.map((f) => f.recipeId));
    const favouriteTags = [...new Set(pool.filter((r) => favIds.has(r.id)).flatMap((r) => r.tags ?? []))];
    const picked = recommend(
      pool,
      { childrenCount: member?.household?.childrenCount ?? 0, purchasedTerms: signals.map((s) => s.term), favouriteTags, favouriteIds: favIds },
      limit,
    );
    return { items: picked.map((r) => ({ ...this.card(r), reason: r.reason })) };
  }

  rules() {
    return { rules: RECOMMENDATION_RULES.map((r) => ({ key: r.key, when: r.when, then: r.then })) };
  }

  // ------------------------------------------------------------------ ops

  async opsList(q: { page: number; pageSize: number }) {
    const [rows, total] = await this.db.manager.findAndCount(Recipe, {
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map((r) => this.opsView(r)), total, page: q.page, pageSize: q.pageSize };
  }

  private async coverOf(staffId: number, uploadId: number | null | undefined): Promise<string | null | undefined> {
    if (uploadId === undefined) return undefined;
    if (uploadId === null) return null;
    const img = (await this.uploads.imagesOf({ type: 'staff', id: staffId }, [uploadId])).get(uploadId);
    if (!img) throw new AppError('PHOTO_NOT_FOUND');
    return img.name;
  }

  async save(staffId: number, id: number | null, input: RecipeInputT): Promise<OpsRecipe> {
    const cover = await this.coverOf(staffId, input.coverUploadId);
    const now = new Date();
    const fields: Partial<Recipe> = {
      title: input.title,
      intro: input.intro,
      minutes: input.minutes,
      difficulty: input.difficulty,
      servings: input.servings,
      ingredients: input.ingredients,
      steps: input.steps,
      tags: [...new Set(input.tags)],
      authorDisplayName: input.authorDisplayName,
      kitItemRef: input.kitItemRef || null,
      kitLabel: input.kitLabel || null,
      classId: input.classId,
      published: input.published,
      updatedAt: now,
    };
    if (cover !== undefined) fields.coverFile = cover;
    const savedId = await this.db.transaction(async (em) => {
      if (id === null) {
        const res = await em.insert(Recipe, {
          ...fields,
          favouriteCount: 0,
          authorMemberId: null,
          sourceEntryId: null,
          publishedAt: input.published ? now : null,
          createdAt: now,
        });
        return Number(res.identifiers[0].id);
      }
      const existing = await em.findOne(Recipe, { where: { id } });
      if (!existing) throw new AppError('NOT_FOUND');
      if (input.published && !existing.publishedAt) fields.publishedAt = now;
      await em.update(Recipe, { id }, fields);
      return id;
    });
    return this.opsView(await this.db.manager.findOneOrFail(Recipe, { where: { id: savedId } }));
  }

  async opsCollections() {
    const rows = await this.db.manager.find(RecipeCollection, { order: { sort: 'ASC', id: 'ASC' } });
    return { items: rows.map((c) => ({ id: c.id, title: c.title, subtitle: c.subtitle, recipeIds: c.recipeIds, sort: c.sort, published: c.published })) };
  }

  async saveCollection(input: { id?: number; title: string; subtitle: string; recipeIds: number[]; sort: number; published: boolean }) {
    const ids = [...new Set(input.recipeIds)];
    if (ids.length && (await this.db.manager.count(Recipe, { where: { id: In(ids) } })) !== ids.length)
      throw new AppError('NOT_FOUND', '有菜谱不存在，请刷新后再选');
    const now = new Date();
    const fields = { title: input.title, subtitle: input.subtitle, recipeIds: ids, sort: input.sort, published: input.published, updatedAt: now };
    const id = await this.db.transaction(async (em) => {
      if (input.id) {
        const r = await em.update(RecipeCollection, { id: input.id }, fields);
        if (!r.affected) throw new AppError('NOT_FOUND');
        return input.id;
      }
      return Number((await em.insert(RecipeCollection, { ...fields, createdAt: now })).identifiers[0].id);
    });
    const c = await this.db.manager.findOneOrFail(RecipeCollection, { where: { id } });
    return { id: c.id, title: c.title, subtitle: c.subtitle, recipeIds: c.recipeIds, sort: c.sort, published: c.published };
  }

  // ------------------------------------------------------------------ events

  /** A confirmed winner reached 已上架: it becomes a recipe credited to its author (once per entry). */
  @OnEvent('WinnerListed')
  async onWinnerListed(event: DeliveredEvent<'WinnerListed'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (await em.count(Recipe, { where: { sourceEntryId: p.entryId } })) return;
    const entry = await this.entries.find(p.entryId, em).catch(() => null);
    const now = new Date();
    try {
      await em.insert(Recipe, {
        title: p.dishName.slice(0, 64),
        intro: (entry?.story ?? '').slice(0, 2000),
        coverFile: p.coverFile,
        minutes: 45,
        difficulty: 'medium',
        servings: 4,
        ingredients: (entry?.ingredients ?? []).map((line) => ({ name: line.slice(0, 32), amount: '', product: null })),
        steps: entry?.steps ?? [],
        tags: ['大赛获奖', '年夜菜'],
        authorMemberId: p.memberId,
        authorDisplayName: p.displayName.slice(0, 32),
        sourceEntryId: p.entryId,
        kitItemRef: null,
        kitLabel: null,
        classId: null,
        published: true,
        favouriteCount: 0,
        publishedAt: now,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err; // a concurrent delivery created it
    }
  }

  /**
   * What the member bought feeds 「为你推荐」 (product names only, kept 60 days). Set-based: one
   * upsert per batch of (member, product name) keeps the latest time it was seen, so a history
   * import delivered out of time order cannot move it back.
   */
  @OnEvent('PurchaseRecorded', { batch: true })
  async onPurchaseRecorded(events: Array<DeliveredEvent<'PurchaseRecorded'>>, em: EntityManager): Promise<void> {
    const latest = new Map<string, { memberId: number; term: string; at: Date }>();
    for (const { payload: p } of events) {
      if (!p.memberId || p.totalFen < 0) continue;
      const at = new Date(p.occurredAt);
      if (Number.isNaN(at.getTime())) continue;
      for (const term of [...new Set(p.items.map((i) => i.name.trim().slice(0, 64)).filter(Boolean))].slice(0, 30)) {
        const key = `${p.memberId}\u0000${term}`;
        const seen = latest.get(key);
        if (!seen || seen.at < at) latest.set(key, { memberId: p.memberId, term, at });
      }
    }
    const rows = [...latest.values()];
    const mysql = em.connection.options.type === 'mysql';
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      const params = part.flatMap((r) => [r.memberId, r.term, mysql ? r.at : r.at.toISOString().replace('T', ' ').replace('Z', '')]);
      const values = part.map(() => '(?, ?, ?)').join(', ');
      await em.query(
        mysql
          ? `INSERT INTO recipe_purchase_signal (member_id, term, seen_at) VALUES ${values} ON DUPLICATE KEY UPDATE seen_at = GREATEST(seen_at, VALUES(seen_at))`
          : `INSERT INTO recipe_purchase_signal (member_id, term, seen_at) VALUES ${values} ON CONFLICT(member_id, term) DO UPDATE SET seen_at = MAX(seen_at, excluded.seen_at)`,
        params,
      );
    }
  }

  @OnEvent('MemberDeleted')
  async onMemberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    const memberId = event.payload.memberId;
    const favs = await em.find(RecipeFavourite, { where: { memberId }, select: { recipeId: true } });
    await em.delete(RecipeFavourite, { memberId });
    await em.delete(RecipePurchaseSignal, { memberId });
    // the credit keeps the name the author chose; the link to the deleted account goes
    await em.update(Recipe, { authorMemberId: memberId }, { authorMemberId: null });
    await this.recount(em, [...new Set(favs.map((f) => f.recipeId))]);
  }

  /** 「我的数据」: saved recipes and the product names kept for recommendations. */
  @PrivacyExport('recipes')
  async exportFor(memberId: number): Promise<Array<Record<string, unknown>>> {
    const favs = await this.db.manager.find(RecipeFavourite, { where: { memberId }, order: { id: 'ASC' } });
    const titles = new Map(
      favs.length
        ? (await this.db.manager.find(Recipe, { where: { id: In(favs.map((f) => f.recipeId)) }, select: { id: true, title: true } })).map((r) => [
            r.id,
            r.title,
          ])
        : [],
    );
    const signals = await this.db.manager.find(RecipePurchaseSignal, { where: { memberId }, order: { seenAt: 'DESC' } });
    return [
      ...favs.map((f) => ({ type: 'favourite', recipe: titles.get(f.recipeId) ?? null, savedAt: iso(f.createdAt) })),
      ...signals.map((s) => ({ type: 'purchase_signal', product: s.term, seenAt: iso(s.seenAt) })),
    ];
  }
}

/**
 * The dish record a confirmed contest winner becomes. It hears WinnerListed and creates the dish
 * (idempotent by the entry id), then announces DishCreated so the contest links back by id.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import type { Dish as DishView } from '../../../../contracts/contest';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus, OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { UploadService } from '../uploads';
import '../contest/events';
import { Dish } from './entities/dish.entity';
import './events';

@Provide()
@Scope(ScopeEnum.Singleton)
export class DishService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  uploads!: UploadService;

  view(d: Dish): DishView {
    return {
      id: d.id,
      name: d.name,
      authorMemberId: d.authorMemberId,
      authorDisplayName: d.authorDisplayName,
      entryId: d.sourceEntryId,
      contestId: d.sourceContestId,
      priceFen: d.priceFen,
      status: d.status,
      coverUrl: d.coverFile ? this.uploads.fileUrl(d.coverFile) : null,
      createdAt: iso(d.createdAt),
    };
  }

  @OnEvent('WinnerListed')
  async onWinnerListed(event: DeliveredEvent<'WinnerListed'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    const existing = await em.findOne(Dish, { where: { sourceEntryId: p.entryId } });
    if (existing) return;
    const now = new Date();
    let id: number;
    try {
      const res = await em.insert(Dish, {
        name: p.dishName.slice(0, 64),
        authorMemberId: p.memberId,
        authorDisplayName: p.displayName.slice(0, 32),
        sourceEntryId: p.entryId,
        sourceContestId: p.contestId,
        priceFen: p.priceFen,
        status: 'listed',
        coverFile: p.coverFile,
        createdAt: now,
        updatedAt: now,
      });
      id = Number(res.identifiers[0].id);
    } catch (err) {
      if (isUniqueViolation(err)) return; // created by a concurrent delivery
      throw err;
    }
    await this.events.emit(em, 'DishCreated', { dishId: id, entryId: p.entryId, contestId: p.contestId, name: p.dishName });
  }

  /** The credit keeps the name the author chose; the link to the deleted account goes. */
  @OnEvent('MemberDeleted')
  async onMemberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    await em.update(Dish, { authorMemberId: event.payload.memberId }, { authorMemberId: null, updatedAt: new Date() });
  }

  async list(page: number, pageSize: number) {
    const [rows, total] = await this.db.manager.findAndCount(Dish, {
      where: { status: 'listed' },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: rows.map((d) => this.view(d)), total, page, pageSize };
  }

  async get(id: number): Promise<DishView> {
    const d = await this.db.manager.findOne(Dish, { where: { id } });
    if (!d) throw new AppError('NOT_FOUND');
    return this.view(d);
  }

  /** For the pre-order work: the dish made from an entry, if any. */
  async findByEntry(entryId: number): Promise<Dish | null> {
    return this.db.manager.findOne(Dish, { where: { sourceEntryId: entryId } });
  }
}

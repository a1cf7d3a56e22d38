/**
 * No-show blocks: the members currently blocked from booking, and lifting a block by hand.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { BlockItem } from '../../../../contracts/classes';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { ClassBlock } from './entities/class-block.entity';
import './events';
import { IdentityReads } from '../identity';
import { ClassStaffScope } from './admin-scope';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassBlocksService {
  @Inject()
  db!: Db;

  @Inject()
  scope!: ClassStaffScope;

  @Inject()
  lookup!: IdentityReads;

  private async blockItems(rows: ClassBlock[]): Promise<BlockItem[]> {
    const members = await this.lookup.memberFacts(rows.map((b) => b.memberId));
    const staffNames = await this.lookup.staffNames(rows.map((b) => b.liftedByStaffId));
    return rows.map((b) => ({
      id: b.id,
      memberId: b.memberId,
      nickname: members.get(b.memberId)?.nickname ?? null,
      reason: b.reason,
      blockedFrom: iso(b.blockedFrom),
      blockedUntil: iso(b.blockedUntil),
      liftedAt: iso(b.liftedAt),
      liftedBy: b.liftedByStaffId ? (staffNames.get(b.liftedByStaffId) ?? null) : null,
    }));
  }

  async blocks(staff: StaffPrincipal, q: { page: number; pageSize: number }, now = new Date()) {
    const qb = this.db.manager.createQueryBuilder(ClassBlock, 'b').where('b.lifted_at IS NULL AND b.blocked_until > :now', { now });
    if (staff.role !== 'hq_admin') qb.andWhere('b.store_id = :own', { own: staff.storeId ?? -1 });
    const [rows, total] = await qb
      .orderBy('b.blockedUntil', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: await this.blockItems(rows), total, page: q.page, pageSize: q.pageSize };
  }

  async liftBlock(staff: StaffPrincipal, blockId: number, now = new Date()): Promise<BlockItem> {
    const b = await this.db.manager.findOne(ClassBlock, { where: { id: blockId } });
    if (!b || (staff.role !== 'hq_admin' && (b.storeId === null || b.storeId !== staff.storeId))) throw new AppError('NOT_FOUND');
    await this.db.manager
      .createQueryBuilder()
      .update(ClassBlock)
      .set({ liftedAt: now, liftedByStaffId: staff.staffId })
      .where('id = :id AND lifted_at IS NULL', { id: blockId })
      .execute();
    return (await this.blockItems([await this.db.manager.findOneOrFail(ClassBlock, { where: { id: blockId } })]))[0];
  }
}

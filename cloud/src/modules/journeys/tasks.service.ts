/**
 * The sidebar's journey features: the staff member's tasks (and the store manager's store tasks),
 * recording that a customer replied / was called / visited, opting a customer out of journey
 * messages; and the member's coupons.
 */
import { couponCode } from './coupons.public';
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { StaffTaskView } from '../../../../contracts/journeys';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { PrivacyExport } from '../../core/privacy';
import { AppError } from '../../core/errors';
import { WecomDirectory, WecomContactService } from '../wecom';
import { JourneyCoupon } from './entities/coupon.entity';
import { JourneyCustomer } from './entities/journey-customer.entity';
import { StaffTask } from './entities/staff-task.entity';
import { dbDate, JourneyProjection } from './projection.service';
import { EventBus } from '../../core/events/event-bus';
import '../wecom/events';

@Provide()
@Scope(ScopeEnum.Singleton)
export class JourneyTasksService {
  @Inject()
  db!: Db;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  contacts!: WecomContactService;

  @Inject()
  projection!: JourneyProjection;

  @Inject()
  events!: EventBus;

  /** Same visibility as the sidebar contact view: owner, the store's manager, HQ. */
  async assertVisible(staff: StaffPrincipal, externalUserId: string): Promise<{ memberId: number | null }> {
    const c = await this.contacts.findByExternalId(externalUserId);
    // HQ sees the whole chain, including a customer whose contact record is not synced yet
    if (staff.role === 'hq_admin') return { memberId: c?.memberId ?? null };
    if (!c) throw new AppError('NOT_FOUND');
    if (c.followStaffId === staff.staffId) return { memberId: c.memberId };
    if (staff.role === 'store_manager' && staff.storeId !== null) {
      if (c.followStaff?.storeId === staff.storeId) return { memberId: c.memberId };
      if (c.memberId && (await this.directory.member(c.memberId))?.storeId === staff.storeId) return { memberId: c.memberId };
    }
    throw new AppError('NOT_FOUND');
  }

  private async visibleTasks(staff: StaffPrincipal) {
    const me = await this.directory.staffById(staff.staffId);
    const qb = this.db.manager.createQueryBuilder(StaffTask, 't');
    if (staff.role === 'hq_admin') return qb;
    const conds: string[] = [];
    if (me?.wecomUserId) conds.push('(t.assignee = :owner AND t.staff_user_id = :uid)');
    if (staff.role === 'store_manager' && staff.storeId !== null) conds.push('(t.assignee = :mgr AND t.store_id = :sid)');
    if (!conds.length) conds.push('1 = 0');
    return qb.where(`(${conds.join(' OR ')})`, { owner: 'owner', uid: me?.wecomUserId ?? '', mgr: 'store_manager', sid: staff.storeId ?? -1 });
  }

  private async views(rows: StaffTask[]): Promise<StaffTaskView[]> {
    const names = await this.directory.contactNames(rows.map((r) => r.externalUserId));
    return rows.map((t) => ({
      id: t.id,
      title: t.title,
      detail: t.detail,
      externalUserId: t.externalUserId,
      customerName: names.get(t.externalUserId) ?? null,
      memberId: t.memberId,
      journeyName: t.journeyName,
      status: t.status,
      dueAt: iso(t.dueAt),
      createdAt: iso(t.createdAt),
      doneAt: iso(t.doneAt),
    }));
  }

  async list(staff: StaffPrincipal, q: { externalUserId?: string; status: 'open' | 'done' | 'dismissed' }): Promise<{ items: StaffTaskView[] }> {
    const qb = (await this.visibleTasks(staff)).andWhere('t.status = :st', { st: q.status });
    if (q.externalUserId) qb.andWhere('t.external_user_id = :ext', { ext: q.externalUserId });
    const rows = await qb.orderBy('t.due_at', 'ASC').addOrderBy('t.id', 'ASC').take(100).getMany();
    return { items: await this.views(rows) };
  }

  async complete(staff: StaffPrincipal, taskId: number, outcome: 'done' | 'dismissed'): Promise<StaffTaskView> {
    const task = await (await this.visibleTasks(staff)).andWhere('t.id = :id', { id: taskId }).getOne();
    if (!task) throw new AppError('NOT_FOUND');
    const now = new Date();
    await this.db.transaction(async (em) => {
      const r = await em.update(StaffTask, { id: taskId, status: 'open' }, { status: outcome, doneAt: now, doneBy: staff.staffId });
      if (!r.affected) throw new AppError('CONFLICT', '任务已处理');
      // a greeting or a call is contact with the customer: the journey conditions see it
      if (outcome === 'done')
        await this.projection.record(em, { memberId: task.memberId, externalUserId: task.externalUserId, kind: 'reply', at: now, sourceKey: `task:${taskId}` });
    });
    const [v] = await this.views([await this.db.manager.findOneByOrFail(StaffTask, { id: taskId })]);
    return v;
  }

  /**
   * `sourceKey` names the record when another module keeps its own (a follow-up note): the journeys
   * then count the interaction without a timeline line of their own. A call noted here is keyed
   * `note:called:…` so the timeline says it was a call.
   */
  async recordInteraction(staff: StaffPrincipal, externalUserId: string, kind: 'replied' | 'called' | 'visited', sourceKey?: string): Promise<void> {
    const { memberId } = await this.assertVisible(staff, externalUserId);
    const now = new Date();
    const key =
      sourceKey ??
      (kind === 'called' ? `note:called:${staff.staffId}:${externalUserId}:${now.getTime()}` : `note:${staff.staffId}:${externalUserId}:${now.getTime()}`);
    const me = kind === 'replied' ? await this.directory.staffById(staff.staffId) : null;
    await this.db.transaction(async (em) => {
      await this.projection.record(em, { memberId, externalUserId, kind: kind === 'visited' ? 'visit' : 'reply', at: now, sourceKey: key });
      // other modules (feedback's churn signals) hear the reply
      if (kind === 'replied')
        await this.events.emit(em, 'CustomerReplied', {
          externalUserId,
          staffUserId: me?.wecomUserId ?? null,
          memberId,
          at: now.toISOString(),
          via: 'staff_noted',
        });
    });
    // a store visit noted by staff also counts as the customer's interaction with the contact
    if (kind === 'visited') {
      await this.db.transaction((em) => this.projection.record(em, { externalUserId, kind: 'reply', at: now, sourceKey: `${key}:v` }));
    }
  }

  /** A task the clerk sets by hand for this customer (shown with the journey tasks, no journey). */
  async createManual(
    staff: StaffPrincipal,
    externalUserId: string,
    input: { title: string; detail: string; dueAt: Date },
    now = new Date(),
  ): Promise<{ id: number; title: string; dueAt: string }> {
    const { memberId } = await this.assertVisible(staff, externalUserId);
    const me = await this.directory.staffById(staff.staffId);
    const mine = !!me?.wecomUserId;
    const row = await this.db.manager.save(
      this.db.manager.create(StaffTask, {
        idemKey: `manual:${staff.staffId}:${now.getTime()}:${Math.random().toString(36).slice(2, 8)}`,
        // the clerk's own task; an account without WeCom (a manager on the ops login) keeps it at the store
        assignee: mine ? 'owner' : 'store_manager',
        staffUserId: me?.wecomUserId ?? null,
        storeId: me?.storeId ?? staff.storeId,
        externalUserId,
        memberId,
        enrolmentId: null,
        journeyName: null,
        title: input.title,
        detail: input.detail,
        status: 'open',
        dueAt: input.dueAt,
        createdAt: now,
        doneAt: null,
        doneBy: null,
      }),
    );
    return { id: row.id, title: row.title, dueAt: iso(row.dueAt) };
  }

  async setOptOut(staff: StaffPrincipal, externalUserId: string, optedOut: boolean): Promise<{ optedOut: boolean }> {
    await this.assertVisible(staff, externalUserId);
    const r = await this.db.manager.update(JourneyCustomer, { externalUserId }, { optedOut, updatedAt: new Date() });
    if (!r.affected) throw new AppError('NOT_FOUND');
    return { optedOut };
  }

  /** 「我的数据」: the coupons journeys issued to the member and the journeys they were in. */
  @PrivacyExport('journeys')
  async exportFor(memberId: number): Promise<Array<Record<string, unknown>>> {
    const coupons = await this.db.manager.find(JourneyCoupon, { where: { memberId }, order: { id: 'ASC' } });
    const enrolments: Array<{ name: string; status: string; enrolled_at: Date | string }> = await this.db.manager.query(
      'SELECT j.name AS name, e.status AS status, e.enrolled_at AS enrolled_at FROM journey_enrolment e JOIN journey j ON j.id = e.journey_id WHERE e.member_id = ? ORDER BY e.id',
      [memberId],
    );
    return [
      ...coupons.map((c) => ({ type: 'coupon', title: c.title, amountFen: c.amountFen, issuedAt: iso(c.issuedAt), validUntil: iso(c.validUntil) })),
      ...enrolments.map((e) => ({ type: 'journey', journey: e.name, status: e.status, enrolledAt: dbDate(e.enrolled_at)!.toISOString() })),
    ];
  }

  async myCoupons(memberId: number, q: { page: number; pageSize: number }, now = new Date()) {
    const [rows, total] = await this.db.manager.findAndCount(JourneyCoupon, {
      where: { memberId },
      order: { id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return {
      items: rows.map((c) => ({
        id: c.id,
        // what the member shows at the till (barcode/QR) and the clerk may type in the sidebar
        code: couponCode(c.id),
        title: c.title,
        amountFen: c.amountFen,
        minSpendFen: c.minSpendFen,
        validUntil: iso(c.validUntil),
        status: c.status === 'issued' && c.validUntil < now ? ('expired' as const) : c.status,
        issuedAt: iso(c.issuedAt),
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }
}

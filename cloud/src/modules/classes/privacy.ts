/**
 * The member's own data in this domain: the 「我的数据」 section, and erasure on account deletion
 * (comments and children's ages cleared; upcoming bookings cancelled so their seats go to the
 * waitlist). Counts and stars stay for the class figures, no longer tied to a person.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import { Db, iso } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { PrivacyExport } from '../../core/privacy';
import { ClassDef } from './entities/class-def.entity';
import { ClassMemberGuard } from './entities/class-member-guard.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import { ClassPaymentService } from './payment.service';
import { RegistrationService } from './registration.service';
import { jsonArray } from './views';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassesPrivacy {
  @Inject()
  pay!: ClassPaymentService;

  @Inject()
  db!: Db;

  @Inject()
  registrations!: RegistrationService;

  @PrivacyExport('classRegistrations')
  async exportFor(memberId: number): Promise<Array<Record<string, unknown>>> {
    const regs = await this.db.manager.find(ClassRegistration, { where: { memberId }, order: { id: 'ASC' } });
    if (!regs.length) return [];
    const sessions = new Map((await this.db.manager.find(ClassSession, { where: { id: In(regs.map((r) => r.sessionId)) } })).map((s) => [s.id, s]));
    const classes = new Map(
      (await this.db.manager.find(ClassDef, { where: { id: In([...new Set([...sessions.values()].map((s) => s.classId))]) } })).map((c) => [c.id, c]),
    );
    return regs.map((r) => {
      const s = sessions.get(r.sessionId);
      return {
        title: s ? (classes.get(s.classId)?.title ?? null) : null,
        startsAt: s ? iso(s.startsAt) : null,
        status: r.status,
        adults: r.adults,
        children: r.children,
        childAges: jsonArray<number>(r.childAges),
        registeredAt: iso(r.createdAt),
        checkedInAt: iso(r.checkedInAt),
        stars: r.stars,
        comment: r.comment,
        // paid classes only: what was paid and refunded
        ...(r.tradeNo ? { amountFen: r.priceFen, paidAt: iso(r.paidAt), refundFen: r.refundFen } : {}),
      };
    });
  }

  @OnEvent('MemberDeleted')
  async onMemberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    const { memberId } = event.payload;
    const now = new Date();
    const active = await em.find(ClassRegistration, { where: { memberId, status: In(['confirmed', 'waitlisted', 'unpaid']) } });
    const freed = new Set<number>();
    for (const r of active) {
      const s = await em.findOne(ClassSession, { where: { id: r.sessionId } });
      if (!s || s.status !== 'scheduled') continue;
      const done = await em
        .createQueryBuilder()
        .update(ClassRegistration)
        .set({ status: 'cancelled', cancelledAt: now, cancelledBy: 'member' })
        .where('id = :id AND status = :was', { id: r.id, was: r.status })
        .execute();
      if (!done.affected) continue;
      const qb = em.createQueryBuilder().update(ClassSession).where('id = :id', { id: s.id });
      if (r.status === 'confirmed' && r.paidAt) await this.pay.refundInTx(em, r, '会员注销，活动报名退款');
      if (r.status === 'unpaid') this.pay.closeAfterCommit(em, r.tradeNo);
      if (r.status === 'confirmed' || r.status === 'unpaid') {
        await qb
          .set({ adultLeft: () => 'adult_left + :a', childLeft: () => 'child_left + :c' })
          .setParameters({ a: r.adults, c: r.children })
          .execute();
        freed.add(s.id);
      } else {
        await qb.set({ waitingCount: () => 'waiting_count - 1' }).execute();
      }
    }
    await em.update(ClassRegistration, { memberId }, { comment: null, childAges: null });
    await em.delete(ClassMemberGuard, { memberId });
    if (freed.size) {
      // after this delivery commits, in the background (a new transaction must not wait inside this one)
      this.db.afterCommit(em, () => {
        setImmediate(() => {
          for (const id of freed) void this.registrations.promote(id).catch(() => undefined);
        });
      });
    }
  }
}

/**
 * The journeys side of the member timeline (journeys entered, messages queued for staff to send,
 * coupons issued, follow-up tasks, and the orders / visits / replies the journeys track) and the
 * facts the sidebar's offers need (last order, last interaction, an unused journey coupon), from
 * this module's own tables. A new file so the journeys services stay untouched.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, MoreThan, Not, IsNull } from 'typeorm';
import { Db } from '../../core/db';
import { couponRule, MemberFacts, type MemberFactSet, MemberTimeline, type TimelineItem } from '../../core/timeline';
import { JourneyCoupon } from './entities/coupon.entity';
import { JourneyEnrolment, JourneyStepLog } from './entities/enrolment.entity';
import { Journey, stepsOf } from './entities/journey.entity';
import { ActivityLog, MemberActivity } from './entities/member-activity.entity';
import { StaffTask } from './entities/staff-task.entity';

/**
 * The journeys' activity log, as timeline lines: orders, and what staff noted in the sidebar. Other
 * rows repeat what a domain tells itself (`evt:` visits from contest/registration events, class
 * check-ins, WeCom adds, `task:` rows of finished tasks, the `:v` twin of a noted visit): skipped.
 */
function activityText(a: Pick<ActivityLog, 'kind' | 'sourceKey'>): string | null {
  if (a.kind === 'order') return '下单购物';
  if (!a.sourceKey.startsWith('note:') || a.sourceKey.endsWith(':v')) return null;
  if (a.sourceKey.startsWith('note:called:')) return '电话联系（员工记录）';
  return a.kind === 'visit' ? '到店（员工记录）' : a.kind === 'reply' ? '与员工有互动（员工记录）' : null;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class JourneysTimeline {
  @Inject()
  db!: Db;

  @MemberTimeline('journeys')
  async timelineFor(memberId: number, limit: number): Promise<TimelineItem[]> {
    const m = this.db.manager;
    const [enrolments, coupons, tasks, activity] = await Promise.all([
      m.find(JourneyEnrolment, { where: { memberId }, select: { id: true, journeyId: true, enrolledAt: true }, order: { id: 'DESC' }, take: limit }),
      m.find(JourneyCoupon, { where: { memberId }, order: { id: 'DESC' }, take: limit }),
      m.find(StaffTask, { where: { memberId }, order: { id: 'DESC' }, take: limit }),
      m.find(ActivityLog, {
        where: { memberId, kind: In(['order', 'visit', 'reply']) },
        select: { id: true, kind: true, at: true, sourceKey: true },
        order: { at: 'DESC', id: 'DESC' },
        take: 3 * limit,
      }),
    ]);
    const journeyIds = [...new Set(enrolments.map((e) => e.journeyId))];
    const journeys = new Map(journeyIds.length ? (await m.find(Journey, { where: { id: In(journeyIds) } })).map((j) => [j.id, j]) : []);
    const byEnrolment = new Map(enrolments.map((e) => [e.id, e]));
    const messages = enrolments.length
      ? await m.find(JourneyStepLog, {
          where: { enrolmentId: In(enrolments.map((e) => e.id)), outcome: 'done', messageTo: Not(IsNull()) },
          order: { id: 'DESC' },
          take: limit,
        })
      : [];
    const out: TimelineItem[] = [];
    for (const e of enrolments) {
      const j = journeys.get(e.journeyId);
      if (j) out.push({ at: e.enrolledAt, kind: 'journey_enrolled', text: `进入「${j.name}」` });
    }
    for (const s of messages) {
      const j = journeys.get(byEnrolment.get(s.enrolmentId)!.journeyId);
      const step = j && s.stepIndex !== null ? stepsOf(j)[s.stepIndex]?.name : undefined;
      out.push({ at: s.at, kind: 'journey_message', text: `「${j?.name ?? '旅程'}${step ? `·${step}` : ''}」消息已生成，待员工发送` });
    }
    for (const c of coupons) {
      out.push({ at: c.issuedAt, kind: 'coupon_issued', text: `获得「${c.title}」（${couponRule(c)}）` });
    }
    for (const t of tasks) {
      out.push({ at: t.createdAt, kind: 'task_created', text: `生成跟进任务「${t.title}」` });
      if (t.status !== 'open' && t.doneAt)
        out.push({ at: t.doneAt, kind: 'task_done', text: `${t.status === 'done' ? '已完成' : '已忽略'}跟进任务「${t.title}」` });
    }
    for (const a of activity) {
      const text = activityText(a);
      if (text) out.push({ at: a.at, kind: `activity_${a.kind}`, text });
    }
    return out;
  }

  @MemberFacts('journeys')
  async factsFor(memberId: number, now: Date): Promise<Partial<MemberFactSet>> {
    const [activity, coupon] = await Promise.all([
      this.db.manager.findOne(MemberActivity, { where: { memberId } }),
      this.db.manager.findOne(JourneyCoupon, { where: { memberId, status: 'issued', validUntil: MoreThan(now) }, order: { validUntil: 'ASC', id: 'ASC' } }),
    ]);
    return {
      lastOrderAt: activity?.lastOrderAt ?? null,
      unusedCoupon: coupon ? { title: coupon.title, amountFen: coupon.amountFen, minSpendFen: coupon.minSpendFen, validUntil: coupon.validUntil } : null,
      activeAt: activity ? [activity.lastInteractionAt] : [],
    };
  }
}

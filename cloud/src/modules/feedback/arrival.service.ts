/**
 * The arrival copilot. A member showing up (member code at the till, class check-in, order pickup)
 * becomes one arrival per member, store and Beijing day — a unique key, so duplicate scans and
 * redelivered events notify once. The clerks on shift (the store's weekly roster) get a WeCom app
 * message through the outbox with the member's profile and the top next-best offer with its
 * reason; the sidebar's 「刚到店」 panel lists the same. Members who opted out of personalisation
 * are left alone: no arrival, no notice.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, MoreThan } from 'typeorm';
import type { ArrivalView, RosterEntry } from '../../../../contracts/feedback';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, dbDate, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { TimelineRegistry } from '../../core/timeline';
import { APP_MESSAGE_KIND, nextBestOffers, OutboundKick, enqueueOutbound } from '../wecom';
import { MemberArrival, MemberPersonalisation, StaffShift } from './entities/feedback.entity';
import { People } from './people';
import { dayKey, formatClock, shanghaiParts } from '../../../../contracts/calendar';

const HOUR = 3600_000;
/** How long an arrival stays in the sidebar's 「刚到店」. */
export const RECENT_HOURS = 3;
export const VIA_LABELS: Record<MemberArrival['via'], string> = { member_code: '出示会员码', checkin: '课程签到', pickup: '到店提货' };

/** Beijing date, ISO weekday (1 = Monday) and HH:mm of an instant. */
export function beijingClock(d: Date): { day: string; weekday: number; hm: string } {
  return { day: dayKey(d), weekday: ((shanghaiParts(d).weekday + 6) % 7) + 1, hm: formatClock(d) };
}

/** Who of the roster is on shift at `now` (pure). */
export function onShift(entries: Array<Pick<RosterEntry, 'staffId' | 'weekday' | 'start' | 'end'>>, now: Date): number[] {
  const { weekday, hm } = beijingClock(now);
  return [...new Set(entries.filter((e) => e.weekday === weekday && e.start <= hm && hm < e.end).map((e) => e.staffId))];
}

export interface ArrivalInput {
  memberId: number;
  storeId: number;
  via: MemberArrival['via'];
  at: Date;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ArrivalService {
  @Inject()
  db!: Db;

  @Inject()
  people!: People;

  @Inject()
  timeline!: TimelineRegistry;

  @Inject()
  kick!: OutboundKick;

  // ---------------------------------------------------------------- personalisation

  async personalised(memberId: number, em: EntityManager = this.db.manager): Promise<boolean> {
    const row = await em.findOne(MemberPersonalisation, { where: { memberId } });
    return row ? !!row.personalised : true;
  }

  async setPersonalised(memberId: number, personalised: boolean): Promise<{ personalised: boolean }> {
    await this.db.transaction(async (em) => {
      const r = await em.update(MemberPersonalisation, { memberId }, { personalised, updatedAt: new Date() });
      if (!r.affected) {
        try {
          await em.insert(MemberPersonalisation, { memberId, personalised, updatedAt: new Date() });
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          await em.update(MemberPersonalisation, { memberId }, { personalised, updatedAt: new Date() });
        }
      }
    });
    return { personalised };
  }

  // ---------------------------------------------------------------- roster

  private assertStore(staff: StaffPrincipal, storeId: number): void {
    if (staff.role !== 'hq_admin' && staff.storeId !== storeId) throw new AppError('NOT_FOUND');
  }

  async roster(staff: StaffPrincipal, storeId: number, now = new Date()) {
    this.assertStore(staff, storeId);
    if (!(await this.people.storeExists(storeId))) throw new AppError('NOT_FOUND');
    const rows = await this.db.manager.find(StaffShift, { where: { storeId }, order: { weekday: 'ASC', start: 'ASC', id: 'ASC' } });
    const people = await this.people.staffOfStore(storeId);
    const names = new Map(people.map((p) => [p.id, p.name]));
    const extra = await this.people.staff(rows.map((r) => r.staffId).filter((id) => !names.has(id)));
    for (const [id, s] of extra) names.set(id, s.name);
    const on = onShift(rows, now);
    return {
      storeId,
      storeName: (await this.people.storeNames([storeId])).get(storeId) ?? null,
      entries: rows.map((r) => ({ staffId: r.staffId, weekday: r.weekday, start: r.start, end: r.end, staffName: names.get(r.staffId) ?? `员工${r.staffId}` })),
      staff: people.map((p) => ({ id: p.id, name: p.name, role: p.role, wecomUserId: p.wecomUserId })),
      onShift: on.map((id) => ({ id, name: names.get(id) ?? `员工${id}` })),
    };
  }

  async setRoster(staff: StaffPrincipal, storeId: number, entries: RosterEntry[]) {
    this.assertStore(staff, storeId);
    if (!(await this.people.storeExists(storeId))) throw new AppError('NOT_FOUND');
    const known = new Set((await this.people.staffOfStore(storeId)).map((s) => s.id));
    const bad = entries.findIndex((e) => !known.has(e.staffId));
    if (bad >= 0) throw new AppError('VALIDATION_FAILED', undefined, [{ path: `entries.${bad}.staffId`, message: '只能排本店在职员工' }]);
    await this.db.transaction(async (em) => {
      await em.delete(StaffShift, { storeId });
      for (const e of entries) await em.insert(StaffShift, { storeId, staffId: e.staffId, weekday: e.weekday, start: e.start, end: e.end });
    });
    return this.roster(staff, storeId);
  }

  // ---------------------------------------------------------------- arrivals

  /**
   * Record the arrival (in the caller's event-delivery transaction) and queue the notice for the
   * clerks on shift. Nothing when the member opted out, is gone, or already arrived today here.
   */
  async arrive(em: EntityManager, a: ArrivalInput): Promise<number | null> {
    if (!Number.isInteger(a.memberId) || !Number.isInteger(a.storeId) || Number.isNaN(a.at.getTime())) return null;
    if (!(await this.personalised(a.memberId, em))) return null;
    const m = await this.people.member(a.memberId);
    if (!m) return null;
    const { day } = beijingClock(a.at);
    // cheap check first; the unique key settles races
    if (await em.count(MemberArrival, { where: { memberId: a.memberId, storeId: a.storeId, visitDay: day } })) return null;
    const tags = await this.people.tagNames(m.id);
    const facts = await this.timeline.factsOf(m.id, a.at);
    const [top] = nextBestOffers({ tier: m.tier, registeredAt: m.createdAt, facts, now: a.at });
    const profile = [m.tier, m.householdName ? `家庭：${m.householdName}` : null, tags.length ? `标签：${tags.slice(0, 4).join('、')}` : null]
      .filter(Boolean)
      .join(' · ')
      .slice(0, 255);
    const shift = await em.find(StaffShift, { where: { storeId: a.storeId } });
    // the roster is for now: a late-delivered event still goes to whoever is on shift now
    const onDuty = onShift(shift, new Date());
    const staff = await this.people.staff(onDuty);
    const userIds = onDuty
      .map((id) => staff.get(id))
      .filter((s) => s && s.storeId === a.storeId && s.wecomUserId)
      .map((s) => s!.wecomUserId!) as string[];
    let id: number;
    try {
      const r = await em.insert(MemberArrival, {
        memberId: m.id,
        storeId: a.storeId,
        visitDay: day,
        via: a.via,
        arrivedAt: a.at,
        profile,
        suggestion: top?.text.slice(0, 255) ?? null,
        reason: top?.reason.slice(0, 255) ?? null,
        notified: userIds.join(',').slice(0, 255),
      });
      id = Number(r.identifiers[0].id);
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
    if (userIds.length) {
      const name = await this.people.displayName(m.id, m.nickname);
      const text = [`【刚到店】${name}（${VIA_LABELS[a.via]}）`, profile, top ? `建议：${top.text}` : null, top ? `原因：${top.reason}` : null]
        .filter(Boolean)
        .join('\n');
      await enqueueOutbound(em, { idemKey: `arrival:${id}`, kind: APP_MESSAGE_KIND, payload: { toUsers: userIds, text }, ref: `arrival:${id}` });
      this.db.afterCommit(em, () => this.kick.kick());
    }
    return id;
  }

  private async views(rows: MemberArrival[], viewerStore: number | null): Promise<ArrivalView[]> {
    const cards = await this.people.memberCards(rows.map((r) => r.memberId));
    const stores = await this.people.storeNames(rows.map((r) => r.storeId));
    const out: ArrivalView[] = [];
    for (const r of rows) {
      const m = cards.get(r.memberId);
      const contacts = await this.people.contactsOfMember(r.memberId);
      let ext: string | null = contacts[0]?.externalUserId ?? null;
      if (viewerStore !== null && contacts.length > 1) {
        for (const c of contacts) {
          const s = c.userId ? await this.people.staffByUserId(c.userId) : null;
          if (s?.storeId === viewerStore) {
            ext = c.externalUserId;
            break;
          }
        }
      }
      out.push({
        id: r.id,
        memberId: r.memberId,
        memberName: m ? await this.people.displayName(m.id, m.nickname) : null,
        tier: m?.tier ?? null,
        storeName: stores.get(r.storeId) ?? null,
        via: r.via,
        at: iso(dbDate(r.arrivedAt)),
        profile: r.profile,
        suggestion: r.suggestion,
        reason: r.reason,
        notified: r.notified ? r.notified.split(',') : [],
        externalUserId: ext,
      });
    }
    return out;
  }

  async list(staff: StaffPrincipal, q: { page: number; pageSize: number; storeId?: number }) {
    let store: number | null = q.storeId ?? null;
    if (staff.role !== 'hq_admin') {
      if (staff.storeId === null || (q.storeId && q.storeId !== staff.storeId)) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
      store = staff.storeId;
    }
    const [rows, total] = await this.db.manager.findAndCount(MemberArrival, {
      where: store === null ? {} : { storeId: store },
      order: { id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: await this.views(rows, store), total, page: q.page, pageSize: q.pageSize };
  }

  /** 「刚到店」 in the sidebar: the staff member's store, the last few hours (HQ: every store). */
  async recent(staff: StaffPrincipal, now = new Date()) {
    const since = new Date(now.getTime() - RECENT_HOURS * HOUR);
    const where: Record<string, unknown> = { arrivedAt: MoreThan(since) };
    if (staff.role !== 'hq_admin') {
      if (staff.storeId === null) return { items: [], onShift: false };
      where.storeId = staff.storeId;
    }
    const rows = await this.db.manager.find(MemberArrival, { where, order: { arrivedAt: 'DESC', id: 'DESC' }, take: 20 });
    const shifts = staff.storeId ? await this.db.manager.find(StaffShift, { where: { storeId: staff.storeId, staffId: staff.staffId } }) : [];
    return { items: await this.views(rows, staff.storeId), onShift: onShift(shifts, now).includes(staff.staffId) };
  }

  async memberDeleted(em: EntityManager, memberId: number): Promise<void> {
    await em.delete(MemberArrival, { memberId });
    await em.delete(MemberPersonalisation, { memberId });
  }

  async staffOnShift(storeId: number, now = new Date()): Promise<number[]> {
    return onShift(
      await this.db.manager.find(StaffShift, { where: { storeId, staffId: In((await this.people.staffOfStore(storeId)).map((s) => s.id)) } }),
      now,
    );
  }
}

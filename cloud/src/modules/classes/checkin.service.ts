/**
 * Check-in: staff scan the member's QR or type the short code (sidebar / ops page), or the member
 * scans the store's session QR. A conditional UPDATE confirmed -> attended records it exactly once
 * with who, how and when; repeating it answers already_checked_in. Attendance is announced with
 * ClassCheckedIn (the tags listener grants the class's tags).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { CheckInResult } from '../../../../contracts/classes';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { parseCheckInCode, verifyDoorCode } from './codes';
import { ClassDef } from './entities/class-def.entity';
import { type CheckInMethod, ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import './events';
import { IdentityReads } from '../identity';
import { ClassesSettings } from './settings';
import { addMinutes } from '../../../../contracts/calendar';
import { jsonArray } from './views';

@Provide()
@Scope(ScopeEnum.Singleton)
export class CheckInService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  lookup!: IdentityReads;

  @Inject()
  settings!: ClassesSettings;

  /** Staff of the session's store (HQ: any store). */
  static canServeStore(staff: StaffPrincipal, storeId: number): boolean {
    return staff.role === 'hq_admin' || (staff.storeId !== null && staff.storeId === storeId);
  }

  async byStaff(staff: StaffPrincipal, input: { code: string; sessionId?: number }, now = new Date()): Promise<CheckInResult> {
    const parsed = parseCheckInCode(input.code);
    if (!parsed || parsed.kind === 'door' || parsed.kind === 'stale_door') throw new AppError('CLASS_CHECKIN_CODE_INVALID');
    let reg: ClassRegistration | null;
    let method: CheckInMethod;
    if (parsed.kind === 'registration') {
      reg = await this.db.manager.findOne(ClassRegistration, { where: { checkinToken: parsed.token } });
      method = 'staff_scan';
    } else {
      if (!input.sessionId) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'sessionId', message: '输入签到码前请先选择场次' }]);
      reg = await this.db.manager.findOne(ClassRegistration, { where: { sessionId: input.sessionId, shortCode: parsed.code } });
      method = 'staff_code';
    }
    if (!reg) throw new AppError('CLASS_CHECKIN_CODE_INVALID');
    const session = await this.db.manager.findOneOrFail(ClassSession, { where: { id: reg.sessionId } });
    if (!CheckInService.canServeStore(staff, session.storeId)) throw new AppError('FORBIDDEN', '该活动不属于你的门店');
    return this.record(reg, session, method, staff.staffId, now);
  }

  async byMember(memberId: number, code: string, now = new Date()): Promise<CheckInResult> {
    const parsed = parseCheckInCode(code);
    if (parsed?.kind === 'stale_door') throw new AppError('CLASS_CHECKIN_CODE_EXPIRED');
    if (!parsed || parsed.kind !== 'door') throw new AppError('CLASS_CHECKIN_CODE_INVALID', '请扫描门店展示的活动签到码');
    const session = await this.db.manager.findOne(ClassSession, { where: { id: parsed.sessionId } });
    if (!session) throw new AppError('CLASS_CHECKIN_CODE_INVALID');
    // signed with SIGNING_SECRET over the session, the step and the session's own token; current within the skew
    const verdict = verifyDoorCode(this.settings.signingSecret(), parsed, session.checkinToken, now.getTime(), this.settings.doorCodeRule());
    if (verdict === 'forged') throw new AppError('CLASS_CHECKIN_CODE_INVALID');
    if (verdict === 'expired') throw new AppError('CLASS_CHECKIN_CODE_EXPIRED');
    const reg = await this.db.manager.findOne(ClassRegistration, { where: { sessionId: session.id, memberId } });
    if (!reg) throw new AppError('CLASS_NOT_CONFIRMED', '你没有报名这一场活动');
    return this.record(reg, session, 'member_scan', null, now);
  }

  private async record(reg: ClassRegistration, session: ClassSession, method: CheckInMethod, staffId: number | null, now: Date): Promise<CheckInResult> {
    if (reg.status === 'attended') return this.result(reg.id, 'already_checked_in');
    const cfg = this.settings.config;
    if (session.status !== 'scheduled') throw new AppError('CLASS_CHECKIN_CLOSED', '本场活动已结束或已取消，不能再签到');
    if (now < addMinutes(new Date(session.startsAt), -cfg.CLASS_CHECKIN_OPENS_MINUTES)) {
      throw new AppError('CLASS_CHECKIN_CLOSED', `签到在活动开始前${Math.round((cfg.CLASS_CHECKIN_OPENS_MINUTES / 60) * 10) / 10}小时开放`);
    }
    if (now > addMinutes(new Date(session.endsAt), cfg.CLASS_CHECKIN_GRACE_MINUTES)) throw new AppError('CLASS_CHECKIN_CLOSED', '本场活动签到已结束');
    if (reg.status !== 'confirmed') throw new AppError('CLASS_NOT_CONFIRMED');
    const cls = await this.db.manager.findOneOrFail(ClassDef, { where: { id: session.classId } });
    const recorded = await this.db.transaction(async (tx) => {
      const res = await tx
        .createQueryBuilder()
        .update(ClassRegistration)
        .set({ status: 'attended', checkedInAt: now, checkedInByStaffId: staffId, checkinMethod: method })
        .where("id = :id AND status = 'confirmed'", { id: reg.id })
        .execute();
      if (!res.affected) return false;
      await this.events.emit(tx, 'ClassCheckedIn', {
        registrationId: reg.id,
        sessionId: session.id,
        classId: cls.id,
        storeId: session.storeId,
        memberId: reg.memberId,
        tags: jsonArray<string>(cls.tags),
        classTitle: cls.title,
        endsAt: new Date(session.endsAt).toISOString(),
      });
      return true;
    });
    if (recorded) return this.result(reg.id, 'checked_in');
    // lost a race: someone else checked them in (fine), or the registration left 'confirmed'
    const fresh = await this.db.manager.findOneOrFail(ClassRegistration, { where: { id: reg.id } });
    if (fresh.status === 'attended') return this.result(reg.id, 'already_checked_in');
    throw new AppError('CLASS_NOT_CONFIRMED');
  }

  private async result(registrationId: number, result: CheckInResult['result']): Promise<CheckInResult> {
    const r = await this.db.manager.findOneOrFail(ClassRegistration, { where: { id: registrationId } });
    const s = await this.db.manager.findOneOrFail(ClassSession, { where: { id: r.sessionId } });
    const c = await this.db.manager.findOneOrFail(ClassDef, { where: { id: s.classId } });
    const member = (await this.lookup.memberFacts([r.memberId])).get(r.memberId);
    const staffName = r.checkedInByStaffId ? ((await this.lookup.staffNames([r.checkedInByStaffId])).get(r.checkedInByStaffId) ?? null) : null;
    return {
      result,
      registrationId: r.id,
      sessionId: s.id,
      title: c.title,
      startsAt: iso(s.startsAt),
      memberNickname: member?.nickname ?? null,
      adults: r.adults,
      children: r.children,
      checkedInAt: iso(r.checkedInAt ?? new Date()),
      checkedInBy: staffName,
      method: r.checkinMethod ?? 'staff_code',
    };
  }
}

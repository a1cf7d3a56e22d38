/**
 * A session's roster on the ops page and as CSV, the door code shown at check-in, and the day's
 * sessions a store checks people in to.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import type { Roster, RosterItem } from '../../../../contracts/classes';
import { REGISTRATION_STATUS_LABELS } from '../../../../contracts/classes';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { signDoorCode } from './codes';
import { ClassDef } from './entities/class-def.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import './events';
import { IdentityReads } from '../identity';
import { NoticeService } from './notice.service';
import { ClassesSettings } from './settings';
import { addDays, dayKey, dayStartOfKey, formatDateTime, isRealDay } from '../../../../contracts/calendar';
import { jsonArray, opsSession } from './views';
import { ClassStaffScope, invalid } from './admin-scope';
/** CSV cell: quoted when needed; a leading = + - @ is defused so spreadsheets do not run it as a formula. */
function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const METHOD_LABELS = { staff_scan: '店员扫码', staff_code: '店员输码', member_scan: '会员扫码' } as const;

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassRosterService {
  @Inject()
  db!: Db;

  @Inject()
  scope!: ClassStaffScope;

  @Inject()
  lookup!: IdentityReads;

  @Inject()
  notices!: NoticeService;

  @Inject()
  settings!: ClassesSettings;

  async roster(staff: StaffPrincipal, sessionId: number): Promise<Roster> {
    const { s, c } = await this.scope.scopedSession(staff, sessionId);
    const regs = await this.db.manager.find(ClassRegistration, { where: { sessionId }, order: { arrivalSeq: 'ASC', id: 'ASC' } });
    const rank: Record<string, number> = { attended: 0, confirmed: 0, unpaid: 0, waitlisted: 1, no_show: 2, cancelled: 3, pending: 4 };
    regs.sort((a, b) => rank[a.status] - rank[b.status] || (a.arrivalSeq ?? 0) - (b.arrivalSeq ?? 0) || a.id - b.id);
    const members = await this.lookup.memberFacts(regs.map((r) => r.memberId));
    const staffNames = await this.lookup.staffNames(regs.map((r) => r.checkedInByStaffId));
    const stores = await this.lookup.storeNames([s.storeId]);
    const notices = await this.notices.forRegistrations(regs.map((r) => r.id));
    let position = 0;
    const items: RosterItem[] = regs
      .filter((r) => r.status !== 'pending')
      .map((r) => {
        const m = members.get(r.memberId);
        return {
          registrationId: r.id,
          memberId: r.memberId,
          nickname: m?.nickname ?? null,
          phoneMasked: m?.phoneMasked ?? null,
          householdName: m?.householdName ?? null,
          adults: r.adults,
          children: r.children,
          childAges: jsonArray<number>(r.childAges),
          status: r.status as RosterItem['status'],
          arrivalSeq: r.arrivalSeq,
          waitlistPosition: r.status === 'waitlisted' ? ++position : null,
          shortCode: r.shortCode,
          checkedInAt: iso(r.checkedInAt),
          checkedInBy: r.checkedInByStaffId ? (staffNames.get(r.checkedInByStaffId) ?? null) : null,
          checkInMethod: r.checkinMethod,
          registeredAt: iso(r.createdAt),
          promotedAt: iso(r.promotedAt),
          cancelledAt: iso(r.cancelledAt),
          stars: r.stars,
          comment: r.comment,
          notices: notices.filter((n) => n.registrationId === r.id).map((n) => ({ kind: n.kind, status: n.status, at: iso(n.sentAt ?? n.updatedAt) })),
        };
      });
    const counts = (await this.scope.countsBySession([s.id])).get(s.id);
    return { session: { ...opsSession(s, counts), title: c.title, storeName: stores.get(s.storeId) ?? null, room: c.room }, items };
  }

  async rosterCsv(staff: StaffPrincipal, sessionId: number): Promise<{ filename: string; body: string }> {
    const roster = await this.roster(staff, sessionId);
    const header = [
      '序号',
      '状态',
      '候补位置',
      '昵称',
      '手机',
      '家庭',
      '成人',
      '儿童',
      '儿童年龄',
      '签到码',
      '签到时间',
      '签到人',
      '签到方式',
      '报名时间',
      '评分',
      '评价',
    ];
    const lines = [header.map(csvCell).join(',')];
    roster.items.forEach((r, i) => {
      lines.push(
        [
          i + 1,
          REGISTRATION_STATUS_LABELS[r.status],
          r.waitlistPosition ?? '',
          // a member without a nickname is not a deleted one: say who it is as far as we know
          r.nickname ?? (r.phoneMasked ? `未设置昵称（${r.phoneMasked}）` : '未设置昵称'),
          r.phoneMasked ?? '',
          r.householdName ?? '',
          r.adults,
          r.children,
          r.childAges.join('/'),
          r.shortCode,
          r.checkedInAt ? formatDateTime(new Date(r.checkedInAt)) : '',
          r.checkedInBy ?? '',
          r.checkInMethod ? METHOD_LABELS[r.checkInMethod] : '',
          formatDateTime(new Date(r.registeredAt)),
          r.stars ?? '',
          r.comment ?? '',
        ]
          .map(csvCell)
          .join(','),
      );
    });
    const s = roster.session;
    const filename = `${s.title}-${formatDateTime(new Date(s.startsAt)).replace(/[: ]/g, '')}-名单.csv`.replace(/[\\/"]/g, '_');
    // BOM so Excel opens UTF-8 Chinese correctly; CRLF line ends as Excel expects
    return { filename, body: `\uFEFF${lines.join('\r\n')}\r\n` };
  }

  /** The door code of this moment; the screen showing it asks again at refreshAt (it turns every period). */
  async sessionCode(staff: StaffPrincipal, sessionId: number, now = new Date()) {
    const { s, c } = await this.scope.scopedSession(staff, sessionId);
    const rule = this.settings.doorCodeRule();
    const code = signDoorCode(this.settings.signingSecret(), s.id, s.checkinToken, now.getTime(), rule);
    return {
      sessionId: s.id,
      title: c.title,
      startsAt: iso(s.startsAt),
      qrPayload: code.qrPayload,
      refreshAt: new Date(code.refreshAt).toISOString(),
      refreshInSeconds: Math.max(1, Math.ceil((code.refreshAt - now.getTime()) / 1000)),
    };
  }

  async checkInSessions(staff: StaffPrincipal, q: { date?: string; storeId?: number }, now = new Date()) {
    const date = q.date ?? dayKey(now);
    if (!isRealDay(date)) throw invalid('date', '日期不存在');
    const start = dayStartOfKey(date);
    const qb = this.db.manager
      .createQueryBuilder(ClassSession, 's')
      .where("s.status <> 'cancelled' AND s.starts_at >= :start AND s.starts_at < :end", { start, end: addDays(start, 1) })
      .orderBy('s.startsAt', 'ASC');
    if (staff.role !== 'hq_admin') qb.andWhere('s.store_id = :own', { own: staff.storeId ?? -1 });
    else if (q.storeId) qb.andWhere('s.store_id = :storeId', { storeId: q.storeId });
    const sessions = await qb.take(100).getMany();
    const classes = new Map((await this.classesOf(sessions)).map((c) => [c.id, c]));
    const counts = await this.scope.countsBySession(sessions.map((s) => s.id));
    const stores = await this.lookup.storeNames(sessions.map((s) => s.storeId));
    return {
      items: sessions.map((s) => ({
        ...opsSession(s, counts.get(s.id)),
        title: classes.get(s.classId)?.title ?? '',
        storeId: s.storeId,
        storeName: stores.get(s.storeId) ?? null,
        room: classes.get(s.classId)?.room ?? null,
      })),
    };
  }

  private async classesOf(sessions: ClassSession[]): Promise<ClassDef[]> {
    const ids = [...new Set(sessions.map((s) => s.classId))];
    return ids.length ? this.db.manager.find(ClassDef, { where: { id: In(ids) } }) : [];
  }
}

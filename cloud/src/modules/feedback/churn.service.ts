/**
 * Churn warning: the risk list (score against each member's own rhythm, with reasons), churn
 * causes ops record with the win-back journey per cause, the recovered rate per cause, and the
 * lost-customer alert when a customer and a clerk stop being WeCom contacts.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import type { ChurnCase as ChurnCaseView, ChurnCause, ChurnRisk, LostAlert as LostAlertView } from '../../../../contracts/feedback';
import { CHURN_CAUSE_LABELS, CHURN_CAUSES } from '../../../../contracts/feedback';
import { parseJsonText } from '../../core/json-column';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, dbDate, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { TimelineRegistry } from '../../core/timeline';
import { JourneysPublic } from '../journeys/public';
import { APP_MESSAGE_KIND, OutboundKick, enqueueOutbound } from '../wecom';
import { churnRisk } from './churn-risk';
import { ChurnCase, LostAlert } from './entities/feedback.entity';
import { FeedbackService } from './feedback.service';
import { People } from './people';
import { SignalRecorder } from './signals';

const MINUTE = 60_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class ChurnService {
  @Inject()
  db!: Db;

  @Inject()
  people!: People;

  @Inject()
  signals!: SignalRecorder;

  @Inject()
  journeys!: JourneysPublic;

  @Inject()
  feedback!: FeedbackService;

  @Inject()
  timeline!: TimelineRegistry;

  @Inject()
  kick!: OutboundKick;

  private storeScope(staff: StaffPrincipal, storeId?: number): number | null | 'none' {
    if (staff.role === 'hq_admin') return storeId ?? null;
    if (staff.storeId === null || (storeId && storeId !== staff.storeId)) return 'none';
    return staff.storeId;
  }

  // ---------------------------------------------------------------- risk

  async risks(
    staff: StaffPrincipal,
    q: { storeId?: number; minScore: number; limit: number },
    now = new Date(),
  ): Promise<{ items: ChurnRisk[]; scanned: number }> {
    const store = this.storeScope(staff, q.storeId);
    if (store === 'none') return { items: [], scanned: 0 };
    const ids = await this.signals.activeMembers(now);
    const scored: Array<{ memberId: number; r: ReturnType<typeof churnRisk> }> = [];
    // in slices, so a large chain does not hold all signals in memory at once
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const signals = await this.signals.of(part, now);
      for (const id of part) {
        const r = churnRisk(signals.get(id) ?? { interaction: [], visit: [], purchase: [], message: [] }, now);
        if (r.score >= q.minScore) scored.push({ memberId: id, r });
      }
      await new Promise((resolve) => setImmediate(resolve)); // let requests in between slices
    }
    const cards = await this.people.memberCards(scored.map((s) => s.memberId));
    const inScope = scored.filter((s) => cards.has(s.memberId) && (store === null || cards.get(s.memberId)!.storeId === store));
    inScope.sort((a, b) => b.r.score - a.r.score || a.memberId - b.memberId);
    const top = inScope.slice(0, q.limit);
    const open = await this.openCauses(top.map((t) => t.memberId));
    return {
      items: top.map(({ memberId, r }) => {
        const m = cards.get(memberId)!;
        return {
          memberId,
          memberName: m.nickname,
          tier: m.tier,
          storeId: m.storeId,
          storeName: m.storeName,
          score: r.score,
          level: r.level === 'none' ? 'low' : r.level,
          reasons: r.reasons,
          lastActiveAt: iso(r.lastActiveAt),
          cause: (open.get(memberId) as ChurnCause | undefined) ?? null,
          suggestedCause: r.suggestedCause,
        };
      }),
      scanned: ids.length,
    };
  }

  /** The sidebar's view of one member's risk (null when no risk). */
  async riskOf(memberId: number, now = new Date()): Promise<ChurnRisk | null> {
    const m = await this.people.member(memberId);
    if (!m) return null;
    const r = churnRisk((await this.signals.of([memberId], now)).get(memberId) ?? { interaction: [], visit: [], purchase: [], message: [] }, now);
    if (r.level === 'none') return null;
    const open = await this.openCauses([memberId]);
    return {
      memberId,
      memberName: m.nickname,
      tier: m.tier,
      storeId: m.storeId,
      storeName: m.storeName,
      score: r.score,
      level: r.level,
      reasons: r.reasons,
      lastActiveAt: iso(r.lastActiveAt),
      cause: (open.get(memberId) as ChurnCause | undefined) ?? null,
      suggestedCause: r.suggestedCause,
    };
  }

  private async openCauses(memberIds: number[]): Promise<Map<number, string>> {
    if (!memberIds.length) return new Map();
    const rows = await this.db.manager.find(ChurnCase, { where: { memberId: In(memberIds) }, order: { id: 'ASC' } });
    return new Map(rows.map((r) => [r.memberId, r.cause]));
  }

  // ---------------------------------------------------------------- causes and win-back

  async winback(): Promise<{
    byCause: Array<{ cause: ChurnCause; journeyId: number | null }>;
    journeys: Array<{ id: number; name: string; active: boolean }>;
  }> {
    const s = await this.db.manager.query('SELECT winback FROM feedback_settings WHERE id = 1');
    const map = parseJsonText<Record<string, number | null>>(s[0]?.winback, {});
    return { byCause: CHURN_CAUSES.map((cause) => ({ cause, journeyId: map[cause] ?? null })), journeys: await this.journeys.journeys() };
  }

  async setWinback(byCause: Array<{ cause: ChurnCause; journeyId: number | null }>) {
    const known = new Set((await this.journeys.journeys()).map((j) => j.id));
    const current = Object.fromEntries((await this.winback()).byCause.map((b) => [b.cause, b.journeyId]));
    for (const b of byCause) {
      if (b.journeyId !== null && !known.has(b.journeyId))
        throw new AppError('VALIDATION_FAILED', undefined, [{ path: `byCause.${b.cause}`, message: '旅程不存在' }]);
      current[b.cause] = b.journeyId;
    }
    await this.db.transaction((em) => this.feedback.saveSettings(em, { winback: current }));
    return this.winback();
  }

  async recordCause(staff: StaffPrincipal, body: { memberId: number; cause: ChurnCause; note?: string; journeyId?: number | null }): Promise<ChurnCaseView> {
    const m = await this.people.member(body.memberId);
    if (!m || (staff.role !== 'hq_admin' && m.storeId !== staff.storeId)) throw new AppError('NOT_FOUND');
    const journeyId = body.journeyId !== undefined ? body.journeyId : ((await this.winback()).byCause.find((b) => b.cause === body.cause)?.journeyId ?? null);
    const now = new Date();
    const id = await this.db.transaction(async (em) => {
      // 消息太多: the win-back is fewer messages — automated ones stop, the clerk writes once, personally
      let quieted = false;
      if (body.cause === 'too_many_messages') {
        quieted = (await this.journeys.quietMember(em, m.id, now)) > 0;
        const contact = await this.journeys.contactOfMember(m.id, em);
        if (contact) {
          const who = await this.people.displayName(m.id, m.nickname);
          await this.journeys.openStaffTask(
            em,
            {
              idemKey: `churn:${m.id}:quiet:${now.getTime()}`,
              assignee: 'owner',
              staffUserId: contact.staffUserId,
              storeId: m.storeId,
              externalUserId: contact.externalUserId,
              memberId: m.id,
              title: `少打扰：${who}`,
              detail: `${who}可能被消息打扰（流失原因：消息太多），自动消息已停止。请只发一条真诚的私聊问候，之后等客户主动联系，不要群发。`,
              dueAt: new Date(now.getTime() + 24 * 3600_000),
              origin: '流失挽回',
            },
            now,
          );
        }
      }
      const enrolled = journeyId
        ? await this.journeys.enrolMember(
            em,
            journeyId,
            m.id,
            `流失原因：${CHURN_CAUSE_LABELS[body.cause]}${body.note ? `（${body.note}）` : ''}，挽回旅程`,
            now,
          )
        : false;
      const r = await em.insert(ChurnCase, {
        memberId: m.id,
        storeId: m.storeId,
        cause: body.cause,
        note: body.note || null,
        journeyId,
        enrolled,
        quieted,
        recordedBy: staff.staffId,
        recordedAt: now,
      });
      return Number(r.identifiers[0].id);
    });
    return (await this.caseViews([await this.db.manager.findOneByOrFail(ChurnCase, { id })]))[0];
  }

  private async caseViews(rows: ChurnCase[]): Promise<ChurnCaseView[]> {
    const cards = await this.people.memberCards(rows.map((r) => r.memberId));
    const staff = await this.people.staff(rows.map((r) => r.recordedBy));
    const journeys = new Map((await this.journeys.journeys()).map((j) => [j.id, j.name]));
    const out: ChurnCaseView[] = [];
    for (const r of rows) {
      const recordedAt = dbDate(r.recordedAt);
      const recovered = await this.signals.firstAfter(r.memberId, recordedAt);
      out.push({
        id: r.id,
        memberId: r.memberId,
        memberName: cards.get(r.memberId)?.nickname ?? null,
        storeName: cards.get(r.memberId)?.storeName ?? null,
        cause: r.cause as ChurnCause,
        note: r.note,
        journeyId: r.journeyId,
        journeyName: r.journeyId ? (journeys.get(r.journeyId) ?? null) : null,
        enrolled: !!r.enrolled,
        recordedAt: iso(recordedAt),
        recordedBy: r.recordedBy ? (staff.get(r.recordedBy)?.name ?? null) : null,
        recoveredAt: iso(recovered),
        quieted: !!r.quieted,
      });
    }
    return out;
  }

  async cases(staff: StaffPrincipal, q: { page: number; pageSize: number }) {
    const store = this.storeScope(staff);
    if (store === 'none') return { items: [], total: 0, page: q.page, pageSize: q.pageSize, byCause: [] };
    const where = store === null ? {} : { storeId: store };
    const [rows, total] = await this.db.manager.findAndCount(ChurnCase, { where, order: { id: 'DESC' }, skip: (q.page - 1) * q.pageSize, take: q.pageSize });
    // recovered per cause: a case is recovered once the member did anything after it was recorded
    const counts: Array<{ cause: string; cases: string | number; recovered: string | number }> = await this.db.manager.query(
      `SELECT c.cause AS cause, COUNT(*) AS cases,
              SUM(CASE WHEN EXISTS (SELECT 1 FROM feedback_signal s WHERE s.member_id = c.member_id AND s.at > c.recorded_at AND s.kind <> 'message') THEN 1 ELSE 0 END) AS recovered
       FROM churn_case c ${store === null ? '' : 'WHERE c.store_id = ?'} GROUP BY c.cause`,
      store === null ? [] : [store],
    );
    const byCause = CHURN_CAUSES.map((cause) => {
      const c = counts.find((x) => x.cause === cause);
      const cases = Number(c?.cases ?? 0);
      const recovered = Number(c?.recovered ?? 0);
      return { cause, cases, recovered, rate: cases ? Math.round((recovered / cases) * 1000) / 1000 : 0 };
    });
    return { items: await this.caseViews(rows), total, page: q.page, pageSize: q.pageSize, byCause };
  }

  // ---------------------------------------------------------------- lost customers

  /**
   * A customer deleted the clerk (or the clerk the customer): an alert for the store manager now —
   * a row for the ops page, a sidebar task due in 15 minutes and a WeCom app message — with the
   * customer's last activities. Runs in the ContactLost delivery (once per event).
   */
  async contactLost(
    em: EntityManager,
    eventId: number,
    p: { externalUserId: string; staffUserId: string; reason: 'customer_deleted' | 'staff_deleted'; at: string },
  ): Promise<void> {
    const contact = await this.people.contact(p.externalUserId);
    const memberId = contact?.memberId ?? null;
    const clerk = await this.people.staffByUserId(p.staffUserId);
    const member = memberId ? await this.people.member(memberId) : null;
    const storeId = clerk?.storeId ?? member?.storeId ?? null;
    const activities = memberId ? (await this.timeline.timelineOf(memberId, 5)).map((a) => ({ at: iso(a.at), text: a.text })) : [];
    const at = new Date(p.at);
    try {
      await em.insert(LostAlert, {
        sourceKey: `evt:${eventId}`,
        externalUserId: p.externalUserId,
        memberId,
        staffUserId: p.staffUserId,
        storeId,
        reason: p.reason,
        lastActivities: activities,
        at: Number.isNaN(at.getTime()) ? new Date() : at,
      });
    } catch (err) {
      if (isUniqueViolation(err)) return;
      throw err;
    }
    if (!storeId) return;
    const name = contact?.name ?? (member ? await this.people.displayName(member.id, member.nickname) : '客户');
    const clerkName = clerk?.displayName ?? p.staffUserId;
    const what = p.reason === 'customer_deleted' ? `${name}删除了店员${clerkName}` : `店员${clerkName}删除了客户${name}`;
    const recent = activities.length
      ? `最近动态：${activities
          .slice(0, 3)
          .map((a) => a.text)
          .join('；')}`
      : '没有最近动态';
    const detail = `${what}。${recent}。请尽快了解原因，并在「反馈与流失」记录流失原因。`;
    const now = new Date();
    await this.journeys.openStaffTask(em, {
      idemKey: `lost:${eventId}`,
      assignee: 'store_manager',
      staffUserId: null,
      storeId,
      externalUserId: p.externalUserId,
      memberId,
      title: `客户流失：${name}`,
      detail,
      dueAt: new Date(now.getTime() + 15 * MINUTE),
      origin: '流失预警',
    });
    const managers = (await this.people.storeManagers(storeId)).map((s) => s.userid).filter((u): u is string => !!u);
    if (managers.length) {
      await enqueueOutbound(em, {
        idemKey: `lost:${eventId}:notify`,
        kind: APP_MESSAGE_KIND,
        payload: { toUsers: managers, text: `【客户流失提醒】${detail}` },
        ref: `lost:${eventId}`,
      });
      this.db.afterCommit(em, () => this.kick.kick());
    }
  }

  async lostAlerts(staff: StaffPrincipal, q: { page: number; pageSize: number }) {
    const store = this.storeScope(staff);
    if (store === 'none') return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    const [rows, total] = await this.db.manager.findAndCount(LostAlert, {
      where: store === null ? {} : { storeId: store },
      order: { id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    const stores = await this.people.storeNames(rows.map((r) => r.storeId));
    const items: LostAlertView[] = [];
    for (const r of rows) {
      const clerk = await this.people.staffByUserId(r.staffUserId);
      items.push({
        id: r.id,
        externalUserId: r.externalUserId,
        customerName: await this.people.contactName(r.externalUserId),
        memberId: r.memberId,
        staffName: clerk?.displayName ?? r.staffUserId,
        storeName: r.storeId ? (stores.get(r.storeId) ?? null) : null,
        reason: r.reason,
        lastActivities: r.lastActivities,
        at: iso(dbDate(r.at)),
      });
    }
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  async memberDeleted(em: EntityManager, memberId: number): Promise<void> {
    await em.delete(ChurnCase, { memberId });
    await em.update(LostAlert, { memberId }, { memberId: null, lastActivities: [] });
  }
}

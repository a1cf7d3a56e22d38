/**
 * Feedback: rating prompts and the 意见箱 (member side), sorting by the editable classifier, the
 * ops inbox (assign → answer → resolve → publish as 「你说我改」), topic heat and NPS; a negative
 * note from a high-value member opens a store-manager task due within the hour.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, IsNull, MoreThan, Not } from 'typeorm';
import type { ClassifierRule, FeedbackDetail, FeedbackView, MyFeedback, PublishedChange, Sentiment, Topic } from '../../../../contracts/feedback';
import { FEEDBACK_BOX_PAGE, FEEDBACK_RATE_PAGE, TOPIC_LABELS, TOPICS } from '../../../../contracts/feedback';
import { CLASS_NOTICE_PAGE } from '../../../../contracts/classes';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, dbDate, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { PrivacyExport } from '../../core/privacy';
import { MemberTimeline, TimelineRegistry, type TimelineItem } from '../../core/timeline';
import { JourneysPublic } from '../journeys/public';
import { UploadService } from '../uploads';
import { APP_MESSAGE_KIND, OutboundKick, enqueueOutbound } from '../wecom';
import { classify, DEFAULT_RULES } from './classifier';
import { FeedbackItem, FeedbackPrompt, FeedbackSettings, type FeedbackPhoto, type FeedbackSource } from './entities/feedback.entity';
import { People } from './people';
import { SignalRecorder } from './signals';
import { monthKey, weekKey } from '../../../../contracts/calendar';
import { beijingDateTime, FeedbackSubscribe } from './subscribe.service';

const DAY = 86_400_000;
const HOUR = 3600_000;
export const PROMPT_DAYS = 14;
const RATE_HINT = '点此一键评价，店长会看到';

/** Monday of the Beijing week of `d`, as YYYY-MM-DD. */
export function beijingWeek(d: Date): string {
  return weekKey(d);
}
export const beijingMonth = (d: Date) => monthKey(d);

export function npsOf(scores: number[]): { responses: number; promoters: number; passives: number; detractors: number; nps: number } {
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  const responses = scores.length;
  return {
    responses,
    promoters,
    passives: responses - promoters - detractors,
    detractors,
    nps: responses ? Math.round(((promoters - detractors) / responses) * 100) : 0,
  };
}

function photosOf(f: FeedbackItem): FeedbackPhoto[] {
  return Array.isArray(f.photos) ? f.photos : [];
}

export interface NewFeedback {
  sourceKey: string;
  memberId: number | null;
  storeId: number | null;
  source: FeedbackSource;
  title: string | null;
  rating: number | null;
  recommend: number | null;
  comment: string | null;
  photos?: FeedbackPhoto[] | null;
  at: Date;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class FeedbackService {
  @Inject()
  db!: Db;

  @Inject()
  people!: People;

  @Inject()
  journeys!: JourneysPublic;

  @Inject()
  timeline!: TimelineRegistry;

  @Inject()
  signals!: SignalRecorder;

  @Inject()
  kick!: OutboundKick;

  @Inject()
  uploads!: UploadService;

  @Inject()
  subscribe!: FeedbackSubscribe;

  // ---------------------------------------------------------------- settings

  async rules(em: EntityManager = this.db.manager): Promise<{ rules: ClassifierRule[]; isDefault: boolean }> {
    const s = await em.findOne(FeedbackSettings, { where: { id: 1 } });
    if (!s?.classifierRules) return { rules: DEFAULT_RULES, isDefault: true };
    return { rules: s.classifierRules, isDefault: false };
  }

  async saveSettings(em: EntityManager, patch: Partial<Pick<FeedbackSettings, 'classifierRules' | 'winback'>>): Promise<void> {
    const now = new Date();
    const r = await em.update(FeedbackSettings, { id: 1 }, { ...patch, updatedAt: now });
    if (!r.affected) {
      try {
        await em.insert(FeedbackSettings, { id: 1, classifierRules: null, winback: null, ...patch, updatedAt: now });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        await em.update(FeedbackSettings, { id: 1 }, { ...patch, updatedAt: now });
      }
    }
  }

  async updateRules(rules: ClassifierRule[], reclassify: boolean): Promise<{ rules: ClassifierRule[]; isDefault: boolean; reclassified: number }> {
    let reclassified = 0;
    await this.db.transaction(async (em) => {
      await this.saveSettings(em, { classifierRules: rules.length ? rules : null });
    });
    if (reclassify) {
      const current = (await this.rules()).rules;
      let after = 0;
      for (;;) {
        const rows = await this.db.manager.find(FeedbackItem, { where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: 500 });
        if (!rows.length) break;
        await this.db.transaction(async (em) => {
          for (const r of rows) {
            const c = classify(r.comment, r.rating, current);
            await em.update(FeedbackItem, { id: r.id }, { topics: c.topics.join(','), sentiment: c.sentiment, matched: c.matched.join(',').slice(0, 255) });
          }
        });
        reclassified += rows.length;
        after = rows[rows.length - 1].id;
      }
    }
    return { ...(await this.rules()), reclassified };
  }

  async tryRules(text: string, rating?: number) {
    return classify(text, rating ?? null, (await this.rules()).rules);
  }

  // ---------------------------------------------------------------- intake

  /**
   * Store one feedback (keyed: a second delivery of the same moment adds nothing) in the caller's
   * transaction; escalate a negative one from a high-value member. Returns the id (null = existed).
   */
  async intake(em: EntityManager, f: NewFeedback): Promise<number | null> {
    const c = classify(f.comment, f.rating, (await this.rules(em)).rules);
    let id: number;
    try {
      const r = await em.insert(FeedbackItem, {
        sourceKey: f.sourceKey,
        memberId: f.memberId,
        storeId: f.storeId,
        source: f.source,
        title: f.title?.slice(0, 80) ?? null,
        rating: f.rating,
        recommend: f.recommend,
        comment: f.comment,
        photos: f.photos ?? null,
        topics: c.topics.join(','),
        sentiment: c.sentiment,
        matched: c.matched.join(',').slice(0, 255),
        status: 'new',
        assigneeId: null,
        answer: null,
        answeredVia: null,
        answeredAt: null,
        resolvedAt: null,
        publishedSaid: null,
        publishedChanged: null,
        publishedAt: null,
        createdAt: f.at,
      });
      id = Number(r.identifiers[0].id);
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
    if (f.memberId) await this.signals.record(em, { memberId: f.memberId, kind: 'interaction', at: f.at, sourceKey: `feedback:${id}` });
    if (c.sentiment === 'negative' && f.memberId) await this.escalate(em, id, f, c.topics);
    return id;
  }

  /** Negative feedback from a high-value member: a store-manager task due within the hour, and an app message now. */
  private async escalate(em: EntityManager, id: number, f: NewFeedback, topics: Topic[]): Promise<void> {
    const m = await this.people.member(f.memberId!);
    if (!m || !(await this.people.isHighValue(m))) return;
    const storeId = f.storeId ?? m.storeId;
    if (!storeId) return;
    const now = new Date();
    const clerk = await this.people.clerkOf(m.id);
    const who = await this.people.displayName(m.id, m.nickname);
    const topicText = topics.map((t) => TOPIC_LABELS[t]).join('、') || '其他';
    const detail = `${who}（${m.tier}）${f.rating ? `打了${f.rating}星，` : ''}反馈「${(f.comment ?? '').slice(0, 120)}」（${topicText}）。请在1小时内联系客户，并在运营后台「反馈与流失」回复。`;
    if (clerk) {
      await this.journeys.openStaffTask(em, {
        idemKey: `feedback:${id}:manager`,
        assignee: 'store_manager',
        staffUserId: null,
        storeId,
        externalUserId: clerk.externalUserId,
        memberId: m.id,
        title: `高价值会员差评：${who}`,
        detail,
        dueAt: new Date(now.getTime() + HOUR),
        origin: '反馈跟进',
      });
    }
    const managers = (await this.people.storeManagers(storeId)).map((s) => s.userid).filter((u): u is string => !!u);
    if (managers.length) {
      await enqueueOutbound(em, {
        idemKey: `feedback:${id}:notify`,
        kind: APP_MESSAGE_KIND,
        payload: { toUsers: managers, text: `【差评提醒】${detail}` },
        ref: `feedback:${id}`,
      });
      this.db.afterCommit(em, () => this.kick.kick());
    }
  }

  /**
   * A rating prompt for a moment (pickup, receipt) the member may rate within PROMPT_DAYS, and its
   * 「评价提醒」 subscribe message when the member accepted one.
   */
  async openPrompt(
    em: EntityManager,
    p: { sourceKey: string; memberId: number; storeId: number | null; kind: 'pickup' | 'receipt'; title: string; at: Date },
  ): Promise<number | null> {
    const title = p.title.slice(0, 80);
    let id: number;
    try {
      const r = await em.insert(FeedbackPrompt, {
        sourceKey: p.sourceKey,
        memberId: p.memberId,
        storeId: p.storeId,
        kind: p.kind,
        title,
        createdAt: p.at,
        answeredAt: null,
      });
      id = Number(r.identifiers[0].id);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return null;
    }
    // only fresh moments: an imported old receipt gets its prompt in 意见箱 but no message
    if (Date.now() - p.at.getTime() < PROMPT_DAYS * DAY) {
      await this.subscribe.queue(em, {
        memberId: p.memberId,
        kind: 'rating',
        sourceKey: `prompt:${id}`,
        page: `${FEEDBACK_RATE_PAGE}?promptId=${id}&title=${encodeURIComponent(title)}`,
        fields: [title, beijingDateTime(p.at), RATE_HINT],
        dueAt: new Date(),
      });
    }
    return id;
  }

  /** After a class: the 「评价提醒」 opens the class's own rating form (classes module), sent once the session ended. */
  async promptClassRating(em: EntityManager, p: { registrationId: number; memberId: number; classTitle: string | null; endsAt: Date }): Promise<void> {
    await this.subscribe.queue(em, {
      memberId: p.memberId,
      kind: 'rating',
      sourceKey: `class:${p.registrationId}`,
      page: `${CLASS_NOTICE_PAGE}?registrationId=${p.registrationId}`,
      fields: [p.classTitle ? `课程：${p.classTitle}` : '课程评价', beijingDateTime(p.endsAt), RATE_HINT],
      dueAt: p.endsAt,
    });
  }

  // ---------------------------------------------------------------- member side

  async prompts(memberId: number, now = new Date()) {
    const rows = await this.db.manager.find(FeedbackPrompt, {
      where: { memberId, answeredAt: IsNull(), createdAt: MoreThan(new Date(now.getTime() - PROMPT_DAYS * DAY)) },
      order: { id: 'DESC' },
      take: 10,
    });
    return { items: rows.map((p) => ({ id: p.id, kind: p.kind, title: p.title, createdAt: iso(p.createdAt) })) };
  }

  private mine(f: FeedbackItem): MyFeedback {
    return {
      id: f.id,
      source: f.source,
      title: f.title,
      rating: f.rating,
      comment: f.comment,
      photos: photosOf(f),
      status: f.status,
      answer: f.answer,
      answeredAt: iso(f.answeredAt),
      createdAt: iso(f.createdAt),
    };
  }

  async submit(
    memberId: number,
    body: { promptId?: number; rating?: number; recommend?: number; comment?: string; photoIds?: number[] },
    now = new Date(),
  ): Promise<MyFeedback> {
    const m = await this.people.member(memberId);
    if (!m) throw new AppError('NOT_FOUND');
    // photos: the member's own uploads only (the upload route already applied type, size and quota)
    let photos: FeedbackPhoto[] | null = null;
    if (body.photoIds?.length) {
      const ids = [...new Set(body.photoIds)];
      const imgs = await this.uploads.imagesOf({ type: 'member', id: memberId }, ids);
      if (imgs.size !== ids.length) throw new AppError('FEEDBACK_PHOTO_NOT_FOUND');
      photos = ids.map((id) => imgs.get(id)!).map((u) => ({ url: this.uploads.fileUrl(u.name), thumbUrl: this.uploads.fileUrl(u.thumbName ?? u.name) }));
    }
    const id = await this.db.transaction(async (em) => {
      if (body.promptId) {
        const p = await em.findOne(FeedbackPrompt, { where: { id: body.promptId, memberId } });
        if (!p) throw new AppError('NOT_FOUND');
        const r = await em.update(FeedbackPrompt, { id: p.id, answeredAt: IsNull() }, { answeredAt: now });
        if (!r.affected) throw new AppError('FEEDBACK_ALREADY_GIVEN');
        const created = await this.intake(em, {
          sourceKey: `prompt:${p.id}`,
          memberId,
          storeId: p.storeId ?? m.storeId,
          source: p.kind,
          title: p.title,
          rating: body.rating ?? null,
          recommend: body.recommend ?? null,
          comment: body.comment || null,
          photos,
          at: now,
        });
        if (!created) throw new AppError('FEEDBACK_ALREADY_GIVEN');
        return created;
      }
      const created = await this.intake(em, {
        sourceKey: `box:${memberId}:${now.getTime()}`,
        memberId,
        storeId: m.storeId,
        source: 'box',
        title: '意见箱',
        rating: body.rating ?? null,
        recommend: body.recommend ?? null,
        comment: body.comment || null,
        photos,
        at: now,
      });
      if (!created) throw new AppError('CONFLICT', '刚刚已提交，请稍后再试');
      return created;
    });
    return this.mine(await this.db.manager.findOneByOrFail(FeedbackItem, { id }));
  }

  async myFeedback(memberId: number) {
    const rows = await this.db.manager.find(FeedbackItem, { where: { memberId }, order: { id: 'DESC' }, take: 50 });
    return { items: rows.map((f) => this.mine(f)) };
  }

  async changes(q: { page: number; pageSize: number }) {
    const [rows, total] = await this.db.manager.findAndCount(FeedbackItem, {
      where: { publishedAt: Not(IsNull()) },
      order: { publishedAt: 'DESC', id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    const stores = await this.people.storeNames(rows.map((r) => r.storeId));
    const items: PublishedChange[] = rows.map((r) => ({
      id: r.id,
      storeName: r.storeId ? (stores.get(r.storeId) ?? null) : null,
      topic: (r.topics.split(',').find((t) => (TOPICS as readonly string[]).includes(t)) as Topic | undefined) ?? null,
      said: r.publishedSaid ?? '',
      changed: r.publishedChanged ?? '',
      publishedAt: iso(r.publishedAt)!,
    }));
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  // ---------------------------------------------------------------- ops inbox

  /** Store managers see their store only; HQ everything (optionally one store). */
  private scopeStore(staff: StaffPrincipal, storeId?: number): number | null | 'none' {
    if (staff.role === 'hq_admin') return storeId ?? null;
    if (staff.storeId === null) return 'none';
    if (storeId && storeId !== staff.storeId) return 'none';
    return staff.storeId;
  }

  private async views(rows: FeedbackItem[]): Promise<FeedbackView[]> {
    const members = await this.people.memberCards(rows.map((r) => r.memberId));
    const stores = await this.people.storeNames(rows.map((r) => r.storeId));
    const staff = await this.people.staff(rows.map((r) => r.assigneeId));
    const names = new Map<number, string>();
    for (const m of members.values()) names.set(m.id, await this.people.displayName(m.id, m.nickname));
    return rows.map((r) => {
      const m = r.memberId ? members.get(r.memberId) : undefined;
      return {
        id: r.id,
        memberId: r.memberId,
        memberName: m ? (names.get(m.id) ?? null) : null,
        memberTier: m?.tier ?? null,
        storeId: r.storeId,
        storeName: r.storeId ? (stores.get(r.storeId) ?? null) : null,
        source: r.source,
        title: r.title,
        rating: r.rating,
        recommend: r.recommend,
        comment: r.comment,
        photos: photosOf(r),
        topics: r.topics ? (r.topics.split(',') as Topic[]) : [],
        sentiment: r.sentiment,
        matched: r.matched ? r.matched.split(',') : [],
        status: r.status,
        assigneeId: r.assigneeId,
        assigneeName: r.assigneeId ? (staff.get(r.assigneeId)?.name ?? null) : null,
        answer: r.answer,
        answeredVia: r.answeredVia,
        answeredAt: iso(r.answeredAt),
        resolvedAt: iso(r.resolvedAt),
        published: !!r.publishedAt,
        createdAt: iso(r.createdAt),
      };
    });
  }

  async list(staff: StaffPrincipal, q: { page: number; pageSize: number; status?: string; topic?: Topic; sentiment?: Sentiment; storeId?: number }) {
    const store = this.scopeStore(staff, q.storeId);
    if (store === 'none') return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    const qb = this.db.manager.createQueryBuilder(FeedbackItem, 'f');
    if (store !== null) qb.andWhere('f.store_id = :store', { store });
    if (q.status) qb.andWhere('f.status = :status', { status: q.status });
    if (q.sentiment) qb.andWhere('f.sentiment = :sentiment', { sentiment: q.sentiment });
    // topics is a short comma list of fixed words: a LIKE on the word is exact enough
    if (q.topic) qb.andWhere('f.topics LIKE :topic', { topic: `%${q.topic}%` });
    const [rows, total] = await qb
      .orderBy('f.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: await this.views(rows), total, page: q.page, pageSize: q.pageSize };
  }

  private async find(staff: StaffPrincipal, id: number): Promise<FeedbackItem> {
    const f = await this.db.manager.findOne(FeedbackItem, { where: { id } });
    if (!f) throw new AppError('NOT_FOUND');
    if (staff.role !== 'hq_admin' && (staff.storeId === null || f.storeId !== staff.storeId)) throw new AppError('NOT_FOUND');
    return f;
  }

  async detail(staff: StaffPrincipal, id: number): Promise<FeedbackDetail> {
    const f = await this.find(staff, id);
    const [view] = await this.views([f]);
    const history = f.memberId
      ? await this.db.manager.find(FeedbackItem, { where: { memberId: f.memberId, id: Not(f.id) }, order: { id: 'DESC' }, take: 10 })
      : [];
    const historyViews = await this.views(history);
    const activity: TimelineItem[] = f.memberId ? await this.timeline.timelineOf(f.memberId, 10) : [];
    const assignable = f.storeId ? await this.people.staffOfStore(f.storeId) : [];
    const clerk = f.memberId ? await this.people.clerkOf(f.memberId) : null;
    return {
      ...view,
      history: historyViews.map((h) => ({
        id: h.id,
        source: h.source,
        rating: h.rating,
        comment: h.comment,
        sentiment: h.sentiment,
        topics: h.topics,
        createdAt: h.createdAt,
      })),
      activity: activity.map((a) => ({ at: iso(a.at), text: a.text, kind: a.kind })),
      assignable: assignable.map((s) => ({ id: s.id, name: s.name, role: s.role })),
      clerk: clerk ? { name: clerk.name, userId: clerk.userId } : null,
    };
  }

  async assign(staff: StaffPrincipal, id: number, staffId: number): Promise<FeedbackDetail> {
    const f = await this.find(staff, id);
    const target = (await this.people.staff([staffId])).get(staffId);
    if (!target || (f.storeId !== null && target.storeId !== f.storeId && target.role !== 'hq_admin')) {
      throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'staffId', message: '只能分派给本店员工' }]);
    }
    await this.db.transaction(async (em) => {
      await em.update(FeedbackItem, { id }, { assigneeId: staffId, status: f.status === 'new' ? 'assigned' : f.status });
      if (target.wecomUserId) {
        await enqueueOutbound(em, {
          idemKey: `feedback:${id}:assign:${staffId}`,
          kind: APP_MESSAGE_KIND,
          payload: {
            toUsers: [target.wecomUserId],
            text: `【反馈分派】你有一条会员反馈待处理：「${(f.comment ?? f.title ?? '').slice(0, 80)}」，请在运营后台「反馈与流失」查看。`,
          },
          ref: `feedback:${id}`,
        });
        this.db.afterCommit(em, () => this.kick.kick());
      }
    });
    return this.detail(staff, id);
  }

  /**
   * The answer is stored (the member reads it in 我的反馈). Through the clerk: a private message
   * (add_msg_template, the clerk confirms it in WeCom) from the member's clerk, via the outbox.
   */
  async answer(staff: StaffPrincipal, id: number, text: string, via: 'clerk' | 'miniprogram'): Promise<FeedbackDetail> {
    const f = await this.find(staff, id);
    const clerk = via === 'clerk' && f.memberId ? await this.people.clerkOf(f.memberId) : null;
    if (via === 'clerk' && !clerk) throw new AppError('FEEDBACK_NOT_ANSWERABLE');
    const now = new Date();
    await this.db.transaction(async (em) => {
      await em.update(FeedbackItem, { id }, { answer: text, answeredVia: via, answeredAt: now, status: f.status === 'resolved' ? 'resolved' : 'answered' });
      // the member's 「反馈回复通知」 when accepted (the first answer to a note; 我的反馈 shows later edits)
      if (f.memberId) {
        await this.subscribe.queue(
          em,
          {
            memberId: f.memberId,
            kind: 'answer',
            sourceKey: `answer:${id}`,
            page: `${FEEDBACK_BOX_PAGE}?feedbackId=${id}`,
            fields: [f.comment || f.title || '你的反馈', text, beijingDateTime(now)],
            dueAt: now,
          },
          now,
        );
      }
      if (clerk) {
        await enqueueOutbound(em, {
          idemKey: `feedback:${id}:answer:${now.getTime()}`,
          kind: 'msg_template',
          payload: { sender: clerk.userId, externalUserIds: [clerk.externalUserId], text: `关于您的反馈：${text}`, attachments: [] },
          ref: `feedback:${id}`,
        });
        this.db.afterCommit(em, () => this.kick.kick());
      }
    });
    return this.detail(staff, id);
  }

  async resolve(staff: StaffPrincipal, id: number): Promise<FeedbackDetail> {
    await this.find(staff, id);
    await this.db.transaction((em) => em.update(FeedbackItem, { id, resolvedAt: IsNull() }, { status: 'resolved', resolvedAt: new Date() }));
    return this.detail(staff, id);
  }

  async publish(staff: StaffPrincipal, id: number, said: string, changed: string): Promise<FeedbackDetail> {
    const f = await this.find(staff, id);
    if (f.status !== 'answered' && f.status !== 'resolved') throw new AppError('FEEDBACK_NOT_RESOLVED');
    await this.db.transaction((em) =>
      em.update(FeedbackItem, { id }, { publishedSaid: said, publishedChanged: changed, publishedAt: f.publishedAt ?? new Date() }),
    );
    return this.detail(staff, id);
  }

  // ---------------------------------------------------------------- insights

  async insights(staff: StaffPrincipal, weeks: number, now = new Date()) {
    const store = this.scopeStore(staff);
    if (store === 'none') return { heat: [], nps: [] };
    const since = new Date(Math.min(now.getTime() - weeks * 7 * DAY, now.getTime() - 183 * DAY));
    const where: Record<string, unknown> = { createdAt: MoreThan(since) };
    if (store !== null) where.storeId = store;
    const rows = await this.db.manager.find(FeedbackItem, {
      where,
      select: { id: true, storeId: true, topics: true, sentiment: true, recommend: true, createdAt: true },
    });
    const stores = await this.people.storeNames(rows.map((r) => r.storeId));
    const heatSince = beijingWeek(new Date(now.getTime() - (weeks - 1) * 7 * DAY));
    const heat = new Map<string, { storeId: number | null; week: string; topic: Topic; count: number; negative: number }>();
    const nps = new Map<string, { storeId: number | null; month: string; scores: number[] }>();
    for (const r of rows) {
      const at = dbDate(r.createdAt);
      const week = beijingWeek(at);
      if (week >= heatSince) {
        for (const t of r.topics ? (r.topics.split(',') as Topic[]) : []) {
          const key = `${r.storeId}|${week}|${t}`;
          const h = heat.get(key) ?? { storeId: r.storeId, week, topic: t, count: 0, negative: 0 };
          h.count++;
          if (r.sentiment === 'negative') h.negative++;
          heat.set(key, h);
        }
      }
      if (r.recommend !== null && r.recommend !== undefined) {
        const month = beijingMonth(at);
        const key = `${r.storeId}|${month}`;
        const n = nps.get(key) ?? { storeId: r.storeId, month, scores: [] };
        n.scores.push(r.recommend);
        nps.set(key, n);
      }
    }
    const name = (id: number | null) => (id ? (stores.get(id) ?? null) : null);
    return {
      heat: [...heat.values()]
        .sort((a, b) => a.week.localeCompare(b.week) || a.topic.localeCompare(b.topic))
        .map((h) => ({ ...h, storeName: name(h.storeId) })),
      nps: [...nps.values()]
        .sort((a, b) => a.month.localeCompare(b.month))
        .map((n) => ({ storeId: n.storeId, storeName: name(n.storeId), month: n.month, ...npsOf(n.scores) })),
    };
  }

  // ---------------------------------------------------------------- privacy, timeline

  @PrivacyExport('feedback')
  async exportFor(memberId: number): Promise<Array<Record<string, unknown>>> {
    const rows = await this.db.manager.find(FeedbackItem, { where: { memberId }, order: { id: 'ASC' } });
    return rows.map((f) => ({
      type: 'feedback',
      source: f.source,
      title: f.title,
      rating: f.rating,
      recommend: f.recommend,
      comment: f.comment,
      answer: f.answer,
      createdAt: iso(f.createdAt),
    }));
  }

  @MemberTimeline('feedback')
  async timelineFor(memberId: number, limit: number): Promise<TimelineItem[]> {
    const rows = await this.db.manager.find(FeedbackItem, { where: { memberId }, order: { id: 'DESC' }, take: limit });
    return rows.map((f) => ({
      at: dbDate(f.createdAt),
      text: `${f.rating ? `评价${f.rating}星` : '提交意见'}${f.title ? `（${f.title}）` : ''}${f.comment ? `：${f.comment.slice(0, 40)}` : ''}`,
      kind: 'feedback',
    }));
  }

  /** Account deletion: the member's notes are anonymised (kept for the store's statistics, text erased unless published). */
  async memberDeleted(em: EntityManager, memberId: number): Promise<void> {
    await em.update(FeedbackItem, { memberId, publishedAt: IsNull() }, { memberId: null, comment: null, answer: null, photos: null });
    await em.update(FeedbackItem, { memberId }, { memberId: null, comment: null, photos: null });
    await em.delete(FeedbackPrompt, { memberId });
    await this.subscribe.memberDeleted(em, memberId);
  }
}

/**
 * The 概览 dashboard: scope by role, facts from the read models, figures by the pure functions in
 * figures.ts / roi.ts, snapshots as the refreshed read model (the job keeps the default period of
 * every store and the chain fresh; any other range is computed on demand and stored), drill-down
 * segments with an Excel export, and the settings ops set. Other modules are reached only through
 * their public read services (identity's roster and store directory).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { DRILL_LABELS, type InsightSettings as SettingsDto, type SavedSegment, type Overview, type PeriodQuery } from '../../../../contracts/insight';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { parseJsonText } from '../../core/json-column';
import { EventBus } from '../../core/events/event-bus';
import { MemberService, OrgService } from '../identity';
import { JourneysPublic } from '../journeys/public';
import './events';
import { DAY_MS, DEFAULT_SETTINGS, type DrillFigure, type InsightSettings, type Period, previousPeriod, shanghaiDay } from './figures';
import { FigureQueries, type Grouping, groupingOf } from './aggregate';
import { InsightMember, InsightRoiMonth, InsightSegment, InsightSegmentMember, InsightSettingsRow, InsightSnapshot } from './entities/insight.entity';
import { WINDOW_DAYS } from './roi';
import { dayStartOfKey, monthDayStart, monthOf } from '../../../../contracts/calendar';

/** A snapshot younger than this is served as is. */
export const SNAPSHOT_FRESH_MS = 10 * 60_000;
/** The dashboard's default period: the last 30 Shanghai days including today. */
export const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;
/** Members kept in a saved segment (as many as the Excel export). */
const SEGMENT_MAX = 10_000;

export interface InsightScope {
  key: string;
  label: string;
  storeId?: number;
  ownerId?: number;
}

export const dayStart = dayStartOfKey;

/** The `count` Shanghai calendar months before `at`'s month, oldest first: key and [from, to). */
export function roiMonthsBefore(at: Date, count: number): Array<{ month: string; from: Date; to: Date }> {
  const months = [];
  for (let back = count; back >= 1; back--) {
    const { key, start, end } = monthOf(monthDayStart(at, 1, -back));
    months.push({ month: key, from: start, to: end });
  }
  return months;
}

/** A scope's value of its grouping column (store id, owner staff id; 0 for the chain). */
const groupKey = (s: InsightScope): number => s.storeId ?? s.ownerId ?? 0;

/** [from, to) of an inclusive range of Shanghai days. */
export function periodOf(from: string, to: string): Period {
  const p = { from: dayStart(from), to: new Date(dayStart(to).getTime() + DAY_MS) };
  if (Number.isNaN(p.from.getTime()) || Number.isNaN(p.to.getTime()) || p.to <= p.from) throw new AppError('VALIDATION_FAILED', '结束日期不能早于开始日期');
  if (p.to.getTime() - p.from.getTime() > MAX_DAYS * DAY_MS) throw new AppError('VALIDATION_FAILED', '时间范围最长一年');
  return p;
}

export function defaultPeriodDays(now: Date): { from: string; to: string } {
  const to = shanghaiDay(now);
  return { from: shanghaiDay(new Date(dayStart(to).getTime() - (DEFAULT_DAYS - 1) * DAY_MS)), to };
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class InsightService {
  @Inject()
  db!: Db;

  @Inject()
  identity!: MemberService;

  @Inject()
  org!: OrgService;

  @Inject()
  journeys!: JourneysPublic;

  @Inject()
  events!: EventBus;

  // ---- roster (identity's public read) ----

  private lastRosterSync = 0;

  /** On-demand figures see members added outside events (demo seed, imports) within a minute. */
  private async rosterFresh(now = Date.now()): Promise<void> {
    if (now - this.lastRosterSync < 60_000) return;
    await this.syncRoster();
  }

  /** Bring household, group owner and join time of every member in from identity's roster. */
  async syncRoster(): Promise<number> {
    this.lastRosterSync = Date.now();
    let after = 0;
    let changed = 0;
    for (;;) {
      const page = await this.identity.rosterPage(after, 1000);
      if (!page.length) break;
      after = page[page.length - 1].id;
      const known = new Map((await this.db.manager.find(InsightMember, { where: { memberId: In(page.map((r) => r.id)) } })).map((m) => [m.memberId, m]));
      const fresh: InsightMember[] = [];
      for (const r of page) {
        const row = {
          memberId: r.id,
          storeId: r.storeId,
          householdId: r.householdId,
          householdKind: r.householdKind,
          ownerStaffId: r.groupOwnerStaffId,
          registeredAt: r.createdAt,
        } as InsightMember;
        const k = known.get(r.id);
        if (!k) fresh.push(row);
        else if (
          k.storeId !== row.storeId ||
          k.householdId !== row.householdId ||
          k.householdKind !== row.householdKind ||
          k.ownerStaffId !== row.ownerStaffId ||
          k.registeredAt.getTime() !== row.registeredAt.getTime()
        ) {
          await this.db.manager.update(InsightMember, { memberId: r.id }, row);
          changed++;
        }
      }
      for (let i = 0; i < fresh.length; i += 200) {
        try {
          await this.db.manager
            .createQueryBuilder()
            .insert()
            .into(InsightMember)
            .values(fresh.slice(i, i + 200))
            .updateEntity(false)
            .execute();
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          // a MemberRegistered landed meanwhile: row by row, the roster's values win
          for (const row of fresh.slice(i, i + 200)) {
            const r = await this.db.manager.update(InsightMember, { memberId: row.memberId }, row);
            if (!r.affected) {
              await this.db.manager.insert(InsightMember, row).catch((e: unknown) => {
                if (!isUniqueViolation(e)) throw e;
              });
            }
          }
        }
      }
      changed += fresh.length;
    }
    return changed;
  }

  // ---- settings ----

  async settings(): Promise<InsightSettings> {
    const row = await this.db.manager.findOne(InsightSettingsRow, { where: { id: 1 } });
    return row ? { ...DEFAULT_SETTINGS, ...parseJsonText<Partial<InsightSettings>>(row.body, {}) } : DEFAULT_SETTINGS;
  }

  async saveSettings(s: SettingsDto, now = new Date()): Promise<InsightSettings> {
    const body = JSON.stringify(s);
    const done = await this.db.manager.update(InsightSettingsRow, { id: 1 }, { body, updatedAt: now });
    if (!done.affected) {
      try {
        await this.db.manager.insert(InsightSettingsRow, { id: 1, body, updatedAt: now });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        await this.db.manager.update(InsightSettingsRow, { id: 1 }, { body, updatedAt: now });
      }
    }
    return this.settings();
  }

  // ---- scope and facts ----

  async scopeOf(staff: StaffPrincipal, storeId?: number): Promise<InsightScope> {
    const stores = await this.org.storeDirectory();
    const name = (id: number) => stores.find((s) => s.id === id)?.name ?? `门店 ${id}`;
    switch (staff.role) {
      case 'hq_admin':
        if (storeId) {
          if (!stores.some((s) => s.id === storeId)) throw new AppError('NOT_FOUND', '门店不存在');
          return { key: `store:${storeId}`, label: name(storeId), storeId };
        }
        return { key: 'chain', label: '全部门店' };
      case 'store_manager':
        if (!staff.storeId) throw new AppError('FORBIDDEN', '账号未分配门店');
        if (storeId && storeId !== staff.storeId) throw new AppError('FORBIDDEN', '只能查看本店数据');
        return { key: `store:${staff.storeId}`, label: name(staff.storeId), storeId: staff.storeId };
      case 'group_owner':
        return { key: `owner:${staff.staffId}`, label: '我的群成员', ownerId: staff.staffId };
      default:
        throw new AppError('FORBIDDEN');
    }
  }

  private scopeFromKey(key: string, label: string): InsightScope {
    const [kind, id] = key.split(':');
    if (kind === 'store') return { key, label, storeId: Number(id) };
    if (kind === 'owner') return { key, label, ownerId: Number(id) };
    return { key: 'chain', label };
  }

  /** Σ target households (within each store's radius) per group value: the chain's active stores, a store's own; none for group owners. */
  private async targetsOf(grouping: Grouping): Promise<(key: number) => number | null> {
    if (grouping.dim === 'owner') return () => null;
    const stores = await this.org.storeDirectory();
    if (grouping.dim === 'store') return (id) => stores.find((s) => s.id === id)?.targetHouseholds ?? null;
    const set = stores.filter((s) => s.active && s.targetHouseholds);
    const sum = set.length ? set.reduce((n, s) => n + (s.targetHouseholds ?? 0), 0) : null;
    return () => sum;
  }

  /** Set-based queries (aggregate.ts) over the read models, grouped by a scope column. */
  async grouped(grouping: Grouping, shared?: Map<string, Promise<Array<Record<string, unknown>>>>): Promise<FigureQueries> {
    return new FigureQueries(this.db.manager, grouping, await this.targetsOf(grouping), shared);
  }

  /** One scope's queries. */
  async queries(scope: InsightScope): Promise<FigureQueries> {
    return this.grouped(groupingOf(scope));
  }

  // ---- figures ----

  async compute(scope: InsightScope, fromDay: string, toDay: string, now = new Date()): Promise<Overview> {
    const [overview] = await this.computeMany(groupingOf(scope), [scope], fromDay, toDay, now);
    return overview;
  }

  /**
   * The overviews of every scope of one grouping (the chain, all stores, all group owners) at
   * once: each figure is one statement grouped by the scope column, not one per scope.
   */
  private async computeMany(
    grouping: Grouping,
    scopes: InsightScope[],
    fromDay: string,
    toDay: string,
    now: Date,
    shared?: Map<string, Promise<Array<Record<string, unknown>>>>,
  ): Promise<Overview[]> {
    const p = periodOf(fromDay, toDay);
    const prev = previousPeriod(p);
    const [q, settings, stores] = await Promise.all([this.grouped(grouping, shared), this.settings(), this.org.storeDirectory()]);
    // the families are independent statements: on their own pool connections at once (the database
    // uses more than one core; each family's statements still run one after another)
    const [figures, previous, classes, contests, series] = await Promise.all([
      q.figuresAll(p, settings),
      q.figuresAll(prev, settings),
      q.roiAll(p, ['checkin']),
      q.roiAll(p, ['entry', 'vote']),
      q.seriesAll(p),
    ]);
    const out: Overview[] = [];
    for (const scope of scopes) {
      const k = groupKey(scope);
      const overview: Overview = {
        scope: scope.key,
        scopeLabel: scope.label,
        from: fromDay,
        to: toDay,
        previousFrom: shanghaiDay(prev.from),
        previousTo: shanghaiDay(new Date(prev.to.getTime() - DAY_MS)),
        figures: figures.get(k)!,
        previous: previous.get(k)!,
        roi: { classes: classes.get(k)!, contests: contests.get(k)! },
        series: series.get(k)!,
        computedAt: iso(now),
        stores: stores.filter((s) => s.active && (!scope.storeId || s.id === scope.storeId) && !scope.ownerId).map((s) => ({ id: s.id, name: s.name })),
      };
      await this.store(scope.key, fromDay, toDay, overview, now);
      out.push(overview);
    }
    return out;
  }

  private async store(scope: string, from: string, to: string, overview: Overview, now: Date): Promise<void> {
    const body = JSON.stringify(overview);
    const done = await this.db.manager.update(InsightSnapshot, { scope, periodFrom: from, periodTo: to }, { body, computedAt: now });
    if (done.affected) return;
    try {
      await this.db.manager.insert(InsightSnapshot, { scope, periodFrom: from, periodTo: to, body, computedAt: now });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err; // another runner stored the same period
    }
  }

  /** The dashboard read: the refreshed snapshot when fresh, else computed now (and stored). */
  async overview(staff: StaffPrincipal, q: PeriodQuery, now = new Date()): Promise<Overview> {
    periodOf(q.from, q.to);
    const scope = await this.scopeOf(staff, q.storeId);
    const snap = await this.db.manager.findOne(InsightSnapshot, { where: { scope: scope.key, periodFrom: q.from, periodTo: q.to } });
    const cached = snap && now.getTime() - snap.computedAt.getTime() < SNAPSHOT_FRESH_MS ? parseJsonText<Overview | null>(snap.body, null) : null;
    if (cached) return { ...cached, scopeLabel: scope.label }; // an unreadable snapshot is recomputed
    await this.rosterFresh();
    return this.compute(scope, q.from, q.to, now);
  }

  async refreshFor(staff: StaffPrincipal, q: PeriodQuery, now = new Date()): Promise<Overview> {
    await this.rosterFresh();
    return this.compute(await this.scopeOf(staff, q.storeId), q.from, q.to, now);
  }

  /** The job: roster, then the default period of the chain, every store and every group owner with members. */
  async refreshAll(now = new Date(), renew?: () => Promise<boolean>): Promise<{ scopes: number }> {
    await this.syncRoster();
    const { from, to } = defaultPeriodDays(now);
    const stores = (await this.org.storeDirectory()).filter((s) => s.active);
    const owners: Array<{ o: number | string }> = await this.db.manager.query(
      'SELECT DISTINCT owner_staff_id AS o FROM insight_member WHERE owner_staff_id IS NOT NULL',
    );
    const storeScopes: InsightScope[] = stores.map((s) => ({ key: `store:${s.id}`, label: s.name, storeId: s.id }));
    const ownerScopes = owners.map((r) => this.scopeFromKey(`owner:${Number(r.o)}`, '我的群成员'));
    const passes: Array<[Grouping, InsightScope[]]> = [
      [{ dim: 'chain', keys: [0] }, [{ key: 'chain', label: '全部门店' }]],
      [{ dim: 'store', keys: storeScopes.map(groupKey) }, storeScopes],
      [{ dim: 'owner', keys: ownerScopes.map(groupKey) }, ownerScopes],
    ];
    let scopes = 0;
    const shared = new Map<string, Promise<Array<Record<string, unknown>>>>();
    for (const [grouping, list] of passes) {
      if (!list.length) continue;
      await this.computeMany(grouping, list, from, to, now, shared);
      scopes += list.length;
      if (renew && !(await renew())) break;
    }
    return { scopes };
  }

  // ---- the ROI board's monthly history ----

  /** The ROI board of the `count` calendar months before `now`'s month, for the chain and every active store. */
  async storeRoiMonths(now: Date, count: number, renew?: () => Promise<boolean>): Promise<{ months: number }> {
    const stores = (await this.org.storeDirectory()).filter((s) => s.active);
    const storeScopes: InsightScope[] = stores.map((s) => ({ key: `store:${s.id}`, label: s.name, storeId: s.id }));
    const passes: Array<[Grouping, InsightScope[]]> = [
      [{ dim: 'chain', keys: [0] }, [{ key: 'chain', label: '全部门店' }]],
      [{ dim: 'store', keys: storeScopes.map(groupKey) }, storeScopes],
    ];
    let stored = 0;
    const shared = new Map<string, Promise<Array<Record<string, unknown>>>>();
    for (const { month, ...p } of roiMonthsBefore(now, count)) {
      for (const [grouping, list] of passes) {
        if (!list.length) continue;
        const q = await this.grouped(grouping, shared);
        const [classes, contests] = await Promise.all([q.roiAll(p, ['checkin']), q.roiAll(p, ['entry', 'vote'])]);
        for (const scope of list) {
          const k = groupKey(scope);
          const body = JSON.stringify({ classes: classes.get(k), contests: contests.get(k) });
          const done = await this.db.manager.update(InsightRoiMonth, { scope: scope.key, month }, { body, computedAt: now });
          if (!done.affected) {
            try {
              await this.db.manager.insert(InsightRoiMonth, { scope: scope.key, month, body, computedAt: now });
            } catch (err) {
              if (!isUniqueViolation(err)) throw err;
            }
          }
          stored++;
        }
      }
      if (renew && !(await renew())) break;
    }
    return { months: stored };
  }

  async roiMonths(staff: StaffPrincipal, storeId?: number) {
    const scope = await this.scopeOf(staff, storeId);
    const rows = await this.db.manager.find(InsightRoiMonth, { where: { scope: scope.key }, order: { month: 'DESC' }, take: 24 });
    return {
      // a month whose stored text cannot be read is left out (the next refresh writes it again)
      items: rows.flatMap((r) => {
        const body = parseJsonText<Pick<Overview, 'roi'>['roi'] | null>(r.body, null);
        if (!body) return [];
        return {
          month: r.month,
          ...body,
          computedAt: iso(r.computedAt),
          final: r.computedAt.getTime() >= dayStart(`${r.month}-01`).getTime() + WINDOW_DAYS * DAY_MS,
        };
      }),
    };
  }

  // ---- drill-down ----

  async segmentIds(staff: StaffPrincipal, q: PeriodQuery & { figure: DrillFigure }): Promise<number[]> {
    const scope = await this.scopeOf(staff, q.storeId);
    const p = periodOf(q.from, q.to);
    await this.rosterFresh();
    return (await this.queries(scope)).drill(p, q.figure);
  }

  async segment(staff: StaffPrincipal, q: PeriodQuery & { figure: DrillFigure }) {
    const ids = await this.segmentIds(staff, q);
    const members = await this.identity.findActiveWithRelations(ids.slice(0, 200));
    members.sort((a, b) => a.id - b.id);
    return {
      figure: q.figure,
      label: DRILL_LABELS[q.figure],
      total: ids.length,
      items: members.map((m) => ({ id: m.id, nickname: m.nickname, storeName: m.store?.name ?? null, householdName: m.household?.name ?? null, tier: m.tier })),
    };
  }

  async exportSegment(
    staff: StaffPrincipal,
    q: PeriodQuery & { figure: DrillFigure },
    now = new Date(),
  ): Promise<{ filename: string; body: Buffer; rows: number }> {
    const ids = (await this.segmentIds(staff, q)).slice(0, 10_000);
    const body = await this.workbook(DRILL_LABELS[q.figure], ids, now);
    return { filename: `${DRILL_LABELS[q.figure]}-${q.from}至${q.to}.xlsx`, body: body.body, rows: body.rows };
  }

  /** Members (ascending ids, at most 10,000) as one worksheet. */
  private async workbook(sheet: string, ids: number[], now: Date): Promise<{ body: Buffer; rows: number }> {
    // exceljs is loaded on the first export, not at every start (~0.8 s of CPU per start)
    const { Workbook } = await import('exceljs');
    const wb = new Workbook();
    wb.creator = '社区私域中枢';
    wb.created = now;
    const ws = wb.addWorksheet(sheet.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31));
    ws.columns = [
      { header: '会员编号', key: 'id', width: 10 },
      { header: '昵称', key: 'nickname', width: 16 },
      { header: '等级', key: 'tier', width: 8 },
      { header: '门店', key: 'store', width: 12 },
      { header: '家庭', key: 'household', width: 14 },
    ];
    ws.getRow(1).font = { bold: true };
    let rows = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const part = (await this.identity.findActiveWithRelations(ids.slice(i, i + 500))).sort((a, b) => a.id - b.id);
      for (const m of part) {
        ws.addRow({ id: m.id, nickname: m.nickname ?? '未设置昵称', tier: m.tier, store: m.store?.name ?? '', household: m.household?.name ?? '' });
        rows++;
      }
    }
    return { body: Buffer.from(await wb.xlsx.writeBuffer()), rows };
  }

  /** A saved segment's frozen members as Excel (the caller's own segments, as for its other uses). */
  async exportSavedSegment(staff: StaffPrincipal, id: number, now = new Date()): Promise<{ filename: string; body: Buffer; rows: number }> {
    const seg = await this.ownSegment(staff, id);
    const { body, rows } = await this.workbook(seg.name, await this.segmentMembers(seg.id), now);
    return { filename: `${seg.name}.xlsx`, body, rows };
  }

  // ---- saved segments: a journey audience, a WeCom tag ----

  private segmentView(s: InsightSegment): SavedSegment {
    return {
      id: s.id,
      name: s.name,
      figure: s.figure as DrillFigure,
      from: s.periodFrom,
      to: s.periodTo,
      members: s.members,
      tagName: s.tagName,
      createdAt: iso(s.createdAt),
    };
  }

  /** Freeze the drill-down's members (up to 10,000) as a named segment of the caller's scope. */
  async saveSegment(staff: StaffPrincipal, q: PeriodQuery & { figure: DrillFigure; name: string }, now = new Date()): Promise<SavedSegment> {
    const scope = await this.scopeOf(staff, q.storeId);
    const ids = (await this.segmentIds(staff, q)).slice(0, SEGMENT_MAX);
    const seg = await this.db.transaction(async (em) => {
      const row = await em.save(
        em.create(InsightSegment, {
          name: q.name,
          scope: scope.key,
          figure: q.figure,
          periodFrom: q.from,
          periodTo: q.to,
          members: ids.length,
          createdBy: staff.staffId,
          createdAt: now,
          tagName: null,
        }),
      );
      for (let i = 0; i < ids.length; i += 500) {
        await em
          .createQueryBuilder()
          .insert()
          .into(InsightSegmentMember)
          .values(ids.slice(i, i + 500).map((memberId) => ({ segmentId: row.id, memberId })))
          .updateEntity(false)
          .execute();
      }
      return row;
    });
    return this.segmentView(seg);
  }

  async listSegments(staff: StaffPrincipal): Promise<{ items: SavedSegment[] }> {
    const where = staff.role === 'hq_admin' ? {} : { scope: (await this.scopeOf(staff)).key };
    const rows = await this.db.manager.find(InsightSegment, { where, order: { id: 'DESC' }, take: 100 });
    return { items: rows.map((r) => this.segmentView(r)) };
  }

  /** A segment the caller may use: HQ any, a store manager their store's. */
  private async ownSegment(staff: StaffPrincipal, id: number): Promise<InsightSegment> {
    const seg = await this.db.manager.findOne(InsightSegment, { where: { id } });
    if (!seg) throw new AppError('NOT_FOUND', '人群不存在');
    if (staff.role !== 'hq_admin' && seg.scope !== (await this.scopeOf(staff)).key) throw new AppError('FORBIDDEN', '只能使用本店的人群');
    return seg;
  }

  private async segmentMembers(segmentId: number): Promise<number[]> {
    const rows = await this.db.manager.find(InsightSegmentMember, { where: { segmentId }, order: { memberId: 'ASC' } });
    return rows.map((r) => r.memberId);
  }

  /** The segment as a journey's audience: each member's WeCom contact enrolled now (journeys' public face). */
  async enrolSegment(staff: StaffPrincipal, id: number, journeyId: number, now = new Date()): Promise<{ enrolled: number; skipped: number }> {
    const seg = await this.ownSegment(staff, id);
    const journey = (await this.journeys.journeys()).find((j) => j.id === journeyId);
    if (!journey) throw new AppError('NOT_FOUND', '旅程不存在');
    if (!journey.active) throw new AppError('CONFLICT', '旅程未启用');
    const ids = await this.segmentMembers(seg.id);
    let enrolled = 0;
    for (let i = 0; i < ids.length; i += 200) {
      enrolled += await this.db.transaction(async (em) => {
        let n = 0;
        for (const memberId of ids.slice(i, i + 200)) if (await this.journeys.enrolMember(em, journeyId, memberId, `人群「${seg.name}」`, now)) n++;
        return n;
      });
    }
    return { enrolled, skipped: ids.length - enrolled };
  }

  /** Tag the segment's members: announced as InsightSegmentTagged; the tags module grants (and syncs to WeCom). */
  async tagSegment(staff: StaffPrincipal, id: number, tag: string): Promise<SavedSegment> {
    const seg = await this.ownSegment(staff, id);
    const ids = await this.segmentMembers(seg.id);
    await this.db.transaction(async (em) => {
      for (let i = 0; i < ids.length; i += 500)
        await this.events.emit(em, 'InsightSegmentTagged', { segmentId: seg.id, tag, memberIds: ids.slice(i, i + 500) });
      await em.update(InsightSegment, { id: seg.id }, { tagName: tag });
    });
    return this.segmentView({ ...seg, tagName: tag });
  }
}

/**
 * Every dashboard figure as set-based SQL over insight's own read models (insight_member,
 * insight_purchase, insight_activity, insight_contact), the same statements on SQLite and
 * MariaDB: the database counts and sums, only a handful of rows per figure come back. The
 * definitions are docs/metrics.md; the known-answer test checks each one against values computed
 * member by member in its own code. Only the day number of an instant differs per dialect.
 */
import type { EntityManager } from 'typeorm';
import {
  CREATE_KINDS,
  DAY_MS,
  type DayPoint,
  type DrillFigure,
  type Figures,
  type FlowFigures,
  INTERACTION_KINDS,
  type InsightSettings,
  PARTICIPATION_KINDS,
  type Period,
  previousPeriod,
  type QualityFigures,
  type Ring,
  type RingFigures,
  type ScaleFigures,
  shanghaiDay,
  type ValueFigures,
} from './figures';
import { type CellStats, type RoiResult, roiFromCells, RECENT_DAYS, FREQUENT_VISITS, SPEND_BANDS, WINDOW_DAYS } from './roi';

/**
 * What the statements are grouped by: the chain (one group, every row — receipts of members not
 * in the roster yet too), every store (the member's home store) or every group owner. `only`
 * narrows the grouping to one store / owner (the on-demand read of one scope).
 */
export type ScopeDim = 'chain' | 'store' | 'owner';

export interface AggregateScope {
  key: string;
  storeId?: number;
  ownerId?: number;
}

export interface Grouping {
  dim: ScopeDim;
  /** the group values to answer for (store ids / owner staff ids; [0] for the chain) */
  keys: number[];
  only?: number;
}

export function groupingOf(scope: AggregateScope): Grouping {
  if (scope.storeId) return { dim: 'store', keys: [scope.storeId], only: scope.storeId };
  if (scope.ownerId) return { dim: 'owner', keys: [scope.ownerId], only: scope.ownerId };
  return { dim: 'chain', keys: [0] };
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const RING_OF: Ring[] = ['radiate', 'interact', 'create'];
const COLUMN: Record<Exclude<ScopeDim, 'chain'>, string> = { store: 'store_id', owner: 'owner_staff_id' };

type Row = Record<string, unknown>;

interface Recency {
  active: number;
  wau: number;
  mau: number;
  silent: Record<30 | 60 | 90, number>;
  sleepers: number;
  woken: number;
}

/** Rows keyed by their group value `g`: one row per group, or all of a group's rows. */
function one(rows: Row[]): Map<number, Row> {
  return new Map(rows.map((r) => [n(r.g), r]));
}
function many(rows: Row[]): Map<number, Row[]> {
  const out = new Map<number, Row[]>();
  for (const r of rows) {
    const k = n(r.g);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

export class FigureQueries {
  private readonly mysql: boolean;
  private readonly col: string | null;

  /**
   * @param targets Σ target households per group value (null when none is set)
   */
  /**
   * @param shared statements' rows one refresh shares between its passes (the chain's ROI cells
   *   carry each member's home store, so the store pass reads its cells from them)
   */
  constructor(
    private readonly em: EntityManager,
    private readonly grouping: Grouping,
    private readonly targets: (key: number) => number | null,
    private readonly shared: Map<string, Promise<Row[]>> = new Map(),
  ) {
    this.mysql = em.connection.driver.options.type === 'mysql';
    this.col = grouping.dim === 'chain' ? null : COLUMN[grouping.dim];
  }

  private get label(): string {
    return this.grouping.only ? `${this.grouping.dim}:${this.grouping.only}` : this.grouping.dim;
  }

  private async q<T = Row>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const all = { gid: this.grouping.only ?? null, ...params };
    const [text, values] = this.em.connection.driver.escapeQueryWithParameters(sql, all, {});
    const t = Date.now();
    const out = (await this.em.query(text, values)) as T[];
    if (process.env.INSIGHT_SLOW_MS && Date.now() - t > Number(process.env.INSIGHT_SLOW_MS))
      console.error(`[insight-slow] ${Date.now() - t} ms ${this.label}: ${sql.replace(/\s+/g, ' ').slice(0, 160)}`);
    return out;
  }

  /** The group value of a row: the scope column of insight_member `alias`, 0 for the chain. */
  private g(alias: string): string {
    return this.col ? `${alias}.${this.col}` : '0';
  }

  /** GROUP BY the group value and further columns (the chain has no group column: SQL has no GROUP BY a constant). */
  private groupBy(alias: string, ...more: string[]): string {
    const cols = [...(this.col ? [`${alias}.${this.col}`] : []), ...more];
    return cols.length ? `GROUP BY ${cols.join(', ')}` : '';
  }

  /** The scope's members (alias m): one group value, or any member with one. */
  private memberWhere(alias = 'm'): string {
    if (!this.col) return '1 = 1';
    return this.grouping.only ? `${alias}.${this.col} = :gid` : `${alias}.${this.col} IS NOT NULL`;
  }

  /** Give a member-keyed table (alias `a`) its member's group (alias sm); the chain reads every row as is. */
  private join(alias: string): string {
    return this.col ? `JOIN insight_member sm ON sm.member_id = ${alias}.member_id AND ${this.memberWhere('sm')}` : '';
  }

  /** Whole days from `:dayFrom` to a time column (the period's day index). */
  private day(col: string): string {
    return this.mysql ? `(TIMESTAMPDIFF(SECOND, :dayFrom, ${col}) DIV 86400)` : `((CAST(strftime('%s', ${col}) AS INTEGER) - :dayFromSec) / 86400)`;
  }

  private dayParams(p: Period) {
    return { dayFrom: p.from, dayFromSec: Math.floor(p.from.getTime() / 1000) };
  }

  /** Distinct members with an activity or a purchase in [a, b). */
  private activeSql(a: string, b: string): string {
    return `SELECT x.member_id FROM insight_activity x ${this.join('x')} WHERE x.at >= ${a} AND x.at < ${b}
      UNION SELECT y.member_id FROM insight_purchase y ${this.join('y')} WHERE y.occurred_at >= ${a} AND y.occurred_at < ${b}`;
  }

  /** Members registered ≥ `days` before `at` with no activity and no purchase in the `days` before it. */
  private silentSql(extra = ''): string {
    return `SELECT m.member_id FROM insight_member m WHERE ${this.memberWhere()} AND m.registered_at < :sf
      AND NOT EXISTS (SELECT 1 FROM insight_activity a WHERE a.member_id = m.member_id AND a.at >= :sf AND a.at < :st)
      AND NOT EXISTS (SELECT 1 FROM insight_purchase b WHERE b.member_id = m.member_id AND b.occurred_at >= :sf AND b.occurred_at < :st) ${extra}`;
  }

  private silentParams(at: Date, days: number) {
    return { sf: new Date(at.getTime() - days * DAY_MS), st: at };
  }

  /**
   * One pass over the members and their activities + receipts from 90 days (or 30 days before the
   * period) up to its end: per member the last moment and whether they stirred in the period or
   * in the 30 days before it — active, WAU, MAU, silent 30/60/90 and the wake-up rate at once.
   */
  private async recency(p: Period): Promise<Map<number, Recency>> {
    const to = p.to.getTime();
    const pre = p.from.getTime() - 30 * DAY_MS;
    const params = {
      from: p.from,
      to: p.to,
      pre: new Date(pre),
      lf: new Date(Math.min(to - 90 * DAY_MS, pre)),
      w7: new Date(to - 7 * DAY_MS),
      w30: new Date(to - 30 * DAY_MS),
      w60: new Date(to - 60 * DAY_MS),
      w90: new Date(to - 90 * DAY_MS),
    };
    // who stirred, and when last (the chain also counts receipts of members not in the roster yet)
    const rs = one(
      await this.q(
        `SELECT l.g AS g,
         SUM(l.inp) AS active,
         SUM(CASE WHEN l.last >= :w7 THEN 1 ELSE 0 END) AS wau,
         SUM(CASE WHEN l.last >= :w30 THEN 1 ELSE 0 END) AS mau,
         SUM(CASE WHEN m.registered_at < :w30 AND l.last >= :w30 THEN 1 ELSE 0 END) AS k30,
         SUM(CASE WHEN m.registered_at < :w60 AND l.last >= :w60 THEN 1 ELSE 0 END) AS k60,
         SUM(CASE WHEN m.registered_at < :w90 AND l.last >= :w90 THEN 1 ELSE 0 END) AS k90,
         SUM(CASE WHEN m.registered_at < :pre AND l.inpre = 1 THEN 1 ELSE 0 END) AS kpre,
         SUM(CASE WHEN m.registered_at < :pre AND l.inpre = 0 AND l.inp = 1 THEN 1 ELSE 0 END) AS woken
       FROM (
         SELECT u.g, u.member_id, MAX(u.t) AS last, MAX(CASE WHEN u.t >= :from THEN 1 ELSE 0 END) AS inp, MAX(CASE WHEN u.t >= :pre AND u.t < :from THEN 1 ELSE 0 END) AS inpre
         FROM (SELECT ${this.g('sm')} AS g, x.member_id, x.at AS t FROM insight_activity x ${this.join('x')} WHERE x.at >= :lf AND x.at < :to
               UNION ALL SELECT ${this.g('sm')} AS g, y.member_id, y.occurred_at AS t FROM insight_purchase y ${this.join('y')} WHERE y.occurred_at >= :lf AND y.occurred_at < :to) u
         GROUP BY u.g, u.member_id
       ) l LEFT JOIN insight_member m ON m.member_id = l.member_id
       GROUP BY l.g`,
        params,
      ),
    );
    // members who joined before each window's start
    const cs = one(
      await this.q(
        `SELECT ${this.g('m')} AS g, SUM(CASE WHEN m.registered_at < :w30 THEN 1 ELSE 0 END) AS c30, SUM(CASE WHEN m.registered_at < :w60 THEN 1 ELSE 0 END) AS c60,
         SUM(CASE WHEN m.registered_at < :w90 THEN 1 ELSE 0 END) AS c90, SUM(CASE WHEN m.registered_at < :pre THEN 1 ELSE 0 END) AS cpre
       FROM insight_member m WHERE ${this.memberWhere()} ${this.groupBy('m')}`,
        params,
      ),
    );
    const out = new Map<number, Recency>();
    for (const k of this.grouping.keys) {
      const r = rs.get(k) ?? {};
      const c = cs.get(k) ?? {};
      out.set(k, {
        active: n(r.active),
        wau: n(r.wau),
        mau: n(r.mau),
        silent: { 30: n(c.c30) - n(r.k30), 60: n(c.c60) - n(r.k60), 90: n(c.c90) - n(r.k90) },
        sleepers: n(c.cpre) - n(r.kpre),
        woken: n(r.woken),
      });
    }
    return out;
  }

  private async scale(p: Period): Promise<Map<number, ScaleFigures>> {
    const rs = one(
      await this.q(
        `SELECT ${this.g('m')} AS g, COUNT(*) AS c, SUM(CASE WHEN m.registered_at < :from THEN 1 ELSE 0 END) AS b, COUNT(DISTINCT m.household_id) AS h
       FROM insight_member m WHERE ${this.memberWhere()} AND m.registered_at < :to ${this.groupBy('m')}`,
        { from: p.from, to: p.to },
      ),
    );
    const out = new Map<number, ScaleFigures>();
    for (const k of this.grouping.keys) {
      const r = rs.get(k) ?? {};
      const members = n(r.c);
      const before = n(r.b);
      const households = n(r.h);
      const target = this.targets(k);
      out.set(k, {
        members,
        households,
        newMembers: members - before,
        growthRate: ratio(members - before, before),
        penetration: target ? households / target : null,
      });
    }
    return out;
  }

  private async quality(p: Period, scale: Map<number, ScaleFigures>, rec: Map<number, Recency>): Promise<Map<number, QualityFigures>> {
    const days = Math.max(1, Math.round((p.to.getTime() - p.from.getTime()) / DAY_MS));
    const pairs = one(
      await this.q(
        `SELECT t.g AS g, COUNT(*) AS c FROM (
         SELECT ${this.g('sm')} AS g, x.member_id, ${this.day('x.at')} AS d FROM insight_activity x ${this.join('x')} WHERE x.at >= :from AND x.at < :to
         UNION SELECT ${this.g('sm')} AS g, y.member_id, ${this.day('y.occurred_at')} AS d FROM insight_purchase y ${this.join('y')} WHERE y.occurred_at >= :from AND y.occurred_at < :to) t
       GROUP BY t.g`,
        { from: p.from, to: p.to, ...this.dayParams(p) },
      ),
    );
    const acts = one(
      await this.q(
        `SELECT ${this.g('sm')} AS g, SUM(CASE WHEN a.kind IN (:...ik) THEN 1 ELSE 0 END) AS i, COUNT(DISTINCT CASE WHEN a.kind IN (:...pk) THEN a.member_id END) AS pc
       FROM insight_activity a ${this.join('a')} WHERE a.at >= :from AND a.at < :to ${this.groupBy('sm')}`,
        { from: p.from, to: p.to, ik: [...INTERACTION_KINDS], pk: [...PARTICIPATION_KINDS] },
      ),
    );
    const out = new Map<number, QualityFigures>();
    for (const k of this.grouping.keys) {
      const act = acts.get(k) ?? {};
      const active = rec.get(k)!.active;
      const interactions = n(act.i);
      const participants = n(act.pc);
      out.set(k, {
        activeMembers: active,
        dau: n(pairs.get(k)?.c) / days,
        wau: rec.get(k)!.wau,
        mau: rec.get(k)!.mau,
        interactions,
        interactionRate: ratio(interactions, active),
        participants,
        participationRate: ratio(participants, scale.get(k)!.members),
      });
    }
    return out;
  }

  private async value(p: Period, scale: Map<number, ScaleFigures>, settings: InsightSettings): Promise<Map<number, ValueFigures>> {
    const paths = settings.highMarginCategories.map((c) => `$."${c.replace(/["\\]/g, (ch) => `\\${ch}`)}"`);
    const highSql = paths.length ? paths.map((_, i) => `COALESCE(JSON_EXTRACT(p.categories, :hp${i}) + 0, 0)`).join(' + ') : '0';
    const range = { from: p.from, to: p.to };
    const rs = one(
      await this.q(
        `SELECT ${this.g('sm')} AS g, COALESCE(SUM(p.total_fen), 0) AS net, SUM(CASE WHEN p.total_fen > 0 THEN 1 ELSE 0 END) AS sales,
         COUNT(DISTINCT CASE WHEN p.total_fen > 0 THEN p.member_id END) AS buyers,
         SUM(CASE WHEN p.total_fen > 0 THEN p.lines_fen ELSE 0 END) AS gross,
         SUM(CASE WHEN p.total_fen > 0 THEN ${highSql} ELSE 0 END) AS high
       FROM insight_purchase p ${this.join('p')} WHERE p.occurred_at >= :from AND p.occurred_at < :to ${this.groupBy('sm')}`,
        { ...range, ...Object.fromEntries(paths.map((x, i) => [`hp${i}`, x])) },
      ),
    );
    const reps = one(
      await this.q(
        `SELECT t.g AS g, COUNT(*) AS c FROM (SELECT ${this.g('sm')} AS g, p.member_id FROM insight_purchase p ${this.join('p')}
         WHERE p.total_fen > 0 AND p.occurred_at >= :from AND p.occurred_at < :to ${this.groupBy('sm', 'p.member_id')} HAVING COUNT(*) >= 2) t GROUP BY t.g`,
        range,
      ),
    );
    const years = one(
      await this.q(
        `SELECT ${this.g('sm')} AS g, COALESCE(SUM(p.total_fen), 0) AS s FROM insight_purchase p ${this.join('p')}
         WHERE p.occurred_at >= :yf AND p.occurred_at < :to ${this.groupBy('sm')}`,
        { yf: new Date(p.to.getTime() - 365 * DAY_MS), to: p.to },
      ),
    );
    // CAC: cost of the period's new contacts per channel (as ops priced them) / those contacts
    const channels = many(
      await this.q(
        `SELECT ${this.g('sm')} AS g, c.channel_kind AS k, COUNT(*) AS c FROM insight_contact c ${this.join('c')}
       WHERE c.kind = 'added' AND c.at >= :from AND c.at < :to AND c.channel_kind IS NOT NULL ${this.groupBy('sm', 'c.channel_kind')}`,
        range,
      ),
    );
    // share of wallet: households' recorded spend / their estimated food spend over the period
    const hhSpend = one(
      await this.q(
        `SELECT ${this.g('m')} AS g, COALESCE(SUM(p.total_fen), 0) AS s FROM insight_purchase p
       JOIN insight_member m ON m.member_id = p.member_id AND m.household_id IS NOT NULL AND m.registered_at < :to AND ${this.memberWhere()}
       WHERE p.occurred_at >= :from AND p.occurred_at < :to ${this.groupBy('m')}`,
        range,
      ),
    );
    const kinds = many(
      await this.q(
        `SELECT ${this.g('m')} AS g, COALESCE(m.household_kind, 'adults') AS k, COUNT(DISTINCT m.household_id) AS c FROM insight_member m
       WHERE ${this.memberWhere()} AND m.registered_at < :to AND m.household_id IS NOT NULL ${this.groupBy('m', "COALESCE(m.household_kind, 'adults')")}`,
        { to: p.to },
      ),
    );
    const months = (p.to.getTime() - p.from.getTime()) / (30 * DAY_MS);
    const out = new Map<number, ValueFigures>();
    for (const key of this.grouping.keys) {
      const r = rs.get(key) ?? {};
      let cost = 0;
      let priced = 0;
      for (const ch of channels.get(key) ?? []) {
        const unit = settings.acquisitionCostFen[String(ch.k)];
        if (unit === undefined) continue;
        cost += unit * n(ch.c);
        priced += n(ch.c);
      }
      let estimate = 0;
      for (const k of kinds.get(key) ?? [])
        estimate += (settings.householdFoodSpendFen[String(k.k) as keyof InsightSettings['householdFoodSpendFen']] ?? 0) * months * n(k.c);
      const members = scale.get(key)!.members;
      const net = n(r.net);
      const sales = n(r.sales);
      const buyers = n(r.buyers);
      const ltv12 = members ? Math.round(n(years.get(key)?.s) / members) : null;
      const cac = priced ? Math.round(cost / priced) : null;
      out.set(key, {
        netSpendFen: net,
        purchases: sales,
        buyers,
        repeatRate: ratio(n(reps.get(key)?.c), buyers),
        avgBasketFen: sales ? Math.round(net / sales) : null,
        frequency: ratio(sales, buyers),
        ltv12Fen: ltv12,
        cacFen: cac,
        ltvCac: ltv12 !== null && cac ? ltv12 / cac : null,
        shareOfWallet: ratio(n(hhSpend.get(key)?.s), estimate),
        highMarginShare: ratio(n(r.high), n(r.gross)),
      });
    }
    return out;
  }

  private async flow(p: Period, scale: Map<number, ScaleFigures>, rec: Map<number, Recency>): Promise<Map<number, FlowFigures>> {
    const range = { from: p.from, to: p.to };
    const cs = one(
      await this.q(
        `SELECT ${this.g('sm')} AS g, SUM(CASE WHEN c.kind = 'added' THEN 1 ELSE 0 END) AS added, SUM(CASE WHEN c.kind = 'lost' THEN 1 ELSE 0 END) AS lost,
         SUM(CASE WHEN c.kind = 'added' AND c.referral <> 0 THEN 1 ELSE 0 END) AS ref
       FROM insight_contact c ${this.join('c')} WHERE c.at >= :from AND c.at < :to ${this.groupBy('sm')}`,
        range,
      ),
    );
    const convs = one(
      await this.q(
        `SELECT ${this.g('m')} AS g, COUNT(*) AS c FROM insight_member m WHERE ${this.memberWhere()} AND m.registered_at >= :from AND m.registered_at < :to
       AND EXISTS (SELECT 1 FROM insight_purchase b WHERE b.member_id = m.member_id AND b.total_fen > 0 AND b.occurred_at < :to) ${this.groupBy('m')}`,
        range,
      ),
    );
    const out = new Map<number, FlowFigures>();
    for (const k of this.grouping.keys) {
      const c = cs.get(k) ?? {};
      const s = scale.get(k)!;
      const r = rec.get(k)!;
      out.set(k, {
        contactsAdded: n(c.added),
        contactsLost: n(c.lost),
        newMembers: s.newMembers,
        firstPurchaseConversion: ratio(n(convs.get(k)?.c), s.newMembers),
        silent30: r.silent[30],
        silent60: r.silent[60],
        silent90: r.silent[90],
        wakeUpRate: ratio(r.woken, r.sleepers),
        kFactor: ratio(n(c.ref), s.members - s.newMembers),
      });
    }
    return out;
  }

  /**
   * Each member at the period's end with their group and ring: 0 辐射层, 1 互动层, 2 共创层 (a
   * creating activity in the period, or on the advisory panel by its end).
   */
  private ringSql(suffix: string): string {
    return `SELECT m.member_id, ${this.g('m')} AS g,
        CASE WHEN MAX(pm.joined_at) < :rt${suffix} THEN 2 ELSE COALESCE(MAX(CASE WHEN a.kind IN (:...ck) THEN 2 WHEN a.kind <> 'visit' THEN 1 ELSE 0 END), 0) END AS r
      FROM insight_member m LEFT JOIN insight_panel_member pm ON pm.member_id = m.member_id
      LEFT JOIN insight_activity a ON a.member_id = m.member_id AND a.at >= :rf${suffix} AND a.at < :rt${suffix}
      WHERE ${this.memberWhere()} AND m.registered_at < :rt${suffix} ${this.groupBy('m', 'm.member_id')}`;
  }

  private async rings(p: Period): Promise<Map<number, RingFigures>> {
    const prev = previousPeriod(p);
    // one pass over both periods' activities, grouped per member, joined to the members by key
    // (two per-member derived tables joined to each other ran without a key on MariaDB; a member
    // LEFT JOIN activity picked a poor plan)
    const ring = (f: string, t: string) =>
      `MAX(CASE WHEN a.at >= ${f} AND a.at < ${t} THEN (CASE WHEN a.kind IN (:...ck) THEN 2 WHEN a.kind <> 'visit' THEN 1 ELSE 0 END) END)`;
    const rows = many(
      await this.q(
        `SELECT t.g AS g, t.r AS r, t.b AS b, COUNT(*) AS c FROM (
           SELECT ${this.g('m')} AS g,
             CASE WHEN pm.joined_at < :rt1 THEN 2 ELSE COALESCE(x.r1, 0) END AS r,
             CASE WHEN m.registered_at < :rt0 THEN (CASE WHEN pm.joined_at < :rt0 THEN 2 ELSE COALESCE(x.r0, 0) END) END AS b
           FROM insight_member m LEFT JOIN insight_panel_member pm ON pm.member_id = m.member_id LEFT JOIN (
             SELECT a.member_id, ${ring(':rf1', ':rt1')} AS r1, ${ring(':rf0', ':rt0')} AS r0
             FROM insight_activity a WHERE a.at >= :rf0 AND a.at < :rt1 GROUP BY a.member_id
           ) x ON x.member_id = m.member_id
           WHERE ${this.memberWhere()} AND m.registered_at < :rt1
         ) t GROUP BY t.g, t.r, t.b`,
        { ck: [...CREATE_KINDS], rf1: p.from, rt1: p.to, rf0: prev.from, rt0: prev.to },
      ),
    );
    const zero = (): Record<Ring, number> => ({ radiate: 0, interact: 0, create: 0 });
    const out = new Map<number, RingFigures>();
    for (const k of this.grouping.keys) {
      const counts = zero();
      const moves = { radiate: zero(), interact: zero(), create: zero() };
      for (const row of rows.get(k) ?? []) {
        const now = RING_OF[n(row.r)];
        counts[now] += n(row.c);
        if (row.b !== null && row.b !== undefined) moves[RING_OF[n(row.b)]][now] += n(row.c);
      }
      out.set(k, { counts, moves });
    }
    return out;
  }

  /** Every figure of the period, per group value. */
  async figuresAll(p: Period, settings: InsightSettings): Promise<Map<number, Figures>> {
    const scale = await this.scale(p);
    const rec = await this.recency(p);
    const quality = await this.quality(p, scale, rec);
    const value = await this.value(p, scale, settings);
    const flow = await this.flow(p, scale, rec);
    const rings = await this.rings(p);
    const out = new Map<number, Figures>();
    for (const k of this.grouping.keys)
      out.set(k, { scale: scale.get(k)!, quality: quality.get(k)!, value: value.get(k)!, flow: flow.get(k)!, rings: rings.get(k)! });
    return out;
  }

  /** One point per Shanghai day of the period, per group value: distinct active members, new members, net spend. */
  async seriesAll(p: Period): Promise<Map<number, DayPoint[]>> {
    const days = Math.max(1, Math.round((p.to.getTime() - p.from.getTime()) / DAY_MS));
    const out = new Map<number, DayPoint[]>();
    for (const k of this.grouping.keys)
      out.set(
        k,
        Array.from({ length: days }, (_, i) => ({ day: shanghaiDay(new Date(p.from.getTime() + i * DAY_MS)), active: 0, newMembers: 0, spendFen: 0 })),
      );
    const params = { from: p.from, to: p.to, ...this.dayParams(p) };
    const at = (r: Row) => out.get(n(r.g))?.[n(r.d)];
    for (const r of await this.q(
      `SELECT t.g AS g, t.d AS d, COUNT(*) AS c FROM (
         SELECT ${this.g('sm')} AS g, x.member_id, ${this.day('x.at')} AS d FROM insight_activity x ${this.join('x')} WHERE x.at >= :from AND x.at < :to
         UNION SELECT ${this.g('sm')} AS g, y.member_id, ${this.day('y.occurred_at')} AS d FROM insight_purchase y ${this.join('y')} WHERE y.occurred_at >= :from AND y.occurred_at < :to) t
       GROUP BY t.g, t.d`,
      params,
    )) {
      const s = at(r);
      if (s) s.active = n(r.c);
    }
    for (const r of await this.q(
      `SELECT t.g AS g, t.d AS d, SUM(t.s) AS s FROM (SELECT ${this.g('sm')} AS g, ${this.day('p.occurred_at')} AS d, p.total_fen AS s
         FROM insight_purchase p ${this.join('p')} WHERE p.occurred_at >= :from AND p.occurred_at < :to) t GROUP BY t.g, t.d`,
      params,
    )) {
      const s = at(r);
      if (s) s.spendFen = n(r.s);
    }
    for (const r of await this.q(
      `SELECT t.g AS g, t.d AS d, COUNT(*) AS c FROM (SELECT ${this.g('m')} AS g, ${this.day('m.registered_at')} AS d FROM insight_member m
         WHERE ${this.memberWhere()} AND m.registered_at >= :from AND m.registered_at < :to) t GROUP BY t.g, t.d`,
      params,
    )) {
      const s = at(r);
      if (s) s.newMembers = n(r.c);
    }
    return out;
  }

  /**
   * The ROI board's matched cells: per (home store, household kind, RFM tier, spend band) and
   * treated/control, the group size and the sums (and sums of squares) of the before/after
   * figures — the database does the per-member work, the estimate is roiFromCells; per group value.
   */
  async roiAll(p: Period, kinds: string[]): Promise<Map<number, RoiResult>> {
    // every store at once is the chain's statement regrouped by home store (its cells carry it):
    // one statement for both passes of a refresh
    const byHome = this.grouping.dim === 'store' && !this.grouping.only;
    const rows = many((await this.roiRows(p, kinds, byHome)).flatMap((r) => (byHome ? (n(r.st) === 0 ? [] : [{ ...r, g: n(r.st) }]) : [r])));
    const out = new Map<number, RoiResult>();
    for (const k of this.grouping.keys) {
      const cells = new Map<string, { t?: CellStats; c?: CellStats }>();
      for (const r of rows.get(k) ?? []) {
        const key = `${n(r.st)}|${String(r.hk)}|${n(r.tier)}|${n(r.band)}`;
        const stats: CellStats = { n: n(r.n), dv: n(r.dv), dv2: n(r.dv2), vb: n(r.vb), va: n(r.va), ds: n(r.ds), ds2: n(r.ds2), sb: n(r.sb), sa: n(r.sa) };
        const g = cells.get(key) ?? {};
        if (n(r.treated) === 1) g.t = stats;
        else g.c = stats;
        cells.set(key, g);
      }
      out.set(k, roiFromCells([...cells.values()]));
    }
    return out;
  }

  /** The ROI cells' rows: this grouping's, or the chain's (`asChain`, shared within a refresh). */
  private roiRows(p: Period, kinds: string[], asChain: boolean): Promise<Row[]> {
    if (!asChain && this.grouping.dim !== 'chain') return this.roiStatement(p, kinds, this);
    const key = `roi:${p.from.getTime()}:${p.to.getTime()}:${kinds.join(',')}`;
    let rows = this.shared.get(key);
    if (!rows) {
      const chain = this.grouping.dim === 'chain' ? this : new FigureQueries(this.em, { dim: 'chain', keys: [0] }, this.targets, this.shared);
      rows = this.roiStatement(p, kinds, chain);
      rows.catch(() => this.shared.delete(key));
      this.shared.set(key, rows);
    }
    return rows;
  }

  private async roiStatement(p: Period, kinds: string[], q: FigureQueries): Promise<Row[]> {
    const anchor = p.from.getTime();
    const params = {
      anchor: p.from,
      before: new Date(anchor - WINDOW_DAYS * DAY_MS),
      after: new Date(anchor + WINDOW_DAYS * DAY_MS),
      recent: new Date(anchor - RECENT_DAYS * DAY_MS),
      from: p.from,
      to: p.to,
      kinds,
      b1: SPEND_BANDS[1],
      b2: SPEND_BANDS[2],
      freq: FREQUENT_VISITS,
    };
    // the derived tables narrow by the scope only for one store / owner (the outer member row decides otherwise)
    const inner = (alias: string) => (q.grouping.only ? q.join(alias) : '');
    return q.q(
      `SELECT u.g AS g, u.st AS st, u.hk AS hk, u.tier AS tier, u.band AS band, u.treated AS treated, COUNT(*) AS n,
         SUM(u.va - u.vb) AS dv, SUM((u.va - u.vb) * 1.0 * (u.va - u.vb)) AS dv2, SUM(u.vb) AS vb, SUM(u.va) AS va,
         SUM(u.sa - u.sb) AS ds, SUM((u.sa - u.sb) * 1.0 * (u.sa - u.sb)) AS ds2, SUM(u.sb) AS sb, SUM(u.sa) AS sa
       FROM (
         SELECT ${q.g('m')} AS g, COALESCE(m.store_id, 0) AS st, COALESCE(m.household_kind, 'none') AS hk,
           COALESCE(x.vb, 0) AS vb, COALESCE(x.va, 0) AS va, COALESCE(x.sb, 0) AS sb, COALESCE(x.sa, 0) AS sa,
           CASE WHEN COALESCE(x.vb, 0) = 0 THEN 0 WHEN x.lastb < :recent THEN 1 WHEN x.vb < :freq THEN 2 ELSE 3 END AS tier,
           CASE WHEN COALESCE(x.sb, 0) <= 0 THEN 0 WHEN x.sb < :b1 THEN 1 WHEN x.sb < :b2 THEN 2 ELSE 3 END AS band,
           COALESCE(y.treated, 0) AS treated, COALESCE(y.touched, 0) AS touched
         FROM insight_member m
         LEFT JOIN (
           SELECT p.member_id,
             SUM(CASE WHEN p.occurred_at < :anchor AND p.total_fen > 0 THEN 1 ELSE 0 END) AS vb,
             SUM(CASE WHEN p.occurred_at >= :anchor AND p.total_fen > 0 THEN 1 ELSE 0 END) AS va,
             SUM(CASE WHEN p.occurred_at < :anchor THEN p.total_fen ELSE 0 END) AS sb,
             SUM(CASE WHEN p.occurred_at >= :anchor THEN p.total_fen ELSE 0 END) AS sa,
             MAX(CASE WHEN p.occurred_at < :anchor AND p.total_fen > 0 THEN p.occurred_at END) AS lastb
           FROM insight_purchase p ${inner('p')} WHERE p.occurred_at >= :before AND p.occurred_at < :after GROUP BY p.member_id
         ) x ON x.member_id = m.member_id
         LEFT JOIN (
           SELECT a.member_id, MAX(CASE WHEN a.at >= :from AND a.at < :to THEN 1 ELSE 0 END) AS treated,
             MAX(CASE WHEN a.at >= :before AND a.at < :after THEN 1 ELSE 0 END) AS touched
           FROM insight_activity a ${inner('a')} WHERE a.kind IN (:...kinds) AND ((a.at >= :before AND a.at < :after) OR (a.at >= :from AND a.at < :to)) GROUP BY a.member_id
         ) y ON y.member_id = m.member_id
         WHERE ${q.memberWhere()} AND m.registered_at < :before
       ) u WHERE u.treated = 1 OR u.touched = 0
       GROUP BY u.g, u.st, u.hk, u.tier, u.band, u.treated`,
      params,
    );
  }

  /** One scope's figures (the grouping's single key). */
  private only<T>(m: Map<number, T>): T {
    return m.get(this.grouping.keys[0])!;
  }

  async figures(p: Period, settings: InsightSettings): Promise<Figures> {
    return this.only(await this.figuresAll(p, settings));
  }

  async series(p: Period): Promise<DayPoint[]> {
    return this.only(await this.seriesAll(p));
  }

  async roi(p: Period, kinds: string[]): Promise<RoiResult> {
    return this.only(await this.roiAll(p, kinds));
  }

  /** The members behind a figure (drill-down → segment), ascending ids. */
  async drill(p: Period, figure: DrillFigure): Promise<number[]> {
    const base = { from: p.from, to: p.to };
    let rows: Array<{ id: unknown }>;
    switch (figure) {
      case 'members':
      case 'new_members':
        rows = await this.q(
          `SELECT m.member_id AS id FROM insight_member m WHERE ${this.memberWhere()} AND m.registered_at < :to ${figure === 'new_members' ? 'AND m.registered_at >= :from' : ''}`,
          base,
        );
        break;
      case 'active':
        rows = await this.q(`SELECT t.member_id AS id FROM (${this.activeSql(':from', ':to')}) t`, base);
        break;
      case 'participants':
        rows = await this.q(
          `SELECT DISTINCT a.member_id AS id FROM insight_activity a ${this.join('a')} WHERE a.kind IN (:...pk) AND a.at >= :from AND a.at < :to`,
          {
            ...base,
            pk: [...PARTICIPATION_KINDS],
          },
        );
        break;
      case 'buyers':
      case 'repeaters':
        rows = await this.q(
          `SELECT p.member_id AS id FROM insight_purchase p ${this.join('p')} WHERE p.total_fen > 0 AND p.occurred_at >= :from AND p.occurred_at < :to
           GROUP BY p.member_id ${figure === 'repeaters' ? 'HAVING COUNT(*) >= 2' : ''}`,
          base,
        );
        break;
      case 'silent30':
      case 'silent60':
      case 'silent90':
        rows = await this.q(`SELECT t.member_id AS id FROM (${this.silentSql()}) t`, this.silentParams(p.to, Number(figure.slice(6))));
        break;
      default: {
        const ring = RING_OF.indexOf(figure.slice(5) as Ring);
        rows = await this.q(`SELECT t.member_id AS id FROM (${this.ringSql('1')}) t WHERE t.r = :ring`, {
          ck: [...CREATE_KINDS],
          rf1: p.from,
          rt1: p.to,
          ring,
        });
      }
    }
    return rows.map((r) => n(r.id)).sort((a, b) => a - b);
  }
}

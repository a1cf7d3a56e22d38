/**
 * A/B tests on journey message steps and coupon steps — one model, one bandit, one screen. The
 * journey engine asks `textFor` which copy a customer gets and `couponVariants` which coupon
 * (title, amount, minimum spend) a coupon step issues: a running test assigns the member once
 * (unique test+member) by Thompson sampling with the exploration floor; a stopped test uses the
 * kept variant. Conversions (a reply, a visit, a purchase, or the issued coupon's redemption within
 * the window after the send) are attributed from events by the listener.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import type { AbTestInput, AbTestView } from '../../../../contracts/insight';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { parseJsonText } from '../../core/json-column';
import { JourneysPublic } from '../journeys/public';
import { allocationShares, type ArmStats, chooseVariant, posterior, type Sampler, seededSampler } from './bandit';
import { AbAssignment, AbTest } from './entities/insight.entity';

const DAY = 86_400_000;
/** Tests are re-read at most this often by the engine's hot path. */
const CACHE_MS = 5_000;

interface Variant {
  label: string;
  /** A message's copy, or a coupon's title. */
  text: string;
  amountFen?: number;
  minSpendFen?: number;
}

/** A coupon a journey coupon step is about to issue (the engine's row; a test rewrites its terms). */
export interface CouponDraft {
  journeyId: number;
  stepIndex: number;
  memberId: number | null;
  title: string;
  amountFen: number;
  minSpendFen: number;
}

/** A test's variants as stored (the one JSON-column reader; unreadable text reads as none). */
const variantsOf = (t: Pick<AbTest, 'variants'>): Variant[] => parseJsonText<Variant[]>(t.variants, []);

@Provide()
@Scope(ScopeEnum.Singleton)
export class AbTestService {
  @Inject()
  db!: Db;

  @Inject()
  journeys!: JourneysPublic;

  private rng: Sampler = seededSampler(Date.now() % 2_147_483_647);
  private cache: { at: number; tests: AbTest[] } | null = null;

  private async tests(): Promise<AbTest[]> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.tests;
    const tests = await this.db.manager.find(AbTest, { order: { id: 'DESC' } });
    this.cache = { at: Date.now(), tests };
    return tests;
  }

  private forget(): void {
    this.cache = null;
  }

  private async arms(testId: number, variants: number, em: EntityManager = this.db.manager): Promise<ArmStats[]> {
    const rows: Array<{ v: number | string; n: number | string; c: number | string | null }> = await em.query(
      'SELECT variant AS v, COUNT(*) AS n, SUM(CASE WHEN converted_at IS NULL THEN 0 ELSE 1 END) AS c FROM insight_ab_assignment WHERE test_id = ? GROUP BY variant',
      [testId],
    );
    const arms: ArmStats[] = Array.from({ length: variants }, () => ({ sends: 0, conversions: 0 }));
    for (const r of rows) if (arms[Number(r.v)]) arms[Number(r.v)] = { sends: Number(r.n), conversions: Number(r.c ?? 0) };
    return arms;
  }

  /**
   * The copy a customer gets at a journey message step: the step's own text when no test is on
   * it; else the member's assigned variant (assigned now when new); a stopped test's kept variant.
   */
  async textFor(journeyId: number, stepIndex: number, memberId: number | null, stepText: string, now = new Date()): Promise<string> {
    const test = await this.testOn('message', journeyId, stepIndex);
    if (!test) return stepText;
    const variants = variantsOf(test);
    if (test.status === 'stopped') return variants[test.winner!]?.text ?? stepText;
    if (memberId === null) return variants[0]?.text ?? stepText; // no member, nothing to attribute: the first copy, unassigned
    return variants[await this.assign(test, memberId, now)]?.text ?? stepText;
  }

  /** The running test on a step, else a stopped one whose kept variant the step uses. */
  private async testOn(kind: AbTest['kind'], journeyId: number, stepIndex: number): Promise<AbTest | undefined> {
    return (await this.tests()).find(
      (t) => (t.kind ?? 'message') === kind && t.journeyId === journeyId && t.stepIndex === stepIndex && (t.status === 'running' || t.winner !== null),
    );
  }

  /**
   * The coupons a batch of coupon steps issues, each rewritten in place to the member's variant
   * (title, amount, minimum spend) when a test is on its step; a coupon without a member gets the
   * first variant, unassigned. One cached read when no coupon test exists (the engine's hot path).
   */
  async couponVariants(drafts: CouponDraft[], now = new Date()): Promise<void> {
    if (!drafts.length || !(await this.tests()).some((t) => t.kind === 'coupon')) return;
    for (const d of drafts) {
      const test = await this.testOn('coupon', d.journeyId, d.stepIndex);
      if (!test) continue;
      const variants = variantsOf(test);
      const i = test.status === 'stopped' ? test.winner! : d.memberId === null ? 0 : await this.assign(test, d.memberId, now);
      const v = variants[i];
      if (!v) continue;
      d.title = v.text;
      d.amountFen = v.amountFen ?? d.amountFen;
      d.minSpendFen = v.minSpendFen ?? d.minSpendFen;
    }
  }

  /** The member's variant in a running test (assigned once; a racing second call reads the first). */
  async assign(test: AbTest, memberId: number, now = new Date()): Promise<number> {
    const existing = await this.db.manager.findOne(AbAssignment, { where: { testId: test.id, memberId } });
    if (existing) return existing.variant;
    const variants = variantsOf(test);
    const variant = chooseVariant(await this.arms(test.id, variants.length), test.floorPermille / 1000, this.rng);
    try {
      await this.db.manager.insert(AbAssignment, { testId: test.id, memberId, variant, assignedAt: now, convertedAt: null });
      return variant;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return (await this.db.manager.findOneOrFail(AbAssignment, { where: { testId: test.id, memberId } })).variant;
    }
  }

  /** A reply, visit or purchase: the member's open assignments whose goal it is and whose window it falls in convert. */
  async convert(em: EntityManager, memberId: number, goal: 'reply' | 'visit' | 'purchase', at: Date): Promise<void> {
    for (const t of (await this.tests()).filter((x) => x.goal === goal)) await this.convertIn(em, t, memberId, at);
  }

  /**
   * A journey coupon redeemed at the till: its member's assignment in a redemption-goal test on
   * the step that issued it converts (within the window after the send).
   */
  async convertRedeemed(em: EntityManager, c: { memberId: number | null; journeyId: number | null; stepIndex: number | null }, at: Date): Promise<void> {
    if (c.memberId === null || c.journeyId === null || c.stepIndex === null) return;
    for (const t of (await this.tests()).filter((x) => x.goal === 'redeem' && x.journeyId === c.journeyId && x.stepIndex === c.stepIndex))
      await this.convertIn(em, t, c.memberId, at);
  }

  private async convertIn(em: EntityManager, t: AbTest, memberId: number, at: Date): Promise<void> {
    // the query builder converts the Date parameters for each driver (raw SQL would not on SQLite)
    await em
      .createQueryBuilder()
      .update(AbAssignment)
      .set({ convertedAt: at })
      .where('test_id = :testId AND member_id = :memberId AND converted_at IS NULL AND assigned_at <= :at AND assigned_at >= :since', {
        testId: t.id,
        memberId,
        at,
        since: new Date(at.getTime() - t.windowDays * DAY),
      })
      .execute();
  }

  async list(): Promise<{ items: AbTestView[] }> {
    const tests = await this.db.manager.find(AbTest, { order: { id: 'DESC' }, take: 100 });
    const names = new Map((await this.journeys.journeys()).map((j) => [j.id, j.name]));
    return { items: await Promise.all(tests.map((t) => this.view(t, names.get(t.journeyId) ?? null))) };
  }

  private async view(t: AbTest, journeyName: string | null): Promise<AbTestView> {
    const variants = variantsOf(t);
    const arms = await this.arms(t.id, variants.length);
    const shares = t.status === 'running' ? allocationShares(arms, t.floorPermille / 1000, this.rng) : variants.map((_, i) => (i === t.winner ? 1 : 0));
    return {
      id: t.id,
      name: t.name,
      kind: t.kind ?? 'message',
      journeyId: t.journeyId,
      journeyName,
      stepIndex: t.stepIndex,
      goal: t.goal,
      windowDays: t.windowDays,
      floor: t.floorPermille / 1000,
      status: t.status,
      winner: t.winner,
      createdAt: iso(t.createdAt),
      variants: variants.map((v, i) => ({
        label: v.label,
        text: v.text,
        amountFen: v.amountFen ?? null,
        minSpendFen: v.amountFen === undefined ? null : (v.minSpendFen ?? 0),
        ...arms[i],
        ...posterior(arms[i]),
        share: shares[i],
      })),
    };
  }

  async create(staff: StaffPrincipal, input: AbTestInput, now = new Date()): Promise<AbTestView> {
    const kind = input.kind ?? 'message';
    const steps = kind === 'coupon' ? await this.journeys.couponSteps() : await this.journeys.messageSteps();
    const step = steps.find((s) => s.journeyId === input.journeyId && s.stepIndex === input.stepIndex);
    if (!step)
      throw new AppError(
        'VALIDATION_FAILED',
        kind === 'coupon' ? '只能在旅程的「发优惠券」步骤上做优惠券 A/B 测试' : '只能在旅程的「发消息」步骤上做 A/B 测试',
      );
    const variants: Variant[] = input.variants.map((v) =>
      kind === 'coupon' ? { label: v.label, text: v.text, amountFen: v.amountFen!, minSpendFen: v.minSpendFen ?? 0 } : { label: v.label, text: v.text },
    );
    const running = await this.db.manager.findOne(AbTest, { where: { journeyId: input.journeyId, stepIndex: input.stepIndex, status: 'running' } });
    if (running) throw new AppError('CONFLICT', '这个步骤已有进行中的 A/B 测试');
    const row = await this.db.transaction(async (em) => {
      // a new test replaces an earlier kept winner on the step
      await em.update(AbTest, { journeyId: input.journeyId, stepIndex: input.stepIndex, status: 'stopped' }, { winner: null });
      const r = await em.insert(AbTest, {
        name: input.name,
        kind,
        journeyId: input.journeyId,
        stepIndex: input.stepIndex,
        goal: input.goal,
        windowDays: input.windowDays,
        floorPermille: Math.round(input.floor * 1000),
        variants: JSON.stringify(variants),
        status: 'running',
        winner: null,
        createdBy: staff.staffId,
        createdAt: now,
        stoppedAt: null,
      });
      return em.findOneOrFail(AbTest, { where: { id: Number(r.identifiers[0].id) } });
    });
    this.forget();
    return this.view(row, step.journeyName);
  }

  async stop(testId: number, keep: number, now = new Date()): Promise<AbTestView> {
    const t = await this.db.manager.findOne(AbTest, { where: { id: testId } });
    if (!t) throw new AppError('NOT_FOUND', 'A/B 测试不存在');
    if (keep >= variantsOf(t).length) throw new AppError('VALIDATION_FAILED', '没有这个版本');
    if (t.status === 'running') {
      await this.db.manager.update(AbTest, { id: testId, status: 'running' }, { status: 'stopped', winner: keep, stoppedAt: now });
    } else if (t.winner !== keep) {
      throw new AppError('CONFLICT', '测试已结束');
    }
    this.forget();
    const names = new Map((await this.journeys.journeys()).map((j) => [j.id, j.name]));
    return this.view(await this.db.manager.findOneOrFail(AbTest, { where: { id: testId } }), names.get(t.journeyId) ?? null);
  }
}

/**
 * HQ activity kits, the community calendar and adoption. HQ publishes kits; a store's champion
 * (store manager) adopts one into their own store — as a class/event through the classes module's
 * public service, or as a group SOP — with local changes; HQ sees which stores ran which kit and
 * how it did. Store scoping: a store manager adopts only into their store and sees its adoptions.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import type * as api from '../../../../contracts/community';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db } from '../../core/db';
import { AppError } from '../../core/errors';
import { ClassAuthoringService, ClassReportsService } from '../classes';
import { InsightUplift } from '../insight/uplift.public';
import { JourneysPublic } from '../journeys/public';
import { WecomDirectory } from '../wecom';
import { CalendarDayRow, Kit, KitAdoption } from './entities/kit.entity';
import { CommunityGroup } from './entities/group.entity';
import { Participation } from './entities/participation.entity';
import { CommunityGroupService } from './groups.service';
import { GroupSopService } from './sop.service';
import { WeatherFeed, weatherSuggestions } from './weather';
import { addDaysToKey, dayKey } from '../../../../contracts/calendar';
import { stringList } from '../../core/json-column';

const list = stringList;

type KitInput = {
  title: string;
  copy: string;
  posterUrl: string | null;
  materials: string[];
  budgetTier: Kit['budgetTier'];
  ring: Kit['ring'];
  audience: string;
  followUp: string;
  followUpJourneyId: number | null;
  durationMinutes: number;
  adultSeats: number;
  childSeats: number;
  weatherTags: string[];
  publish: boolean;
};

type AdoptInput =
  | {
      target: 'class';
      storeId: number;
      startsAt: string;
      title?: string;
      description?: string;
      hostName: string;
      room?: string | null;
      adultSeats?: number;
      childSeats?: number;
    }
  | { target: 'group_sop'; chatId: string; text?: string; cadence: 'weekly' | 'monthly'; weekday: number | null; monthDay: number | null; time: string };

@Provide()
@Scope(ScopeEnum.Singleton)
export class KitService {
  @Inject()
  db!: Db;

  @Inject()
  classes!: ClassAuthoringService;

  @Inject()
  classReports!: ClassReportsService;

  @Inject()
  sops!: GroupSopService;

  @Inject()
  groups!: CommunityGroupService;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  weather!: WeatherFeed;

  @Inject()
  journeys!: JourneysPublic;

  @Inject()
  uplift!: InsightUplift;

  private async views(kits: Kit[]): Promise<api.KitView[]> {
    const counts = kits.length
      ? await this.db.manager
          .createQueryBuilder(KitAdoption, 'a')
          .select('a.kit_id', 'kitId')
          .addSelect('COUNT(*)', 'n')
          .where('a.kit_id IN (:...ids)', { ids: kits.map((k) => k.id) })
          .groupBy('a.kit_id')
          .getRawMany<{ kitId: number | string; n: number | string }>()
      : [];
    const byKit = new Map(counts.map((c) => [Number(c.kitId), Number(c.n)]));
    const journeyName = new Map(kits.some((k) => k.followUpJourneyId) ? (await this.journeys.journeys()).map((j) => [j.id, j.name]) : []);
    return kits.map((k) => ({
      id: k.id,
      title: k.title,
      copy: k.copy,
      posterUrl: k.posterUrl,
      materials: list(k.materials),
      budgetTier: k.budgetTier,
      ring: k.ring,
      audience: k.audience,
      followUp: k.followUp,
      followUpJourneyId: k.followUpJourneyId,
      followUpJourneyName: k.followUpJourneyId ? (journeyName.get(k.followUpJourneyId) ?? null) : null,
      durationMinutes: k.durationMinutes,
      adultSeats: k.adultSeats,
      childSeats: k.childSeats,
      weatherTags: list(k.weatherTags),
      status: k.status,
      publishedAt: k.publishedAt ? k.publishedAt.toISOString() : null,
      adoptions: byKit.get(k.id) ?? 0,
    }));
  }

  async list(staff: StaffPrincipal): Promise<{ items: api.KitView[] }> {
    const rows = await this.db.manager.find(Kit, { where: staff.role === 'hq_admin' ? {} : { status: 'published' }, order: { id: 'DESC' } });
    return { items: await this.views(rows) };
  }

  async create(input: KitInput, now = new Date()): Promise<api.KitView> {
    if (input.followUpJourneyId && !(await this.journeys.journeys()).some((j) => j.id === input.followUpJourneyId)) {
      throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'followUpJourneyId', message: '跟进旅程不存在' }]);
    }
    const id = Number(
      (
        await this.db.manager.insert(Kit, {
          title: input.title,
          copy: input.copy,
          posterUrl: input.posterUrl,
          materials: input.materials,
          budgetTier: input.budgetTier,
          ring: input.ring,
          audience: input.audience,
          followUp: input.followUp,
          followUpJourneyId: input.followUpJourneyId,
          durationMinutes: input.durationMinutes,
          adultSeats: input.adultSeats,
          childSeats: input.childSeats,
          weatherTags: input.weatherTags,
          status: input.publish ? 'published' : 'draft',
          publishedAt: input.publish ? now : null,
          createdAt: now,
        })
      ).identifiers[0].id,
    );
    return (await this.views([await this.db.manager.findOneByOrFail(Kit, { id })]))[0];
  }

  async publish(kitId: number, now = new Date()): Promise<api.KitView> {
    const kit = await this.db.manager.findOne(Kit, { where: { id: kitId } });
    if (!kit) throw new AppError('NOT_FOUND');
    if (kit.status !== 'published') await this.db.manager.update(Kit, { id: kitId }, { status: 'published', publishedAt: now });
    return (await this.views([await this.db.manager.findOneByOrFail(Kit, { id: kitId })]))[0];
  }

  /** The champion's adoption, scoped to their store (HQ may adopt for any store). */
  async adopt(staff: StaffPrincipal, kitId: number, input: AdoptInput, now = new Date()): Promise<api.AdoptionView> {
    const kit = await this.db.manager.findOne(Kit, { where: { id: kitId } });
    if (!kit) throw new AppError('NOT_FOUND');
    if (kit.status !== 'published') throw new AppError('KIT_NOT_PUBLISHED');
    let storeId: number;
    let classId: number | null = null;
    let sopId: number | null = null;
    let title: string;
    if (input.target === 'class') {
      if (staff.role !== 'hq_admin' && staff.storeId !== input.storeId) throw new AppError('FORBIDDEN', '只能把活动包用到本门店');
      storeId = input.storeId;
      title = input.title ?? kit.title;
      const startsAt = new Date(input.startsAt);
      if (Number.isNaN(startsAt.getTime())) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'startsAt', message: '时间格式不正确' }]);
      const detail = await this.classes.create(
        staff,
        {
          title,
          type: 'community_ritual',
          hostName: input.hostName,
          room: input.room ?? null,
          adultSeats: input.adultSeats ?? kit.adultSeats,
          childSeats: input.childSeats ?? kit.childSeats,
          priceFen: 0,
          registrationClosesMinutesBefore: 60,
          cancellationClosesMinutesBefore: 120,
          coverUrl: kit.posterUrl,
          description: input.description ?? kit.copy,
          tags: [kit.title.slice(0, 20)],
          storeId,
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + kit.durationMinutes * 60_000).toISOString(),
          recurrence: null,
        },
        now,
      );
      classId = detail.id;
    } else {
      const { row } = await this.groups.visible(staff, input.chatId);
      if (staff.role !== 'hq_admin' && row.storeId !== staff.storeId) throw new AppError('FORBIDDEN', '只能把活动包用到本门店的客户群');
      if (row.storeId === null) throw new AppError('CONFLICT', '请先把该客户群归到一个门店');
      storeId = row.storeId;
      title = kit.title;
      const sop = await this.sops.create(
        staff,
        input.chatId,
        {
          title: kit.title.slice(0, 40),
          text: input.text ?? kit.copy,
          cadence: input.cadence,
          weekday: input.weekday,
          monthDay: input.monthDay,
          time: input.time,
        },
        kit.id,
      );
      sopId = sop.id;
    }
    const id = Number(
      (
        await this.db.manager.insert(KitAdoption, {
          kitId,
          storeId,
          staffId: staff.staffId,
          target: input.target,
          classId,
          sopId,
          title: title.slice(0, 64),
          createdAt: now,
        })
      ).identifiers[0].id,
    );
    return (await this.adoptionViews(staff, [await this.db.manager.findOneByOrFail(KitAdoption, { id })]))[0];
  }

  async adoptions(staff: StaffPrincipal, q: { kitId?: number }): Promise<{ items: api.AdoptionView[] }> {
    const where: Record<string, unknown> = {};
    if (q.kitId) where.kitId = q.kitId;
    if (staff.role !== 'hq_admin') where.storeId = staff.storeId ?? -1;
    const rows = await this.db.manager.find(KitAdoption, { where, order: { id: 'DESC' }, take: 500 });
    return { items: await this.adoptionViews(staff, rows) };
  }

  private async adoptionViews(staff: StaffPrincipal, rows: KitAdoption[]): Promise<api.AdoptionView[]> {
    const kits = rows.length
      ? await this.db.manager.find(Kit, { where: { id: In([...new Set(rows.map((r) => r.kitId))]) }, select: { id: true, title: true } })
      : [];
    const kitTitle = new Map(kits.map((k) => [k.id, k.title]));
    const out: api.AdoptionView[] = [];
    for (const a of rows) {
      let registrations = 0;
      let attended = 0;
      let averageRating: number | null = null;
      let messagesSent = 0;
      let uplift: api.AdoptionView['spendUplift'] = { status: 'not_applicable', days: 0, attendees: 0, matched: 0, controls: 0, lowFen: null, highFen: null };
      let upliftFen: number | null = null;
      if (a.classId) {
        registrations = await this.db.manager
          .createQueryBuilder(Participation, 'p')
          .where("p.kind = 'class' AND p.ref LIKE :ref", { ref: `class:${a.classId}:%` })
          .getCount();
        try {
          const stats = await this.classReports.stats(staff, a.classId);
          attended = stats.totals.attended;
          averageRating = stats.totals.averageRating;
        } catch (err) {
          if (!(err instanceof AppError)) throw err; // the class is out of this viewer's scope or gone
        }
        const u = await this.classUplift(a);
        uplift = {
          status: u.status,
          days: u.days,
          attendees: u.treated,
          matched: u.matched,
          controls: u.controls,
          lowFen: u.status === 'ok' ? u.lowFen : null,
          highFen: u.status === 'ok' ? u.highFen : null,
        };
        upliftFen = u.status === 'ok' ? u.didFen : null;
      }
      if (a.sopId) messagesSent = await this.sops.sentCount(a.sopId);
      const by = await this.directory.staffById(a.staffId);
      const byName = by?.wecomUserId ? ((await this.directory.staffByUserId(by.wecomUserId))?.displayName ?? null) : null;
      out.push({
        id: a.id,
        kitId: a.kitId,
        kitTitle: kitTitle.get(a.kitId) ?? '',
        storeId: a.storeId,
        storeName: await this.directory.storeName(a.storeId),
        target: a.target,
        classId: a.classId,
        sopId: a.sopId,
        title: a.title,
        adoptedBy: byName,
        adoptedAt: a.createdAt.toISOString(),
        registrations,
        attended,
        averageRating,
        messagesSent,
        spendUpliftFen: upliftFen,
        spendUplift: uplift,
      });
    }
    return out;
  }

  /**
   * Spend uplift of the adopted class's attendees (members who checked in), anchored at their first
   * check-in, from insight's public face; who attended comes from our own participation rows.
   */
  private async classUplift(a: KitAdoption, now = new Date()) {
    const regs = await this.db.manager
      .createQueryBuilder(Participation, 'p')
      .select('DISTINCT p.ref', 'ref')
      .where("p.kind = 'class' AND p.ref LIKE :ref", { ref: `class:${a.classId}:%` })
      .getRawMany<{ ref: string }>();
    const sessions = regs.map((r) => `session:${r.ref.split(':')[2]}`);
    const checkins = sessions.length
      ? await this.db.manager.find(Participation, { where: { kind: 'checkin', ref: In(sessions) }, select: { memberId: true, at: true } })
      : [];
    const at = checkins.length ? new Date(Math.min(...checkins.map((c) => c.at.getTime()))) : now;
    return this.uplift.spendUplift({ key: `kit-class:${a.classId}`, memberIds: [...new Set(checkins.map((c) => c.memberId))], at, storeId: a.storeId }, now);
  }

  /** Festivals and theme days from `from` (Beijing date) with their kits, and what the weather suggests. */
  async calendar(q: { from?: string; days: number }, now = new Date()) {
    const from = q.from ?? dayKey(now);
    const to = addDaysToKey(from, q.days);
    const rows = await this.db.manager
      .createQueryBuilder(CalendarDayRow, 'd')
      .where('d.date >= :from AND d.date < :to', { from, to })
      .orderBy('d.date', 'ASC')
      .getMany();
    const kits = await this.db.manager.find(Kit, { where: { status: 'published' }, order: { id: 'DESC' } });
    const byTitle = new Map<string, Kit>();
    for (const k of kits) if (!byTitle.has(k.title)) byTitle.set(k.title, k);
    const days = rows.map((d) => ({
      date: d.date,
      name: d.name,
      kind: d.kind,
      note: d.note,
      kits: list(d.kitTitles)
        .map((t) => byTitle.get(t))
        .filter((k): k is Kit => !!k)
        .map((k) => ({ id: k.id, title: k.title, budgetTier: k.budgetTier })),
    }));
    const forecast = await this.weather.forecast();
    const suggestions = weatherSuggestions(
      forecast.days,
      kits.map((k) => ({ id: k.id, title: k.title, weatherTags: list(k.weatherTags) })),
    );
    return { days, weather: { available: forecast.available, city: this.weather.city, days: forecast.days }, suggestions };
  }

  /** Whether a group belongs to the store (for tests and the adoption form). */
  async groupStore(chatId: string): Promise<number | null> {
    return (await this.db.manager.findOne(CommunityGroup, { where: { chatId }, select: { id: true, storeId: true } }))?.storeId ?? null;
  }
}

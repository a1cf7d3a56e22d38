/**
 * 渠道活码: contact ways with a state per channel, their staff routing (daily cap per staff, backup
 * staff), tags and welcome, attribution of adds and deletes, counts and 7-day retention, and the
 * members' personal referral codes (state ref_<memberId>).
 */
import { randomBytes } from 'crypto';
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, IsNull } from 'typeorm';
import type { ChannelView, WelcomeContent } from '../../../../contracts/wecom';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, isUniqueViolation, iso, likeContains, LIKE_ESCAPE } from '../../core/db';
import { AppError } from '../../core/errors';
import { PlatformError, PlatformUnavailableError } from '../../platform/types';
import { WecomContactApi } from '../../platform/wecom-externalcontact';
import { ChannelAdd } from './entities/channel-add.entity';
import { ChannelKind, WecomChannel, channelWelcome, jsonList } from './entities/channel.entity';
import { WecomDirectory } from './directory.service';
import { OutboundHandler } from '../../core/outbound-handlers';
import { enqueueOutbound, type OutboundSender } from './outbound';
import { OutboundKick } from './outbound-kick';
import { dayStart } from '../../../../contracts/calendar';
import { WecomContact } from './entities/wecom-contact.entity';

export const REFERRAL_STATE_PREFIX = 'ref_';
const DAY = 86_400_000;
const STATE_TTL_MS = 10_000;

export interface ChannelInput {
  name: string;
  kind: ChannelKind;
  type: 'single' | 'multi';
  skipVerify: boolean;
  staffUserIds: string[];
  backupUserIds: string[];
  dailyCapPerStaff: number;
  tagNames: string[];
  welcome: WelcomeContent;
  storeId: number | null;
  state?: string;
}

export interface UpdateWayPayload {
  channelId: number;
  configId: string;
  users: string[];
  version: number;
}

function uniq(list: string[]): string[] {
  return [...new Set(list)];
}

export function platformFailure(err: unknown): AppError {
  if (err instanceof PlatformError)
    return new AppError('WECOM_API_FAILED', undefined, [{ path: 'wecom', message: `${err.api}: ${err.errcode} ${err.errmsg.split(',')[0]}` }]);
  if (err instanceof PlatformUnavailableError) return new AppError('UPSTREAM_UNAVAILABLE');
  return err as AppError;
}

/** The same user ids in the same order (the contact way's routing). */
const sameUsers = (a: string[], b: string[]) => a.length === b.length && a.every((u, i) => u === b[i]);

@Provide()
@Scope(ScopeEnum.Singleton)
export class ChannelService {
  @Inject()
  db!: Db;

  @Inject()
  api!: WecomContactApi;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  kick!: OutboundKick;

  private byStateCache = new Map<string, { channel: WecomChannel | null; at: number }>();

  /** The channel a callback's State names (cached briefly: this is on the welcome's hot path). */
  async byState(state: string | null | undefined): Promise<WecomChannel | null> {
    if (!state) return null;
    const hit = this.byStateCache.get(state);
    if (hit && Date.now() - hit.at < STATE_TTL_MS) return hit.channel;
    const channel = await this.db.manager.findOne(WecomChannel, { where: { state } });
    this.byStateCache.set(state, { channel, at: Date.now() });
    if (this.byStateCache.size > 10_000) this.byStateCache.clear();
    return channel;
  }

  private forget(state: string): void {
    this.byStateCache.delete(state);
  }

  // ---- ops CRUD ----

  private scopeStore(staff: StaffPrincipal, storeId: number | null): number | null {
    if (staff.role === 'hq_admin') return storeId;
    return staff.storeId; // store managers create and see their own store's channels only
  }

  private async visible(staff: StaffPrincipal, id: number): Promise<WecomChannel> {
    const c = await this.db.manager.findOne(WecomChannel, { where: { id } });
    if (!c || (staff.role !== 'hq_admin' && c.storeId !== staff.storeId)) throw new AppError('NOT_FOUND');
    return c;
  }

  async list(staff: StaffPrincipal, q: { page: number; pageSize: number; kind?: ChannelKind; q?: string }, now = new Date()) {
    const qb = this.db.manager.createQueryBuilder(WecomChannel, 'c').orderBy('c.id', 'DESC');
    if (staff.role !== 'hq_admin') qb.andWhere('c.store_id = :sid', { sid: staff.storeId ?? -1 });
    if (q.kind) qb.andWhere('c.kind = :kind', { kind: q.kind });
    // personal referral codes are many; they show only when asked for
    if (q.kind !== 'referral') qb.andWhere('c.referrer_member_id IS NULL');
    if (q.q) qb.andWhere(`(c.name LIKE :q ${LIKE_ESCAPE} OR c.state LIKE :q ${LIKE_ESCAPE})`, { q: likeContains(q.q) });
    const [rows, total] = await qb
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    const stats = await this.stats(
      rows.map((r) => r.id),
      now,
    );
    return { items: rows.map((r) => this.view(r, stats.get(r.id))), total, page: q.page, pageSize: q.pageSize };
  }

  async get(staff: StaffPrincipal, id: number, now = new Date()): Promise<ChannelView> {
    const c = await this.visible(staff, id);
    const v = this.view(c, (await this.stats([id], now)).get(id));
    // the detail page shows people, not WeCom userids
    const names = await this.directory.staffNames([...v.staffUserIds, ...v.backupUserIds, ...v.routedUserIds]);
    return { ...v, staffNames: Object.fromEntries(names) };
  }

  /**
   * A store manager routes a channel only to their own store's staff (HQ to anyone in the corp):
   * otherwise they could send their customers' adds, and the welcome, to any colleague of the chain.
   */
  private async assertOwnStaff(staff: StaffPrincipal, storeId: number | null, userIds: string[]): Promise<void> {
    if (staff.role === 'hq_admin') return;
    for (const u of uniq(userIds)) {
      const s = await this.directory.staffByUserId(u);
      if (!s || storeId === null || s.storeId !== storeId)
        throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'staffUserIds', message: `只能选择本店员工：${u}` }]);
    }
  }

  async create(staff: StaffPrincipal, input: ChannelInput): Promise<ChannelView> {
    const storeId = this.scopeStore(staff, input.storeId);
    await this.assertOwnStaff(staff, storeId, [...input.staffUserIds, ...input.backupUserIds]);
    const state = input.state ?? `ch_${input.kind}_${randomBytes(6).toString('hex')}`;
    if (state.startsWith(REFERRAL_STATE_PREFIX)) throw new AppError('CHANNEL_STATE_TAKEN');
    const row = await this.insertChannel({ ...input, storeId, state, referrerMemberId: null, createdBy: staff.staffId });
    return this.get(staff, row.id);
  }

  /** Reserve the state with the row, then create the contact way; undo the row if WeCom refuses. */
  private async insertChannel(input: ChannelInput & { state: string; referrerMemberId: number | null; createdBy: number | null }): Promise<WecomChannel> {
    const staffIds = uniq(input.staffUserIds);
    const backup = uniq(input.backupUserIds).filter((u) => !staffIds.includes(u));
    if (input.type === 'single' && staffIds.length !== 1)
      throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'staffUserIds', message: '单人活码只能选择一名员工' }]);
    const now = new Date();
    let id: number;
    try {
      const r = await this.db.manager.insert(WecomChannel, {
        name: input.name,
        kind: input.kind,
        state: input.state,
        configId: null,
        qrCode: null,
        wayType: input.type === 'single' ? 1 : 2,
        skipVerify: input.skipVerify,
        staffUserIds: staffIds,
        backupUserIds: backup,
        routedUserIds: staffIds,
        routingVersion: 0,
        dailyCap: input.dailyCapPerStaff,
        tagNames: uniq(input.tagNames),
        welcome: input.welcome,
        storeId: input.storeId,
        referrerMemberId: input.referrerMemberId,
        active: true,
        createdBy: input.createdBy,
        createdAt: now,
        updatedAt: now,
      });
      id = Number(r.identifiers[0].id);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('CHANNEL_STATE_TAKEN');
      throw err;
    }
    try {
      const way = await this.api.addContactWay({
        type: input.type === 'single' ? 1 : 2,
        users: staffIds,
        state: input.state,
        skipVerify: input.skipVerify,
        remark: input.name.slice(0, 30),
      });
      await this.db.manager.update(WecomChannel, { id }, { configId: way.config_id, qrCode: way.qr_code ?? null });
    } catch (err) {
      await this.db.manager.delete(WecomChannel, { id });
      throw platformFailure(err);
    }
    this.forget(input.state);
    return this.db.manager.findOneByOrFail(WecomChannel, { id });
  }

  async update(staff: StaffPrincipal, id: number, patch: Partial<ChannelInput>): Promise<ChannelView> {
    const c = await this.visible(staff, id);
    if (!c.active) throw new AppError('CONFLICT', '渠道已停用');
    await this.assertOwnStaff(staff, c.storeId, [...(patch.staffUserIds ?? []), ...(patch.backupUserIds ?? [])]);
    const staffIds = patch.staffUserIds ? uniq(patch.staffUserIds) : jsonList(c.staffUserIds);
    const backup = (patch.backupUserIds ? uniq(patch.backupUserIds) : jsonList(c.backupUserIds)).filter((u) => !staffIds.includes(u));
    const type = patch.type ? (patch.type === 'single' ? 1 : 2) : c.wayType;
    if (type === 1 && staffIds.length !== 1)
      throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'staffUserIds', message: '单人活码只能选择一名员工' }]);
    if (patch.type && type !== c.wayType) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'type', message: '活码类型创建后不能修改' }]);
    const changes: Partial<WecomChannel> = { updatedAt: new Date() };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.kind !== undefined) changes.kind = patch.kind;
    if (patch.skipVerify !== undefined) changes.skipVerify = patch.skipVerify;
    if (patch.dailyCapPerStaff !== undefined) changes.dailyCap = patch.dailyCapPerStaff;
    if (patch.tagNames !== undefined) changes.tagNames = uniq(patch.tagNames);
    if (patch.welcome !== undefined) changes.welcome = patch.welcome;
    if (patch.storeId !== undefined && staff.role === 'hq_admin') changes.storeId = patch.storeId;
    changes.staffUserIds = staffIds;
    changes.backupUserIds = backup;
    const routed = await this.desiredRouting({ ...c, ...changes } as WecomChannel, new Date());
    const routingChanged = !sameUsers(routed, jsonList(c.routedUserIds));
    if (c.configId && (routingChanged || patch.skipVerify !== undefined)) {
      try {
        await this.api.updateContactWay(c.configId, { users: routed, skipVerify: patch.skipVerify });
      } catch (err) {
        throw platformFailure(err);
      }
    }
    if (routingChanged) {
      changes.routedUserIds = routed;
      changes.routingVersion = c.routingVersion + 1;
    }
    await this.db.manager.update(WecomChannel, { id }, changes);
    this.forget(c.state);
    return this.get(staff, id);
  }

  async remove(staff: StaffPrincipal, id: number): Promise<void> {
    const c = await this.visible(staff, id);
    if (!c.active) return;
    if (c.configId) {
      try {
        await this.api.delContactWay(c.configId);
      } catch (err) {
        // 40058 invalid config_id: already gone in WeCom — retiring it here is what was asked
        if (!(err instanceof PlatformError && err.errcode === 40058)) throw platformFailure(err);
      }
    }
    await this.db.manager.update(WecomChannel, { id }, { active: false, configId: null, updatedAt: new Date() });
    this.forget(c.state);
  }

  async contacts(staff: StaffPrincipal, id: number, q: { page: number; pageSize: number }) {
    await this.visible(staff, id);
    const [rows, total] = await this.db.manager.findAndCount(ChannelAdd, {
      where: { channelId: id },
      order: { id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    const ids = rows.map((r) => r.externalUserId);
    const contacts = ids.length ? await this.db.manager.find(WecomContact, { where: { externalUserId: In(ids) } }) : [];
    const byId = new Map(contacts.map((c) => [c.externalUserId, c]));
    const welcomes: Array<{ inbox_id: number; delay_ms: number | null }> = rows.length
      ? await this.db.manager.query(
          `SELECT inbox_id, delay_ms FROM wecom_welcome_log WHERE inbox_id IN (${rows.map(() => '?').join(',')})`,
          rows.map((r) => r.inboxId),
        )
      : [];
    const delay = new Map(welcomes.map((w) => [Number(w.inbox_id), w.delay_ms === null ? null : Number(w.delay_ms)]));
    const [staffNames, memberNames] = await Promise.all([
      this.directory.staffNames(rows.map((r) => r.userId)),
      this.directory.memberNames(contacts.map((c) => c.memberId)),
    ]);
    return {
      items: rows.map((r) => ({
        externalUserId: r.externalUserId,
        name: byId.get(r.externalUserId)?.name ?? null,
        staffUserId: r.userId,
        memberId: byId.get(r.externalUserId)?.memberId ?? null,
        addedAt: iso(r.addedAt),
        deletedAt: iso(r.deletedAt),
        welcomeDelayMs: delay.get(r.inboxId) ?? null,
        staffName: staffNames.get(r.userId) ?? null,
        memberName: (() => {
          const m = byId.get(r.externalUserId)?.memberId;
          return m ? (memberNames.get(m) ?? null) : null;
        })(),
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** Adds, deletes, adds today and 7-day retention per channel, one grouped query. */
  async stats(ids: number[], now: Date): Promise<Map<number, ChannelView['stats']>> {
    const out = new Map<number, ChannelView['stats']>();
    if (!ids.length) return out;
    const today = dayStart(now);
    const weekAgo = new Date(now.getTime() - 7 * DAY);
    const rows: Array<Record<string, unknown>> = await this.db.manager
      .createQueryBuilder(ChannelAdd, 'a')
      .select('a.channel_id', 'channelId')
      .addSelect('COUNT(*)', 'adds')
      .addSelect('SUM(CASE WHEN a.deleted_at IS NOT NULL THEN 1 ELSE 0 END)', 'deletes')
      .addSelect('SUM(CASE WHEN a.added_at >= :today THEN 1 ELSE 0 END)', 'addsToday')
      .addSelect('SUM(CASE WHEN a.added_at <= :weekAgo THEN 1 ELSE 0 END)', 'eligible')
      .addSelect('SUM(CASE WHEN a.added_at <= :weekAgo AND a.lost_within_7d = :no THEN 1 ELSE 0 END)', 'retained')
      .where('a.channel_id IN (:...ids)', { ids })
      .setParameters({ today, weekAgo, no: false })
      .groupBy('a.channel_id')
      .getRawMany();
    for (const id of ids) out.set(id, { adds: 0, deletes: 0, addsToday: 0, retention7d: { eligible: 0, retained: 0, rate: null } });
    for (const r of rows) {
      const eligible = Number(r.eligible ?? 0);
      const retained = Number(r.retained ?? 0);
      out.set(Number(r.channelId), {
        adds: Number(r.adds ?? 0),
        deletes: Number(r.deletes ?? 0),
        addsToday: Number(r.addsToday ?? 0),
        retention7d: { eligible, retained, rate: eligible ? Math.round((retained / eligible) * 1000) / 1000 : null },
      });
    }
    return out;
  }

  view(c: WecomChannel, stats?: ChannelView['stats']): ChannelView {
    return {
      id: c.id,
      name: c.name,
      kind: c.kind,
      state: c.state,
      configId: c.configId,
      qrCode: c.qrCode,
      type: c.wayType === 1 ? 'single' : 'multi',
      skipVerify: !!c.skipVerify,
      staffUserIds: jsonList(c.staffUserIds),
      backupUserIds: jsonList(c.backupUserIds),
      dailyCapPerStaff: c.dailyCap,
      routedUserIds: jsonList(c.routedUserIds),
      tagNames: jsonList(c.tagNames),
      welcome: channelWelcome(c),
      storeId: c.storeId,
      referrerMemberId: c.referrerMemberId,
      active: !!c.active,
      stats: stats ?? { adds: 0, deletes: 0, addsToday: 0, retention7d: { eligible: 0, retained: 0, rate: null } },
      createdAt: iso(c.createdAt),
      updatedAt: iso(c.updatedAt),
    };
  }

  // ---- referral codes ----

  /** The member's personal code: a copy of the referral template channel with state ref_<memberId>. */
  async referralCode(memberId: number): Promise<{ state: string; qrCode: string | null; staffName: string | null }> {
    let mine = await this.db.manager.findOne(WecomChannel, { where: { referrerMemberId: memberId, active: true } });
    if (!mine) {
      const template = await this.db.manager.findOne(WecomChannel, {
        where: { kind: 'referral', referrerMemberId: IsNull(), active: true },
        order: { id: 'ASC' },
      });
      if (!template) throw new AppError('REFERRAL_NOT_CONFIGURED');
      const member = await this.directory.member(memberId);
      if (!member?.active) throw new AppError('ACCOUNT_DELETED');
      const state = `${REFERRAL_STATE_PREFIX}${memberId}`;
      // a retired personal code keeps its row (history); reuse it by re-creating its contact way
      const old = await this.db.manager.findOne(WecomChannel, { where: { state } });
      if (old) await this.db.manager.delete(WecomChannel, { id: old.id, active: false });
      try {
        mine = await this.insertChannel({
          name: `邀请码·${memberId}`,
          kind: 'referral',
          type: template.wayType === 1 ? 'single' : 'multi',
          skipVerify: !!template.skipVerify,
          staffUserIds: jsonList(template.staffUserIds),
          backupUserIds: jsonList(template.backupUserIds),
          dailyCapPerStaff: template.dailyCap,
          tagNames: jsonList(template.tagNames),
          welcome: channelWelcome(template),
          storeId: member.storeId ?? template.storeId,
          state,
          referrerMemberId: memberId,
          createdBy: null,
        });
      } catch (err) {
        // two taps at once: the other request created it
        if (err instanceof AppError && err.code === 'CHANNEL_STATE_TAKEN') mine = await this.db.manager.findOneByOrFail(WecomChannel, { state });
        else throw err;
      }
    }
    const first = jsonList(mine.routedUserIds)[0];
    const staff = first ? await this.directory.staffByUserId(first) : null;
    return { state: mine.state, qrCode: mine.qrCode, staffName: staff?.displayName ?? null };
  }

  /** ref_<id> -> id */
  static referrerFromState(state: string | null | undefined): number | null {
    if (!state || !state.startsWith(REFERRAL_STATE_PREFIX)) return null;
    const n = Number(state.slice(REFERRAL_STATE_PREFIX.length));
    return Number.isInteger(n) && n > 0 ? n : null;
  }

  // ---- attribution and routing ----

  /** Record an add (idempotent by inbox row); returns false when it was recorded before. */
  async recordAdd(
    em: EntityManager,
    o: { inboxId: number; channel: WecomChannel | null; state: string | null; externalUserId: string; userId: string; addedAt: Date },
  ): Promise<boolean> {
    try {
      await em.insert(ChannelAdd, {
        inboxId: o.inboxId,
        channelId: o.channel?.id ?? null,
        state: o.state,
        externalUserId: o.externalUserId,
        userId: o.userId,
        referrerMemberId: o.channel?.referrerMemberId ?? ChannelService.referrerFromState(o.state),
        addedAt: o.addedAt,
        deletedAt: null,
        lostWithin7d: false,
        deleteReason: null,
      });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** The friendship ended: close the open add rows of the pair. */
  async recordLoss(em: EntityManager, o: { externalUserId: string; userId: string; at: Date; reason: 'customer_deleted' | 'staff_deleted' }): Promise<number> {
    const open = await em.find(ChannelAdd, { where: { externalUserId: o.externalUserId, userId: o.userId, deletedAt: IsNull() } });
    for (const a of open) {
      await em.update(
        ChannelAdd,
        { id: a.id, deletedAt: IsNull() },
        { deletedAt: o.at, deleteReason: o.reason, lostWithin7d: o.at.getTime() - a.addedAt.getTime() < 7 * DAY },
      );
    }
    return open.length;
  }

  /** Who the way should route to now: primary staff below today's cap, else the backups. */
  async desiredRouting(c: WecomChannel, now: Date, em: EntityManager = this.db.manager): Promise<string[]> {
    const staff = jsonList(c.staffUserIds);
    const backup = jsonList(c.backupUserIds);
    if (!c.dailyCap) return c.wayType === 1 ? staff.slice(0, 1) : staff;
    const rows: Array<{ userId: string; n: string | number }> = await em
      .createQueryBuilder(ChannelAdd, 'a')
      .select('a.user_id', 'userId')
      .addSelect('COUNT(*)', 'n')
      .where('a.channel_id = :id AND a.added_at >= :day', { id: c.id, day: dayStart(now) })
      .groupBy('a.user_id')
      .getRawMany();
    const count = new Map(rows.map((r) => [r.userId, Number(r.n)]));
    let routed = staff.filter((u) => (count.get(u) ?? 0) < c.dailyCap);
    if (!routed.length) routed = backup.length ? backup : staff; // nobody left under the cap: keep taking adds rather than lose them
    return c.wayType === 1 ? routed.slice(0, 1) : routed;
  }

  /**
   * Re-route the contact way if the cap situation changed: compare-and-set on the stored routing,
   * then an outbound update_contact_way carrying the new version (older versions are dropped).
   */
  async rebalance(em: EntityManager, channelId: number, now: Date): Promise<boolean> {
    const c = await em.findOne(WecomChannel, { where: { id: channelId } });
    if (!c || !c.active || !c.configId) return false;
    const desired = await this.desiredRouting(c, now, em);
    if (sameUsers(desired, jsonList(c.routedUserIds))) return false;
    const r = await em
      .createQueryBuilder()
      .update(WecomChannel)
      .set({ routedUserIds: desired, routingVersion: c.routingVersion + 1, updatedAt: now })
      .where('id = :id AND routing_version = :v', { id: c.id, v: c.routingVersion })
      .execute();
    if ((r.affected ?? 0) !== 1) return false;
    const payload: UpdateWayPayload = { channelId: c.id, configId: c.configId, users: desired, version: c.routingVersion + 1 };
    await enqueueOutbound(em, { idemKey: `way:${c.id}:v${payload.version}`, kind: 'update_contact_way', payload, ref: `channel:${c.id}`, now });
    this.db.afterCommit(em, () => this.kick.kick());
    return true;
  }

  /** Job: every capped channel (e.g. back to the primary staff after midnight). */
  async rebalanceAll(now: Date): Promise<number> {
    const ids = (await this.db.manager.find(WecomChannel, { where: { active: true }, select: { id: true, dailyCap: true } }))
      .filter((c) => c.dailyCap > 0)
      .map((c) => c.id);
    let changed = 0;
    for (const id of ids) if (await this.db.transaction((em) => this.rebalance(em, id, now))) changed++;
    return changed;
  }

  @OutboundHandler('update_contact_way')
  updateWayHandler(): OutboundSender<UpdateWayPayload> {
    return {
      idempotent: true,
      stale: async (p) => {
        const c = await this.db.manager.findOne(WecomChannel, {
          where: { id: p.channelId },
          select: { id: true, routingVersion: true, active: true, configId: true },
        });
        return !c || !c.active || c.configId !== p.configId || c.routingVersion !== p.version;
      },
      send: (p) => this.api.updateContactWay(p.configId, { users: p.users }),
    };
  }
}

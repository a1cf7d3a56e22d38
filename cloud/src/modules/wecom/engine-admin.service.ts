/** Ops views of the WeCom engine: welcome log with delay percentiles, callback inbox, outbound queue, call log. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { RouteResponse } from '../../../../contracts/route';
import type * as api from '../../../../contracts/wecom';
import type { StaffPrincipal } from '../../core/auth/principal';
import { WecomDirectory } from './directory.service';
import { Db, iso } from '../../core/db';
import { WECOM_CLIENT } from '../../platform/types';
import type { HttpWecomClient } from '../../platform/wecom.client';
import { CallbackInbox, type InboxStatus } from './entities/callback-inbox.entity';
import { WecomChannel } from './entities/channel.entity';
import { WecomOutbound, type OutboundStatus } from './entities/outbound.entity';
import { WelcomeLog, type WelcomeStatus } from './entities/welcome-log.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class EngineAdminService {
  @Inject()
  db!: Db;

  @Inject()
  directory!: WecomDirectory;

  @Inject(WECOM_CLIENT)
  client!: HttpWecomClient;

  async welcomes(
    staff: StaffPrincipal,
    q: { page: number; pageSize: number; status?: WelcomeStatus; channelId?: number },
  ): Promise<RouteResponse<typeof api.listWelcomes>> {
    const base = () => {
      const qb = this.db.manager.createQueryBuilder(WelcomeLog, 'w');
      if (staff.role !== 'hq_admin') {
        // store managers: welcomes of their store's channels
        qb.innerJoin(WecomChannel, 'c', 'c.id = w.channel_id').andWhere('c.store_id = :sid', { sid: staff.storeId ?? -1 });
      }
      if (q.channelId) qb.andWhere('w.channel_id = :cid', { cid: q.channelId });
      return qb;
    };
    const list = base()
      .orderBy('w.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    if (q.status) list.andWhere('w.status = :st', { st: q.status });
    const [rows, total] = await list.getManyAndCount();
    const sent = await base().andWhere('w.status = :s', { s: 'sent' }).getCount();
    const all = await base().getCount();
    const pct = async (p: number): Promise<number | null> => {
      if (!sent) return null;
      const k = Math.min(sent - 1, Math.max(0, Math.ceil(p * sent) - 1));
      const r = await base()
        .select('w.delay_ms', 'd')
        .andWhere('w.status = :s', { s: 'sent' })
        .orderBy('w.delay_ms', 'ASC')
        .offset(k)
        .limit(1)
        .getRawOne<{ d: number }>();
      return r ? Number(r.d) : null;
    };
    const names = new Map((rows.length ? await this.db.manager.find(WecomChannel, { select: { id: true, name: true } }) : []).map((c) => [c.id, c.name]));
    const [customers, staffNames] = await Promise.all([
      this.directory.contactNames(rows.map((w) => w.externalUserId)),
      this.directory.staffNames(rows.map((w) => w.userId)),
    ]);
    return {
      items: rows.map((w) => ({
        id: w.id,
        externalUserId: w.externalUserId,
        staffUserId: w.userId,
        customerName: customers.get(w.externalUserId) ?? null,
        staffName: staffNames.get(w.userId) ?? null,
        channelName: w.channelId ? (names.get(w.channelId) ?? null) : null,
        eventAt: iso(w.eventAt),
        sentAt: iso(w.sentAt),
        delayMs: w.delayMs,
        processingMs: w.processingMs,
        status: w.status,
        errcode: w.errcode,
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
      p50Ms: await pct(0.5),
      p99Ms: await pct(0.99),
      sent,
      notSent: all - sent,
    };
  }

  async callbacks(q: { page: number; pageSize: number; status?: InboxStatus }): Promise<RouteResponse<typeof api.listCallbacks>> {
    const [rows, total] = await this.db.manager.findAndCount(CallbackInbox, {
      where: q.status ? { status: q.status } : {},
      order: { id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    const [customers, staff] = await Promise.all([
      this.directory.contactNames(rows.map((r) => r.externalUserId).filter((x): x is string => !!x)),
      this.directory.staffNames(rows.map((r) => r.userId)),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        event: r.event,
        changeType: r.changeType,
        externalUserId: r.externalUserId,
        staffUserId: r.userId,
        customerName: r.externalUserId ? (customers.get(r.externalUserId) ?? null) : null,
        staffName: r.userId ? (staff.get(r.userId) ?? null) : null,
        eventAt: iso(r.eventAt),
        receivedAt: iso(r.receivedAt),
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async outbound(q: { page: number; pageSize: number; status?: OutboundStatus; kind?: string }): Promise<RouteResponse<typeof api.listOutbound>> {
    const where: Record<string, string> = {};
    if (q.status) where.status = q.status;
    if (q.kind) where.kind = q.kind;
    const [rows, total] = await this.db.manager.findAndCount(WecomOutbound, {
      where,
      order: { id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    const counts: Array<{ status: string; n: string | number }> = await this.db.manager
      .createQueryBuilder(WecomOutbound, 'o')
      .select('o.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('o.status')
      .getRawMany();
    return {
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        idemKey: r.idemKey,
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
        createdAt: iso(r.createdAt),
        sentAt: iso(r.sentAt),
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
      counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])),
    };
  }

  calls(): RouteResponse<typeof api.listPlatformCalls> {
    return {
      items: this.client
        .recentCalls()
        .filter((c) => c.platform === 'wecom')
        .map((c) => ({ at: c.at, api: c.api, errcode: c.errcode, outcome: c.outcome, ms: c.ms })),
    };
  }
}

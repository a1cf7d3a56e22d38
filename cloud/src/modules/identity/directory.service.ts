/**
 * WeCom address-book sync (通讯录): staff come from the directory (department → store through
 * store.wecom_department_id, userid, name), on demand from the ops page and nightly, so the
 * sidebar's OAuth finds its staff. Members who left are disabled and their customers handed to a
 * colleague through 离职继承 (resigned/transfer_customer), each transfer tracked until WeCom
 * reports it done, refused or over the colleague's limit.
 *
 * Secrets: the address book is read with the self-built app's token (自建应用, its visible range
 * must cover the stores' departments); the unassigned list and transfers need the customer-contact
 * secret.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, IsNull, Not } from 'typeorm';
import type { DirectorySyncResult } from '../../../../contracts/org';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { Job, type JobContext } from '../../core/jobs';
import { WECOM_CLIENT, PlatformError } from '../../platform/types';
import type { HttpWecomClient } from '../../platform/wecom.client';
import { audit, createAccount, DIRECTORY_ACTOR, updateAccount } from './accounts';
import { StaffUser } from './entities/staff-user.entity';
import { Store } from './entities/store.entity';
import { type HandoverStatus, WecomHandover } from './entities/wecom-handover.entity';

interface WxDepartment {
  id: number;
  name: string;
  parentid: number;
}
interface WxDirectoryUser {
  userid: string;
  name: string;
  department: number[];
}

/** transfer_result status -> ours. */
const RESULT_STATUS: Record<number, HandoverStatus> = { 1: 'done', 2: 'waiting', 3: 'refused', 4: 'limit' };

/** The store a member works at: their first department mapped to a store, looking up the tree. */
export function storeForDepartments(departments: number[], parents: Map<number, number>, storeByDept: Map<number, number>): number | null {
  for (const start of departments) {
    for (let d: number | undefined = start, hops = 0; d !== undefined && d !== 0 && hops < 50; d = parents.get(d), hops++) {
      const store = storeByDept.get(d);
      if (store !== undefined) return store;
    }
  }
  return null;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class DirectoryService {
  @Inject()
  db!: Db;

  @Inject(WECOM_CLIENT)
  wecom!: HttpWecomClient;

  private wrap<T>(p: Promise<T>): Promise<T> {
    return p.catch((err) => {
      if (err instanceof PlatformError) throw new AppError('WECOM_API_FAILED', `企业微信接口调用失败（${err.errcode}）`);
      if (err instanceof AppError) throw err;
      throw new AppError('UPSTREAM_UNAVAILABLE');
    });
  }

  async sync(now = new Date()): Promise<DirectorySyncResult> {
    const { department } = await this.wrap(this.wecom.call<{ department: WxDepartment[] }>('agent', 'department/list', { path: '/cgi-bin/department/list' }));
    const { userlist } = await this.wrap(
      this.wecom.call<{ userlist: WxDirectoryUser[] }>('agent', 'user/simplelist', {
        path: '/cgi-bin/user/simplelist',
        query: { department_id: 1, fetch_child: 1 },
      }),
    );
    const parents = new Map(department.map((d) => [d.id, d.parentid]));
    const stores = await this.db.manager.find(Store, { where: { wecomDepartmentId: Not(IsNull()) }, select: { id: true, wecomDepartmentId: true } });
    const storeByDept = new Map(stores.map((s) => [s.wecomDepartmentId as number, s.id]));
    const result: DirectorySyncResult = {
      departments: department.length,
      created: [],
      updated: [],
      departed: [],
      unmapped: [],
      handovers: { requested: 0, failed: 0 },
    };
    const seen = new Set<string>();

    for (const u of userlist) {
      if (seen.has(u.userid)) continue;
      seen.add(u.userid);
      const storeId = storeForDepartments(u.department ?? [], parents, storeByDept);
      if (storeId === null) result.unmapped.push(u.userid);
      await this.db.transaction(async (em) => {
        const existing = await em.findOne(StaffUser, { where: { wecomUserId: u.userid } });
        if (!existing) {
          // WeCom-only account (no password): the sidebar signs it in through OAuth; HQ sets the role
          const username = (await em.findOne(StaffUser, { where: { username: u.userid }, select: { id: true } })) ? `wecom.${u.userid}` : u.userid;
          try {
            await createAccount(em, DIRECTORY_ACTOR, {
              username,
              displayName: u.name.slice(0, 64),
              role: 'staff',
              storeId,
              wecomUserId: u.userid,
              passwordHash: null,
              mustChangePassword: false,
            });
          } catch (err) {
            if (err instanceof AppError && (err.code === 'USERNAME_TAKEN' || err.code === 'WECOM_USERID_TAKEN')) return; // a concurrent sync created it
            throw err;
          }
          await em.update(StaffUser, { wecomUserId: u.userid }, { directorySyncedAt: now });
          result.created.push(u.userid);
          return;
        }
        const patch: { displayName?: string; storeId?: number | null; active?: boolean } = {};
        if (existing.displayName !== u.name) patch.displayName = u.name.slice(0, 64);
        // a mapped department decides the store; unmapped ones leave what HQ set by hand
        if (storeId !== null && existing.storeId !== storeId && existing.role !== 'hq_admin') patch.storeId = storeId;
        // back in the directory after leaving: enabled again (disabled by hand stays disabled)
        if (!existing.active && existing.departedAt) patch.active = true;
        if (Object.keys(patch).length) {
          await updateAccount(em, DIRECTORY_ACTOR, existing.id, patch);
          result.updated.push(u.userid);
        }
        await em.update(StaffUser, { id: existing.id }, { directorySyncedAt: now });
      });
    }

    // departures: linked accounts no longer in the directory. An empty answer is a misconfigured
    // visible range far more often than a chain with nobody left, so it disables nobody.
    if (seen.size > 0) {
      const linked = await this.db.manager.find(StaffUser, { where: { wecomUserId: Not(IsNull()), active: true } });
      for (const s of linked) {
        if (seen.has(s.wecomUserId as string)) continue;
        await this.db.transaction(async (em) => {
          try {
            await updateAccount(em, DIRECTORY_ACTOR, s.id, { active: false });
          } catch (err) {
            // the last HQ admin stays enabled (someone must be able to sign in); still recorded below
            if (!(err instanceof AppError && err.code === 'LAST_ADMIN')) throw err;
          }
          await em.update(StaffUser, { id: s.id }, { departedAt: now });
        });
        result.departed.push(s.wecomUserId as string);
      }
    }
    await this.db.transaction((em) =>
      audit(
        em,
        DIRECTORY_ACTOR,
        'directory.sync',
        { kind: 'directory', id: null },
        { departments: result.departments, created: result.created.length, updated: result.updated.length, departed: result.departed },
      ),
    );
    result.handovers = await this.handOver(now);
    await this.refreshHandovers(now);
    return result;
  }

  /** Who takes a departed member's customers: their store's manager, else an HQ admin, on WeCom. */
  private async takeoverFor(handoverUserid: string): Promise<string | null> {
    const gone = await this.db.manager.findOne(StaffUser, { where: { wecomUserId: handoverUserid } });
    const candidates = await this.db.manager.find(StaffUser, {
      where: { active: true, wecomUserId: Not(IsNull()), role: In(['store_manager', 'hq_admin']) },
      order: { id: 'ASC' },
    });
    const pick =
      candidates.find((c) => c.role === 'store_manager' && gone?.storeId != null && c.storeId === gone.storeId && c.wecomUserId !== handoverUserid) ??
      candidates.find((c) => c.role === 'hq_admin' && c.wecomUserId !== handoverUserid);
    return pick?.wecomUserId ?? null;
  }

  /** Customers of departed members waiting in WeCom's unassigned list: ask a colleague to take them. */
  async handOver(now = new Date()): Promise<{ requested: number; failed: number }> {
    const waiting: Array<{ handover_userid: string; external_userid: string }> = [];
    for (let cursor = '', page = 0; page < 100; page++) {
      const r = await this.wrap(
        this.wecom.call<{ info: Array<{ handover_userid: string; external_userid: string }>; is_last: boolean; next_cursor: string }>(
          'contact',
          'externalcontact/get_unassigned_list',
          {
            path: '/cgi-bin/externalcontact/get_unassigned_list',
            method: 'POST',
            body: { cursor, page_size: 1000 },
          },
        ),
      );
      waiting.push(...(r.info ?? []));
      if (r.is_last || !r.next_cursor) break;
      cursor = r.next_cursor;
    }
    const byHandover = new Map<string, string[]>();
    for (const w of waiting) byHandover.set(w.handover_userid, [...(byHandover.get(w.handover_userid) ?? []), w.external_userid]);
    let requested = 0;
    let failed = 0;
    for (const [handover, ids] of byHandover) {
      const takeover = await this.takeoverFor(handover);
      if (!takeover) continue;
      // one row per customer first (unique per departed member + customer): a retried sync asks once
      const fresh: string[] = [];
      for (const id of ids) {
        try {
          await this.db.manager.insert(WecomHandover, {
            handoverUserid: handover,
            takeoverUserid: takeover,
            externalUserid: id,
            status: 'requested',
            errcode: null,
            requestedAt: now,
            updatedAt: now,
          });
          fresh.push(id);
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          const row = await this.db.manager.findOne(WecomHandover, { where: { handoverUserid: handover, externalUserid: id } });
          // only a request that never reached WeCom (crash in between) goes out again
          if (row?.status === 'requested') fresh.push(id);
        }
      }
      for (let i = 0; i < fresh.length; i += 100) {
        const batch = fresh.slice(i, i + 100);
        const r = await this.wrap(
          this.wecom.call<{ customer: Array<{ external_userid: string; errcode: number }> }>('contact', 'externalcontact/resigned/transfer_customer', {
            path: '/cgi-bin/externalcontact/resigned/transfer_customer',
            method: 'POST',
            body: { handover_userid: handover, takeover_userid: takeover, external_userid: batch },
          }),
        );
        for (const c of r.customer ?? []) {
          const ok = c.errcode === 0;
          if (ok) requested++;
          else failed++;
          await this.db.manager.update(
            WecomHandover,
            { handoverUserid: handover, externalUserid: c.external_userid },
            { status: ok ? 'waiting' : 'failed', errcode: ok ? null : c.errcode, updatedAt: now },
          );
        }
      }
    }
    return { requested, failed };
  }

  /** Asks WeCom where each waiting transfer stands. */
  async refreshHandovers(now = new Date()): Promise<void> {
    const rows = await this.db.manager.find(WecomHandover, { where: { status: 'waiting' } });
    const pairs = new Map<string, { handover: string; takeover: string }>();
    for (const r of rows) pairs.set(`${r.handoverUserid}\n${r.takeoverUserid}`, { handover: r.handoverUserid, takeover: r.takeoverUserid });
    for (const p of pairs.values()) {
      let cursor = '';
      for (let page = 0; page < 100; page++) {
        const r = await this.wrap(
          this.wecom.call<{ customer: Array<{ external_userid: string; status: number }>; next_cursor: string }>(
            'contact',
            'externalcontact/resigned/transfer_result',
            {
              path: '/cgi-bin/externalcontact/resigned/transfer_result',
              method: 'POST',
              body: { handover_userid: p.handover, takeover_userid: p.takeover, cursor },
            },
          ),
        );
        for (const c of r.customer ?? []) {
          const status = RESULT_STATUS[c.status];
          if (status && status !== 'waiting') {
            await this.db.manager.update(
              WecomHandover,
              { handoverUserid: p.handover, externalUserid: c.external_userid, status: 'waiting' },
              { status, updatedAt: now },
            );
          }
        }
        if (!r.next_cursor) break;
        cursor = r.next_cursor;
      }
    }
  }

  async listHandovers(query: { page: number; pageSize: number }) {
    const [rows, total] = await this.db.manager.findAndCount(WecomHandover, {
      order: { id: 'DESC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return {
      items: rows.map((r) => ({
        id: r.id,
        handoverUserid: r.handoverUserid,
        takeoverUserid: r.takeoverUserid,
        externalUserid: r.externalUserid,
        status: r.status,
        errcode: r.errcode,
        updatedAt: iso(r.updatedAt),
      })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  /** Nightly at 02:40 Beijing: the directory, new departures' hand-overs, and transfer results. */
  @Job({ name: 'identity.directory-sync', cron: '40 2 * * *', leaseSeconds: 900 })
  async nightly(ctx: JobContext): Promise<void> {
    const r = await this.sync(ctx.now());
    ctx.logger.info(
      `[directory] ${r.created.length} created, ${r.updated.length} updated, ${r.departed.length} departed, ${r.handovers.requested} hand-overs requested`,
    );
  }
}

/**
 * Processes the callback inbox. New rows are handed over in-process right after their insert
 * (no polling delay for the welcome); the `wecom.inbox` job picks up whatever was left behind
 * (a crash, a retry that is due). Rows are claimed with a conditional UPDATE, so two workers
 * never process the same row at once; every step is idempotent (welcome log, attribution and
 * outbound rows have unique keys), and the follow-up commits together with the row's `done`.
 *
 * add_external_contact: welcome FIRST (no WeCom call before it), then externalcontact/get, the
 * member link (unionid), attribution to the channel, the channel's tags (outbound mark_tag),
 * ContactAdded / ReferralContactAdded, and re-routing when a staff member reached the daily cap.
 */
import { Destroy, Inject, Logger, type ILogger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { Db, isUniqueViolation } from '../../core/db';
import { EventBus } from '../../core/events/event-bus';
import { PlatformError, PlatformUnavailableError } from '../../platform/types';
import { WecomContactApi, type WxExternalContact, type WxFollowUser } from '../../platform/wecom-externalcontact';
import { TagSyncService } from '../tags';
import { CallbackInbox } from './entities/callback-inbox.entity';
import { WecomChannel, jsonList } from './entities/channel.entity';
import { ChannelService } from './channel.service';
import { WecomDirectory } from './directory.service';
import { WecomGroupSync } from './group-sync.service';
import { WelcomeService } from './welcome.service';
import { WecomContact } from './entities/wecom-contact.entity';
import './events';

const LOCK_MS = 60_000;
/** Follow-ups start once no new add has arrived for this long (or the oldest has waited 10 s). */
const FOLLOW_QUIET_MS = 250;

interface Item {
  row: CallbackInbox;
  fresh: boolean;
  claimed: boolean;
  since: number;
  fields?: Record<string, string>;
  channel?: WecomChannel | null;
  /** Processing ended early (not claimed / failed): forget the id so a retry can be submitted. */
  dropped?: boolean;
}
const MAX_ATTEMPTS = 10;
/** WeCom answered: the customer is no longer a contact / the id is unknown. */
const GONE = new Set([84061, 40096]);

export interface InboxHooks {
  /** Test hook: after the welcome, before anything else. */
  afterWelcome?(row: CallbackInbox): void | Promise<void>;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class InboxWorker {
  @Inject()
  db!: Db;

  @Inject()
  api!: WecomContactApi;

  @Inject()
  welcome!: WelcomeService;

  @Inject()
  channels!: ChannelService;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  events!: EventBus;

  @Inject()
  tagSync!: TagSyncService;

  @Inject()
  groupSync!: WecomGroupSync;

  @Logger()
  logger!: ILogger;

  hooks: InboxHooks = {};
  /** Welcomes sent at once (a burst of adds goes out in parallel). */
  welcomeConcurrency = 256;
  /** Follow-ups (sync, link, tags, attribution) at once, while no welcome is waiting. */
  followConcurrency = 3;

  private welcomeQ: Item[] = [];
  private followQ: Item[] = [];
  private queued = new Set<number>();
  /** poll() waits for its own rows only (not for a burst's follow-ups, which would hold the job and shutdown). */
  private settledWaiters = new Map<number, Array<() => void>>();
  private activeWelcome = 0;
  private activeFollow = 0;
  private idleWaiters: Array<() => void> = [];
  private pending = new Set<Promise<unknown>>();
  private lastSubmitAt = 0;
  private stopped = false;
  private quietTimer: NodeJS.Timeout | null = null;

  /**
   * Hand over a row. `fresh` = just inserted by this instance's callback: it is ours for the grace
   * period (the job leaves it alone), so the welcome goes out without a claim write first.
   */
  submit(row: CallbackInbox, fresh = false): void {
    if (this.stopped || this.queued.has(row.id)) return;
    this.queued.add(row.id);
    if (fresh) this.lastSubmitAt = Date.now();
    this.welcomeQ.push({ row, fresh, claimed: false, since: Date.now() });
    this.pump();
  }

  /**
   * Welcomes first: follow-ups start only when no welcome is waiting or being sent (or when the
   * oldest follow-up has waited 10 s), so a burst of adds is welcomed before any of them is synced.
   */
  private pump(): void {
    if (this.stopped) {
      for (const it of [...this.welcomeQ, ...this.followQ]) this.settle(it.row.id);
      this.welcomeQ.length = 0;
      this.followQ.length = 0;
      if (!this.activeWelcome && !this.activeFollow) this.idleWaiters.splice(0).forEach((r) => r());
      return;
    }
    while (this.activeWelcome < this.welcomeConcurrency && this.welcomeQ.length) {
      const item = this.welcomeQ.shift()!;
      this.activeWelcome++;
      this.run(
        () => this.welcomeStage(item),
        () => this.activeWelcome--,
        item,
        false,
      );
    }
    // while adds keep arriving (a burst), follow-ups wait for a quiet moment
    const quietFor = Date.now() - this.lastSubmitAt;
    const welcomesBusy = this.welcomeQ.length > 0 || this.activeWelcome > 0 || quietFor < FOLLOW_QUIET_MS;
    const starving = this.followQ.length > 0 && Date.now() - this.followQ[0].since > 10_000;
    const limit = welcomesBusy ? (starving ? 1 : 0) : this.followConcurrency;
    if (this.followQ.length && welcomesBusy && !this.quietTimer) {
      this.quietTimer = setTimeout(
        () => {
          this.quietTimer = null;
          this.pump();
        },
        Math.max(10, FOLLOW_QUIET_MS - quietFor),
      );
      this.quietTimer.unref();
    }
    while (this.activeFollow < limit && this.followQ.length) {
      const item = this.followQ.shift()!;
      this.activeFollow++;
      this.run(
        () => this.followStage(item),
        () => this.activeFollow--,
        item,
        true,
      );
    }
    if (this.activeWelcome === 0 && this.activeFollow === 0 && !this.welcomeQ.length && !this.followQ.length) {
      this.idleWaiters.splice(0).forEach((r) => r());
    }
  }

  private run(fn: () => Promise<void>, release: () => void, item: Item, last: boolean): void {
    fn()
      .catch((err) => this.logger?.error('[wecom inbox] #%d crashed: %s', item.row.id, (err as Error).stack ?? err))
      .finally(() => {
        release();
        if (last || item.dropped) this.settle(item.row.id);
        this.pump();
      });
  }

  private settle(id: number): void {
    this.queued.delete(id);
    const waiters = this.settledWaiters.get(id);
    if (waiters) {
      this.settledWaiters.delete(id);
      waiters.forEach((r) => r());
    }
  }

  private settled(id: number): Promise<void> {
    if (!this.queued.has(id)) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.set(id, [...(this.settledWaiters.get(id) ?? []), resolve]));
  }

  /** Fire-and-forget work started from an after-commit hook (awaiting it there would deadlock SQLite's queue). */
  private background(fn: () => Promise<unknown>): void {
    const p = fn()
      .catch((err) => this.logger?.warn('[wecom inbox] background step failed: %s', (err as Error).message))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /**
   * Shutdown: start nothing new and let running steps finish; queued rows stay 'pending' in the
   * inbox and the next instance's job picks them up after the grace period.
   */
  @Destroy()
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.pump();
    await Promise.race([this.idle().catch(() => undefined), new Promise((r) => setTimeout(r, 3_000).unref())]);
  }

  /** Resolves when nothing is queued or running (tests, job). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.activeWelcome || this.activeFollow || this.welcomeQ.length || this.followQ.length) await new Promise<void>((r) => this.idleWaiters.push(r));
      else if (this.pending.size) await Promise.allSettled([...this.pending]);
      else {
        await this.welcome.flush();
        return;
      }
    }
  }

  /** Job: submit every due row (pending and due, or processing with an expired lock) and wait for those rows. */
  async poll(now = new Date(), limit = 500): Promise<number> {
    const rows = await this.db.manager
      .createQueryBuilder(CallbackInbox, 'i')
      .where('(i.status = :p AND i.next_attempt_at <= :now) OR (i.status = :r AND i.locked_until < :now)', { p: 'pending', r: 'processing', now })
      .orderBy('i.id', 'ASC')
      .take(limit)
      .getMany();
    rows.forEach((r) => this.submit(r));
    await Promise.all(rows.map((r) => this.settled(r.id)));
    await Promise.allSettled([...this.pending]);
    await this.welcome.flush();
    return rows.length;
  }

  /** Conditional claim: fresh rows from 'pending'; others only when due (or a dead holder's lock expired). */
  private async claim(item: Item): Promise<boolean> {
    const now = new Date();
    const qb = this.db.manager
      .createQueryBuilder()
      .update(CallbackInbox)
      .set({ status: 'processing', attempts: () => 'attempts + 1', lockedUntil: new Date(now.getTime() + LOCK_MS) });
    if (item.fresh) qb.where('id = :id AND status = :p', { id: item.row.id, p: 'pending' });
    else
      qb.where('id = :id AND ((status = :p AND next_attempt_at <= :now) OR (status = :r AND locked_until < :now))', {
        id: item.row.id,
        p: 'pending',
        r: 'processing',
        now,
      });
    const r = await qb.execute();
    item.claimed = (r.affected ?? 0) === 1;
    return item.claimed;
  }

  private async welcomeStage(item: Item): Promise<void> {
    const { row } = item;
    const f = JSON.parse(row.payload) as Record<string, string>;
    item.fields = f;
    if (!item.fresh && !(await this.claim(item))) {
      item.dropped = true;
      return;
    }
    const isAdd = f.Event === 'change_external_contact' && (f.ChangeType === 'add_external_contact' || f.ChangeType === 'add_half_external_contact');
    if (isAdd && f.ExternalUserID && f.UserID && (item.fresh || !(await this.welcome.alreadyHandled(row.id)))) {
      try {
        item.channel = (await this.welcome.sendFor(row, f)).channel;
      } catch (err) {
        // WeCom unreachable and the code still valid: try again shortly (the follow-up waits)
        await this.fail(item, err);
        return;
      }
    }
    this.followQ.push({ ...item, since: Date.now() });
  }

  private async followStage(item: Item): Promise<void> {
    if (!item.claimed && !(await this.claim(item))) return;
    try {
      await this.hooks.afterWelcome?.(item.row);
      await this.handle(item.row, item.fields ?? JSON.parse(item.row.payload), item.channel);
    } catch (err) {
      await this.fail(item, err);
    }
  }

  private async fail(item: Item, err: unknown): Promise<void> {
    const { row } = item;
    const fresh = await this.db.manager.findOne(CallbackInbox, { where: { id: row.id }, select: { id: true, attempts: true } });
    const attempts = Math.max(1, fresh?.attempts ?? 1);
    const e = err as Error;
    const failed = attempts >= MAX_ATTEMPTS;
    // a welcome that could not reach WeCom is retried within its 20 s window; the rest backs off
    const retryMs = err instanceof PlatformUnavailableError && attempts <= 3 ? 500 : Math.min(600_000, 2_000 * 2 ** (attempts - 1));
    await this.db.manager.update(
      CallbackInbox,
      { id: row.id },
      {
        status: failed ? 'failed' : 'pending',
        attempts,
        nextAttemptAt: new Date(Date.now() + retryMs),
        lockedUntil: null,
        lastError: `${e.name}: ${e.message}`.slice(0, 500),
      },
    );
    item.dropped = true;
    if (!failed && retryMs < 5_000) {
      const t = setTimeout(() => this.submit({ ...row, status: 'pending', attempts }), retryMs + 10);
      t.unref();
    }
    this.logger?.warn('[wecom inbox] #%d %s/%s attempt %d failed: %s', row.id, row.event, row.changeType, attempts, e.message);
  }

  private done(em: EntityManager, id: number): Promise<unknown> {
    return em.update(CallbackInbox, { id }, { status: 'done', processedAt: new Date(), lockedUntil: null, lastError: null });
  }

  private async handle(row: CallbackInbox, f: Record<string, string>, channel?: WecomChannel | null): Promise<void> {
    if (f.Event === 'change_external_contact') {
      switch (f.ChangeType) {
        case 'add_external_contact':
        case 'add_half_external_contact':
          return this.onAdd(row, f, channel);
        case 'edit_external_contact':
          return this.onEdit(row, f);
        case 'del_external_contact':
          return this.onLoss(row, f, 'customer_deleted');
        case 'del_follow_user':
          return this.onLoss(row, f, 'staff_deleted');
        default:
          break; // transfer_fail and others: kept in the inbox for ops, nothing to do
      }
    } else if (f.Event === 'change_external_tag') {
      // tags edited in the console: refresh the mirror (never edit tags we did not create)
      await this.tagSync.pullCorpTags();
    } else if (f.Event === 'change_external_chat') {
      await this.onChat(f, row.eventAt);
    }
    await this.db.transaction((em) => this.done(em, row.id));
  }

  private async fetchContact(externalUserId: string): Promise<{ contact: WxExternalContact; follow: WxFollowUser[] } | null> {
    try {
      const r = await this.api.get(externalUserId);
      return { contact: r.external_contact, follow: r.follow_user ?? [] };
    } catch (err) {
      if (err instanceof PlatformError && GONE.has(err.errcode)) return null;
      throw err;
    }
  }

  private async onAdd(row: CallbackInbox, f: Record<string, string>, known?: WecomChannel | null): Promise<void> {
    const externalUserId = f.ExternalUserID;
    const userId = f.UserID;
    if (!externalUserId || !userId) return void (await this.db.transaction((em) => this.done(em, row.id)));
    // the welcome went out in the first stage; the channel comes from the same State
    const channel = known !== undefined ? known : await this.channels.byState(f.State || null);

    const synced = await this.fetchContact(externalUserId);
    const follow = synced?.follow.find((x) => x.userid === userId);
    const addedAt = follow?.createtime ? new Date(follow.createtime * 1000) : row.eventAt;
    const staff = await this.directory.staffByUserId(userId);
    const memberByUnion = synced?.contact.unionid ? await this.directory.memberIdByUnionid(synced.contact.unionid) : null;
    await this.db.transaction(async (em) => {
      const { memberId, linked } = await this.upsertContact(em, {
        externalUserId,
        name: synced?.contact.name ?? null,
        avatar: synced?.contact.avatar ?? null,
        unionid: synced?.contact.unionid ?? null,
        userId,
        staffId: staff?.id ?? null,
        addedAt,
        memberId: memberByUnion,
      });
      if (linked) await this.events.emit(em, 'ContactLinked', { externalUserId, memberId: linked, staffUserId: userId });
      const state = f.State || null;
      const inserted = await this.channels.recordAdd(em, { inboxId: row.id, channel, state, externalUserId, userId, addedAt });
      if (inserted) {
        const tagNames = channel ? jsonList(channel.tagNames) : [];
        if (tagNames.length && synced) {
          await this.tagSync.tagContact(em, {
            userId,
            externalUserId,
            memberId,
            add: tagNames,
            source: `channel:${channel!.id}`,
            key: `channel_tag:${row.id}`,
          });
        }
        const referrer = channel?.referrerMemberId ?? ChannelService.referrerFromState(state);
        await this.events.emit(em, 'ContactAdded', {
          externalUserId,
          staffUserId: userId,
          staffId: staff?.id ?? null,
          memberId,
          channelId: channel?.id ?? null,
          channelKind: channel?.kind ?? null,
          state,
          referrerMemberId: referrer,
          addedAt: addedAt.toISOString(),
        });
        if (referrer && channel) {
          await this.events.emit(em, 'ReferralContactAdded', {
            referrerMemberId: referrer,
            externalUserId,
            memberId,
            channelId: channel.id,
            staffUserId: userId,
            addedAt: addedAt.toISOString(),
          });
        }
        // after commit, in its own transaction: it must count this add and any committed concurrently
        if (channel?.dailyCap) {
          const id = channel.id;
          this.db.afterCommit(em, () => this.background(() => this.db.transaction((em2) => this.channels.rebalance(em2, id, new Date()))));
        }
      }
      await this.done(em, row.id);
    });
  }

  /**
   * One row per customer (A's wecom_contact): name/avatar/unionid refreshed, the first staff member
   * stays the owner, the member link is set by unionid. Returns the member id and whether it was
   * linked just now.
   */
  private async upsertContact(
    em: EntityManager,
    c: {
      externalUserId: string;
      name: string | null;
      avatar: string | null;
      unionid: string | null;
      userId: string;
      staffId: number | null;
      addedAt: Date;
      memberId: number | null;
    },
  ): Promise<{ memberId: number | null; linked: number | null }> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const existing = await em.findOne(WecomContact, { where: { externalUserId: c.externalUserId } });
      if (existing) {
        const changes: Partial<WecomContact> = {};
        if (c.name) changes.name = c.name.slice(0, 64);
        if (c.avatar) changes.avatar = c.avatar.slice(0, 512);
        if (c.unionid) changes.unionid = c.unionid;
        if (!existing.followUserId) {
          changes.followUserId = c.userId;
          changes.followStaffId = c.staffId;
          changes.addedAt = c.addedAt;
        }
        let linked: number | null = null;
        if (existing.memberId === null && c.memberId) {
          changes.memberId = c.memberId;
          linked = c.memberId;
        }
        if (Object.keys(changes).length) await em.update(WecomContact, { id: existing.id }, changes);
        return { memberId: existing.memberId ?? c.memberId, linked };
      }
      try {
        await em.insert(WecomContact, {
          externalUserId: c.externalUserId,
          name: c.name?.slice(0, 64) ?? null,
          avatar: c.avatar?.slice(0, 512) ?? null,
          unionid: c.unionid,
          followUserId: c.userId,
          followStaffId: c.staffId,
          memberId: c.memberId,
          addedAt: c.addedAt,
          createdAt: new Date(),
        });
        return { memberId: c.memberId, linked: c.memberId };
      } catch (err) {
        if (!isUniqueViolation(err) || attempt > 0) throw err; // a concurrent add of the same customer: update instead
      }
    }
    throw new Error('unreachable');
  }

  private async onEdit(row: CallbackInbox, f: Record<string, string>): Promise<void> {
    const synced = f.ExternalUserID ? await this.fetchContact(f.ExternalUserID) : null;
    const memberByUnion = synced?.contact.unionid ? await this.directory.memberIdByUnionid(synced.contact.unionid) : null;
    const staff = f.UserID ? await this.directory.staffByUserId(f.UserID) : null;
    await this.db.transaction(async (em) => {
      if (synced && f.UserID) {
        const follow = synced.follow.find((x) => x.userid === f.UserID);
        const { linked } = await this.upsertContact(em, {
          externalUserId: f.ExternalUserID,
          name: synced.contact.name,
          avatar: synced.contact.avatar ?? null,
          unionid: synced.contact.unionid ?? null,
          userId: f.UserID,
          staffId: staff?.id ?? null,
          addedAt: follow?.createtime ? new Date(follow.createtime * 1000) : row.eventAt,
          memberId: memberByUnion,
        });
        if (linked) await this.events.emit(em, 'ContactLinked', { externalUserId: f.ExternalUserID, memberId: linked, staffUserId: f.UserID });
      }
      await this.done(em, row.id);
    });
  }

  private async onLoss(row: CallbackInbox, f: Record<string, string>, reason: 'customer_deleted' | 'staff_deleted'): Promise<void> {
    await this.db.transaction(async (em) => {
      if (f.ExternalUserID && f.UserID) {
        await this.channels.recordLoss(em, { externalUserId: f.ExternalUserID, userId: f.UserID, at: row.eventAt, reason });
        await this.events.emit(em, 'ContactLost', { externalUserId: f.ExternalUserID, staffUserId: f.UserID, reason, at: row.eventAt.toISOString() });
      }
      await this.done(em, row.id);
    });
  }

  /** Groups: the snapshot sync in WecomGroupSync (idempotent, converges under duplicates and disorder). */
  private async onChat(f: Record<string, string>, eventAt: Date): Promise<void> {
    await this.groupSync.onCallback(f, eventAt);
  }
}

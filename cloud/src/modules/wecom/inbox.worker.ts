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
import { claimRow, dueRows, failedAttempt, retryDelayMs, settleRow } from '../../core/queue/claimable';
import { type Continue, WorkRunner } from '../../core/queue/runner';
import { PlatformError, PlatformUnavailableError } from '../../platform/types';
import { WecomContactApi, type WxExternalContact, type WxFollowUser } from '../../platform/wecom-externalcontact';
import { TagSyncService } from '../tags';
import { CallbackInbox, INBOX_QUEUE } from './entities/callback-inbox.entity';
import { WecomChannel, jsonList } from './entities/channel.entity';
import { ChannelService } from './channel.service';
import { WecomDirectory } from './directory.service';
import { WecomGroupSync } from './group-sync.service';
import { WelcomeService } from './welcome.service';
import { WecomContact } from './entities/wecom-contact.entity';
import './events';

/** Follow-ups start once no new add has arrived for this long (or the oldest has waited 10 s). */
const FOLLOW_QUIET_MS = 250;
const MAX_ATTEMPTS = 10;
/** WeCom answered: the customer is no longer a contact / the id is unknown. */
const GONE = new Set([84061, 40096]);

type Lane = 'welcome' | 'follow';

interface Item {
  row: CallbackInbox;
  /** Just inserted by this instance's callback: ours for the grace period, no claim before the welcome. */
  fresh: boolean;
  /** The attempt this worker holds (the claim's fence); 0 while a fresh row is not claimed yet. */
  attempt: number;
  claimed: boolean;
  fields?: Record<string, string>;
  channel?: WecomChannel | null;
}

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

  /**
   * Welcomes first: a row starts in the welcome lane (a burst of adds goes out in parallel) and
   * continues in the follow lane (sync, link, tags, attribution), which starts only while no welcome
   * is waiting or being sent and none has arrived for FOLLOW_QUIET_MS — or once its oldest row has
   * waited 10 s (one slot then).
   */
  private readonly runner = new WorkRunner<Lane>({
    name: 'wecom inbox',
    lanes: {
      welcome: { priority: 0, concurrency: 256 },
      follow: { priority: 1, concurrency: 3, quietMs: FOLLOW_QUIET_MS },
    },
    starveAfterMs: 10_000,
    onError: (err, key) => this.logger?.error('[wecom inbox] #%s crashed: %s', key, (err as Error).stack ?? err),
  });

  /**
   * Hand over a row. `fresh` = just inserted by this instance's callback: it is ours for the grace
   * period (the job leaves it alone), so the welcome goes out without a claim write first.
   */
  submit(row: CallbackInbox, fresh = false): void {
    const item: Item = { row, fresh, attempt: row.attempts, claimed: false };
    this.runner.submit('welcome', row.id, () => this.welcomeStage(item));
  }

  /**
   * Shutdown: start nothing new and let running steps finish; queued rows stay 'pending' in the
   * inbox and the next instance's job picks them up after the grace period.
   */
  @Destroy()
  async stop(): Promise<void> {
    await this.runner.stop(3_000);
    await this.welcome.flush().catch(() => undefined);
  }

  /** Resolves when nothing is queued or running (tests, the function entry, the showcase). */
  async idle(): Promise<void> {
    await this.runner.idle();
    await this.welcome.flush();
  }

  /** Job: submit every due row (pending and due, or processing with an expired lease) and wait for those rows. */
  async poll(now = new Date(), limit = 500): Promise<number> {
    const rows = await dueRows(this.db.manager, INBOX_QUEUE, { now, limit });
    rows.forEach((r) => this.submit(r));
    // its own rows only (not a burst's follow-ups, which would hold the job and the shutdown)
    await Promise.all(rows.map((r) => this.runner.settled(r.id)));
    await this.runner.detachedSettled();
    await this.welcome.flush();
    return rows.length;
  }

  /** Claim the row (a fresh one from 'pending' without the due check). */
  private async claim(item: Item): Promise<boolean> {
    const { row } = item;
    item.claimed = await claimRow(this.db.manager, INBOX_QUEUE, row, { now: new Date(), due: !item.fresh });
    if (item.claimed) item.attempt = row.attempts + 1;
    return item.claimed;
  }

  private async welcomeStage(item: Item): Promise<Continue<Lane> | void> {
    const { row } = item;
    const f = JSON.parse(row.payload) as Record<string, string>;
    item.fields = f;
    if (!item.fresh && !(await this.claim(item))) return; // another worker has it
    const isAdd = f.Event === 'change_external_contact' && (f.ChangeType === 'add_external_contact' || f.ChangeType === 'add_half_external_contact');
    if (isAdd && f.ExternalUserID && f.UserID && (item.fresh || !(await this.welcome.alreadyHandled(row.id)))) {
      try {
        item.channel = (await this.welcome.sendFor(row, f)).channel;
      } catch (err) {
        // WeCom unreachable and the code still valid: try again shortly (the follow-up waits)
        return this.fail(item, err);
      }
    }
    return { lane: 'follow', task: () => this.followStage(item) };
  }

  private async followStage(item: Item): Promise<void> {
    if (!item.claimed && !(await this.claim(item))) return;
    try {
      await this.hooks.afterWelcome?.(item.row);
      await this.handle(item, item.fields ?? JSON.parse(item.row.payload), item.channel);
    } catch (err) {
      await this.fail(item, err);
    }
  }

  private async fail(item: Item, err: unknown): Promise<void> {
    const { row } = item;
    const attempts = Math.max(1, item.attempt);
    const now = new Date();
    // a welcome that could not reach WeCom is retried within its 20 s window; the rest backs off
    const retryMs = err instanceof PlatformUnavailableError && attempts <= 3 ? 500 : retryDelayMs(attempts);
    const outcome = failedAttempt(err, attempts, { maxAttempts: MAX_ATTEMPTS, now, delayMs: retryMs });
    // fenced by the attempt held: a no-op when another worker took the row over meanwhile
    if (!(await settleRow(this.db.manager, INBOX_QUEUE, row.id, item.attempt, { ...outcome, attempts }))) return;
    if (outcome.status === 'pending' && retryMs < 5_000) {
      const t = setTimeout(() => this.submit({ ...row, status: 'pending', attempts }), retryMs + 10);
      t.unref();
    }
    this.logger?.warn('[wecom inbox] #%d %s/%s attempt %d failed: %s', row.id, row.event, row.changeType, attempts, (err as Error).message);
  }

  /** Fenced by the attempt held (a worker that lost its lease writes nothing). */
  private done(em: EntityManager, item: Item): Promise<unknown> {
    return settleRow(em, INBOX_QUEUE, item.row.id, item.attempt, { status: 'done', processedAt: new Date(), lockedUntil: null, lastError: null });
  }

  private async handle(item: Item, f: Record<string, string>, channel?: WecomChannel | null): Promise<void> {
    const { row } = item;
    if (f.Event === 'change_external_contact') {
      switch (f.ChangeType) {
        case 'add_external_contact':
        case 'add_half_external_contact':
          return this.onAdd(item, f, channel);
        case 'edit_external_contact':
          return this.onEdit(item, f);
        case 'del_external_contact':
          return this.onLoss(item, f, 'customer_deleted');
        case 'del_follow_user':
          return this.onLoss(item, f, 'staff_deleted');
        default:
          break; // transfer_fail and others: kept in the inbox for ops, nothing to do
      }
    } else if (f.Event === 'change_external_tag') {
      // tags edited in the console: refresh the mirror (never edit tags we did not create)
      await this.tagSync.pullCorpTags();
    } else if (f.Event === 'change_external_chat') {
      await this.onChat(f, row.eventAt);
    }
    await this.db.transaction((em) => this.done(em, item));
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

  private async onAdd(item: Item, f: Record<string, string>, known?: WecomChannel | null): Promise<void> {
    const { row } = item;
    const externalUserId = f.ExternalUserID;
    const userId = f.UserID;
    if (!externalUserId || !userId) return void (await this.db.transaction((em) => this.done(em, item)));
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
          this.db.afterCommit(em, () => this.runner.detach(() => this.db.transaction((em2) => this.channels.rebalance(em2, id, new Date()))));
        }
      }
      await this.done(em, item);
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

  private async onEdit(item: Item, f: Record<string, string>): Promise<void> {
    const { row } = item;
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
      await this.done(em, item);
    });
  }

  private async onLoss(item: Item, f: Record<string, string>, reason: 'customer_deleted' | 'staff_deleted'): Promise<void> {
    const { row } = item;
    await this.db.transaction(async (em) => {
      if (f.ExternalUserID && f.UserID) {
        await this.channels.recordLoss(em, { externalUserId: f.ExternalUserID, userId: f.UserID, at: row.eventAt, reason });
        await this.events.emit(em, 'ContactLost', { externalUserId: f.ExternalUserID, staffUserId: f.UserID, reason, at: row.eventAt.toISOString() });
      }
      await this.done(em, item);
    });
  }

  /** Groups: the snapshot sync in WecomGroupSync (idempotent, converges under duplicates and disorder). */
  private async onChat(f: Record<string, string>, eventAt: Date): Promise<void> {
    await this.groupSync.onCallback(f, eventAt);
  }
}

/**
 * Pushes tags to WeCom contacts with mark_tag, through the exactly-once outbound queue (batched by
 * the worker and rate-limited by the client). Tag names travel in the queue; the handler resolves
 * them to our corp tag ids at send time (creating missing ones). Tags we did not create are never
 * added or removed.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { Db } from '../../core/db';
import { WecomContactApi } from '../../platform/wecom-externalcontact';
import { OutboundHandler } from '../../core/outbound-handlers';
import { OutboundKick, enqueueOutbound, type OutboundSender } from '../wecom';
import { CorpTag } from './entities/corp-tag.entity';
import { CorpTagService, OUR_TAG_GROUP, RFM_TAG_GROUP, type TagRef, tagRefKey } from './corp-tag.service';
import { RFM_TIERS } from './rfm.rules';

export interface MarkTagPayload {
  userId: string;
  externalUserId: string;
  add: TagRef[];
  remove: TagRef[];
}

/** The WeCom group a tag of ours lives in. */
export function groupOf(name: string): string {
  return (RFM_TIERS as readonly string[]).includes(name) ? RFM_TAG_GROUP : OUR_TAG_GROUP;
}

export class TagNotReady extends Error {
  constructor(names: string[]) {
    super(`corp tags not resolvable yet: ${names.join(', ')}`);
    this.name = 'TagNotReady';
  }
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class TagSyncService {
  @Inject()
  db!: Db;

  @Inject()
  corpTags!: CorpTagService;

  @Inject()
  api!: WecomContactApi;

  @Inject()
  kick!: OutboundKick;

  /**
   * Queue a mark_tag for one contact (at one staff member) inside the caller's transaction.
   * `key` is the idempotency key of this change (e.g. channel_tag:<inboxId>).
   */
  async tagContact(
    em: EntityManager,
    o: { userId: string; externalUserId: string; memberId?: number | null; add?: string[]; remove?: string[]; source: string; key: string; now?: Date },
  ): Promise<boolean> {
    const add = [...new Set(o.add ?? [])].map((name) => ({ group: groupOf(name), name }));
    const remove = [...new Set(o.remove ?? [])].filter((n) => !(o.add ?? []).includes(n)).map((name) => ({ group: groupOf(name), name }));
    if (!add.length && !remove.length) return false;
    const payload: MarkTagPayload = { userId: o.userId, externalUserId: o.externalUserId, add, remove };
    const r = await enqueueOutbound(em, {
      idemKey: `mark:${o.key}:${o.externalUserId}:${o.userId}`,
      kind: 'mark_tag',
      payload,
      ref: o.source.slice(0, 64),
      now: o.now,
    });
    if (r.created) this.db.afterCommit(em, () => this.kick.kick());
    return r.created;
  }

  pullCorpTags(): Promise<{ groups: number; tags: number }> {
    return this.corpTags.pull();
  }

  @OutboundHandler('mark_tag')
  markTagHandler(): OutboundSender<MarkTagPayload> {
    return {
      idempotent: true, // adding a tag twice or removing an absent one changes nothing
      send: async (p) => {
        const ids = await this.corpTags.ensure(p.add);
        const unresolved = p.add.filter((r) => !ids.has(tagRefKey(r)));
        if (unresolved.length) {
          // a name that exists only as someone else's tag is skipped for good; anything else is retried
          const foreign = await this.db.manager.find(CorpTag, {
            where: unresolved.map((r) => ({ groupName: r.group, name: r.name, deleted: false, createdByUs: false })),
          });
          const foreignNames = new Set(foreign.map((f) => tagRefKey({ group: f.groupName, name: f.name })));
          const retry = unresolved.filter((r) => !foreignNames.has(tagRefKey(r)));
          if (retry.length) throw new TagNotReady(retry.map((r) => r.name));
        }
        const ours = await this.corpTags.tagIdsOurs(p.remove);
        const add = p.add.map((r) => ids.get(tagRefKey(r))).filter((x): x is string => !!x);
        const remove = p.remove.map((r) => ours.get(tagRefKey(r))).filter((x): x is string => !!x);
        if (!add.length && !remove.length) return { noop: true };
        await this.api.markTag(p.userId, p.externalUserId, add, remove);
        return { added: add, removed: remove };
      },
      after: async (p, res) => {
        const r = res as { added?: string[]; removed?: string[] };
        if (r.added || r.removed)
          await this.corpTags.recordMarks({ externalUserId: p.externalUserId, userId: p.userId, added: r.added ?? [], removed: r.removed ?? [] });
      },
    };
  }
}

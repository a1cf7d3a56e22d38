/**
 * Our tag store. The API other domains use is deliberately small and stable:
 *
 *   grant(em, memberId, names, source)  idempotent; returns the names newly granted
 *   tagsOf(memberId) / tagsOfMany(ids)  read side (sidebar, journeys, WeCom sync)
 *
 * Domains do not call grant directly from their own transactions: they emit an event and a
 * listener in ./listeners/<domain>.listener.ts grants inside the outbox delivery's transaction.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import { Db, isUniqueViolation } from '../../core/db';
import { EventBus, OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { PrivacyExport } from '../../core/privacy';
import { MemberTag } from './entities/member-tag.entity';
import { Tag } from './entities/tag.entity';
import './events';

export const TAG_NAME_MAX = 30;

/** Behaviour tags granted by the contest domain (names are part of the WeCom tag contract). */
export const CONTEST_TAGS = { author: 'UGC创作者', voter: '投票参与' } as const;

@Provide()
@Scope(ScopeEnum.Singleton)
export class TagService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  /** name -> id; tags are never renamed or deleted by the app, so the cache cannot go stale. */
  private readonly ids = new Map<string, number>();

  /**
   * Give `memberId` the tags `names` (created on first use) inside the caller's transaction.
   * Idempotent: a tag the member already holds keeps its first source and time. Emits
   * MemberTagsGranted for the newly granted ones. Returns those names.
   */
  async grant(em: EntityManager, memberId: number, names: string[], source: string): Promise<string[]> {
    const wanted = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
    for (const n of wanted) if (n.length > TAG_NAME_MAX) throw new Error(`tag name longer than ${TAG_NAME_MAX}: ${n}`);
    if (!wanted.length) return [];
    const now = new Date();
    const granted: string[] = [];
    for (const name of wanted) {
      const tagId = await this.tagId(em, name, now);
      const held = await em.findOne(MemberTag, { where: { memberId, tagId }, select: { id: true } });
      if (held) continue;
      try {
        await em.insert(MemberTag, { memberId, tagId, source: source.slice(0, 64), grantedAt: now });
        granted.push(name);
      } catch (err) {
        // granted concurrently by another delivery: same outcome
        if (!isUniqueViolation(err)) throw err;
      }
    }
    if (granted.length) await this.events.emit(em, 'MemberTagsGranted', { memberId, tags: granted, source });
    return granted;
  }

  async tagsOf(memberId: number, em: EntityManager = this.db.manager): Promise<Array<{ name: string; source: string; grantedAt: Date }>> {
    const rows = await em.find(MemberTag, { where: { memberId }, relations: { tag: true }, order: { grantedAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => ({ name: r.tag?.name ?? '', source: r.source, grantedAt: r.grantedAt }));
  }

  /** memberId -> tag names, for lists. */
  async tagsOfMany(memberIds: number[], em: EntityManager = this.db.manager): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (!memberIds.length) return out;
    const rows = await em.find(MemberTag, { where: { memberId: In([...new Set(memberIds)]) }, relations: { tag: true }, order: { id: 'ASC' } });
    for (const r of rows) {
      const list = out.get(r.memberId) ?? [];
      list.push(r.tag?.name ?? '');
      out.set(r.memberId, list);
    }
    return out;
  }

  /** SQL condition (for another module's member query) that member `idExpr` holds tag `:param` (ours or the RFM tier). */
  memberHasTagSql(idExpr: string, param: string): string {
    return `(${idExpr} IN (SELECT mt.member_id FROM member_tag mt JOIN tag t ON t.id = mt.tag_id WHERE t.name = :${param}) OR ${idExpr} IN (SELECT mr.member_id FROM member_rfm mr WHERE mr.tier = :${param}))`;
  }

  /** Tag names in use (for filters), ours then the RFM tiers held by anyone. */
  async namesInUse(): Promise<string[]> {
    const ours: Array<{ name: string }> = await this.db.manager.query(
      'SELECT DISTINCT t.name AS name FROM tag t JOIN member_tag mt ON mt.tag_id = t.id ORDER BY t.name',
    );
    const rfm: Array<{ tier: string }> = await this.db.manager.query('SELECT DISTINCT tier FROM member_rfm ORDER BY tier');
    return [...new Set([...ours.map((r) => r.name), ...rfm.map((r) => r.tier)])];
  }

  @PrivacyExport('tags')
  async exportFor(memberId: number): Promise<Array<Record<string, unknown>>> {
    return (await this.tagsOf(memberId)).map((t) => ({ tag: t.name, source: t.source, grantedAt: t.grantedAt.toISOString() }));
  }

  /** A deleted member holds no tags. */
  @OnEvent('MemberDeleted')
  async onMemberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    await em.delete(MemberTag, { memberId: event.payload.memberId });
  }

  /**
   * The tag's id, creating the tag on first use inside the caller's transaction (no second
   * connection: a pool full of waiting transactions would starve). On MySQL a duplicate means a
   * concurrent transaction created it; a locking read sees that committed row where a plain read
   * would miss it in this transaction's older snapshot. Cached only after the caller commits.
   */
  private async tagId(em: EntityManager, name: string, now: Date): Promise<number> {
    const cached = this.ids.get(name);
    if (cached) return cached;
    let tag = await em.findOne(Tag, { where: { name } });
    if (!tag) {
      try {
        await em.insert(Tag, { name, groupName: '行为标签', createdAt: now });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      if (this.db.kind === 'mysql') {
        // the failed insert already holds a shared lock on the row: ask for the same (no S→X upgrade to deadlock on);
        // LOCK IN SHARE MODE works on MariaDB and MySQL 8 alike (TypeORM's pessimistic_read says FOR SHARE, which MariaDB lacks)
        const rows: Array<{ id: number }> = await em.query('SELECT id FROM tag WHERE name = ? LOCK IN SHARE MODE', [name]);
        if (!rows.length) throw new Error(`tag ${name} vanished`);
        tag = { id: Number(rows[0].id) } as Tag;
      } else {
        tag = await em.findOneOrFail(Tag, { where: { name } });
      }
    }
    const id = tag.id;
    this.db.afterCommit(em, () => {
      this.ids.set(name, id);
    });
    return id;
  }
}

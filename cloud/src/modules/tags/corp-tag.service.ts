/**
 * WeCom corp tags, synced both ways: get_corp_tag_list refreshes the mirror (everyone's tags, so
 * ops see them), add_corp_tag creates the tags we need (marked created_by_us). Only tags we
 * created are ever applied to or removed from contacts.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db, isUniqueViolation, iso } from '../../core/db';
import { PlatformError } from '../../platform/types';
import { WecomContactApi, type WxTagGroup } from '../../platform/wecom-externalcontact';
import { CorpTag } from './entities/corp-tag.entity';
import { CorpTagContact } from './entities/corp-tag-contact.entity';

/** Group for our behaviour and channel tags in WeCom. */
export const OUR_TAG_GROUP = '社区私域';
export const RFM_TAG_GROUP = 'RFM分层';

export interface TagRef {
  group: string;
  name: string;
}

const refKey = (r: TagRef) => `${r.group}\u0000${r.name}`;

@Provide()
@Scope(ScopeEnum.Singleton)
export class CorpTagService {
  @Inject()
  db!: Db;

  @Inject()
  api!: WecomContactApi;

  private creating = new Map<string, Promise<void>>();

  /** Pull the full tag list into the mirror; tags no longer listed are marked deleted. */
  async pull(now = new Date()): Promise<{ groups: number; tags: number }> {
    const { tag_group } = await this.api.corpTagList();
    await this.mirror(tag_group, now, true);
    return { groups: tag_group.length, tags: tag_group.reduce((n, g) => n + g.tag.filter((t) => !t.deleted).length, 0) };
  }

  private async mirror(groups: WxTagGroup[], now: Date, complete: boolean, ours = false): Promise<void> {
    const seen = new Set<string>();
    const m = this.db.manager;
    for (const g of groups) {
      if (g.deleted) continue;
      for (const t of g.tag) {
        if (t.deleted) continue;
        seen.add(t.id);
        const values = { groupId: g.group_id, groupName: g.group_name.slice(0, 30), name: t.name.slice(0, 30), deleted: false, syncedAt: now };
        const existing = await m.findOne(CorpTag, { where: { tagId: t.id }, select: { id: true } });
        if (existing) {
          await m.update(CorpTag, { id: existing.id }, values);
          if (ours) await m.update(CorpTag, { id: existing.id }, { createdByUs: true });
          continue;
        }
        try {
          await m.insert(CorpTag, { tagId: t.id, createdByUs: ours, ...values });
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
      }
    }
    if (complete) {
      const live = await m.find(CorpTag, { where: { deleted: false }, select: { id: true, tagId: true } });
      const gone = live.filter((t) => !seen.has(t.tagId)).map((t) => t.id);
      if (gone.length) await m.update(CorpTag, { id: In(gone) }, { deleted: true, syncedAt: now });
    }
  }

  private async ours(refs: TagRef[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!refs.length) return out;
    const rows = await this.db.manager.find(CorpTag, { where: { name: In([...new Set(refs.map((r) => r.name))]), deleted: false, createdByUs: true } });
    for (const r of rows) out.set(refKey({ group: r.groupName, name: r.name }), r.tagId);
    return out;
  }

  /**
   * Ids of our tags for these (group, name) pairs, creating the missing ones with add_corp_tag.
   * A name that exists in WeCom only as somebody else's tag is skipped (we never use foreign tags).
   */
  async ensure(refs: TagRef[], now = new Date()): Promise<Map<string, string>> {
    let have = await this.ours(refs);
    const missing = refs.filter((r) => !have.has(refKey(r)));
    if (!missing.length) return have;
    const byGroup = new Map<string, string[]>();
    for (const r of missing) byGroup.set(r.group, [...new Set([...(byGroup.get(r.group) ?? []), r.name])]);
    for (const [group, names] of byGroup) {
      // one creation per group at a time in this instance; others wait and re-read
      const running = this.creating.get(group);
      if (running) await running.catch(() => undefined);
      const stillMissing = names.filter((n) => !have.has(refKey({ group, name: n })));
      if (!stillMissing.length) continue;
      const job = this.create(group, stillMissing, now);
      this.creating.set(group, job);
      try {
        await job;
      } finally {
        if (this.creating.get(group) === job) this.creating.delete(group);
      }
      have = await this.ours(refs);
    }
    return have;
  }

  private async create(group: string, names: string[], now: Date): Promise<void> {
    const known = await this.db.manager.findOne(CorpTag, { where: { groupName: group, deleted: false } });
    try {
      const res = await this.api.addCorpTag({ groupId: known?.groupId, groupName: known ? undefined : group, names });
      await this.mirror([res.tag_group], now, false, true);
    } catch (err) {
      // 40071: a name already exists (another instance made it, or a console tag): re-read the list
      if (!(err instanceof PlatformError && err.errcode === 40071)) throw err;
      await this.pull(now);
      if (names.length > 1) {
        // create the ones that really are missing one by one
        for (const n of names) {
          const mine = await this.ours([{ group, name: n }]);
          const exists = await this.db.manager.findOne(CorpTag, { where: { groupName: group, name: n, deleted: false } });
          if (!mine.size && !exists) await this.create(group, [n], now);
        }
      }
    }
  }

  /** Ops page: groups with their tags, ours flagged, and how many contacts carry each. */
  async listView(): Promise<{
    groups: Array<{
      groupId: string;
      groupName: string;
      createdByUs: boolean;
      tags: Array<{ id: string; name: string; createdByUs: boolean; contacts: number }>;
    }>;
    syncedAt: string | null;
  }> {
    const rows = await this.db.manager.find(CorpTag, { where: { deleted: false }, order: { groupName: 'ASC', id: 'ASC' } });
    const counts: Array<{ tagId: string; n: string | number }> = rows.length
      ? await this.db.manager.createQueryBuilder(CorpTagContact, 'c').select('c.tag_id', 'tagId').addSelect('COUNT(*)', 'n').groupBy('c.tag_id').getRawMany()
      : [];
    const count = new Map(counts.map((c) => [c.tagId, Number(c.n)]));
    const groups = new Map<
      string,
      { groupId: string; groupName: string; createdByUs: boolean; tags: Array<{ id: string; name: string; createdByUs: boolean; contacts: number }> }
    >();
    let synced: Date | null = null;
    for (const r of rows) {
      if (!synced || r.syncedAt > synced) synced = r.syncedAt;
      const g = groups.get(r.groupId) ?? { groupId: r.groupId, groupName: r.groupName, createdByUs: true, tags: [] };
      g.tags.push({ id: r.tagId, name: r.name, createdByUs: !!r.createdByUs, contacts: count.get(r.tagId) ?? 0 });
      g.createdByUs = g.createdByUs && !!r.createdByUs;
      groups.set(r.groupId, g);
    }
    return { groups: [...groups.values()], syncedAt: iso(synced) };
  }

  /** Pull, then make sure every tag we know we need exists (nightly job and the ops button). */
  async syncBothWays(needed: TagRef[], now = new Date()): Promise<{ groups: number; tags: number; created: number }> {
    await this.pull(now);
    const before = (await this.ours(needed)).size;
    const after = (await this.ensure(needed, now)).size;
    const list = await this.listView();
    return { groups: list.groups.length, tags: list.groups.reduce((n, g) => n + g.tags.length, 0), created: after - before };
  }

  async tagIdsOurs(refs: TagRef[]): Promise<Map<string, string>> {
    return this.ours(refs);
  }

  /**
   * Replace what we know of one contact's corp tags with WeCom's own answer (externalcontact/get's
   * follow_user[].tags, type 1 = corp tags): tags set in the WeCom client or by other apps show too.
   */
  async refreshContact(
    externalUserId: string,
    follows: Array<{ userid: string; tags?: Array<{ tag_id?: string; type: number }> }>,
    now = new Date(),
  ): Promise<void> {
    await this.db.transaction(async (em) => {
      for (const f of follows) {
        const ids = [...new Set((f.tags ?? []).filter((t) => t.type === 1 && t.tag_id).map((t) => t.tag_id!))];
        const have = await em.find(CorpTagContact, { where: { externalUserId, userId: f.userid }, select: { id: true, tagId: true } });
        const gone = have.filter((h) => !ids.includes(h.tagId)).map((h) => h.id);
        if (gone.length) await em.delete(CorpTagContact, { id: In(gone) });
        for (const tagId of ids.filter((id) => !have.some((h) => h.tagId === id))) {
          try {
            await em.insert(CorpTagContact, { externalUserId, userId: f.userid, tagId, markedAt: now });
          } catch (err) {
            if (!isUniqueViolation(err)) throw err;
          }
        }
      }
    });
  }

  /** Every live corp tag the contact carries at any staff member, ours flagged. */
  async contactTags(externalUserId: string): Promise<Array<{ id: string; name: string; groupName: string; ours: boolean }>> {
    const marks = await this.db.manager.find(CorpTagContact, { where: { externalUserId }, select: { tagId: true } });
    const ids = [...new Set(marks.map((m) => m.tagId))];
    if (!ids.length) return [];
    const tags = await this.db.manager.find(CorpTag, { where: { tagId: In(ids), deleted: false }, order: { groupName: 'ASC', id: 'ASC' } });
    return tags.map((t) => ({ id: t.tagId, name: t.name, groupName: t.groupName, ours: !!t.createdByUs }));
  }

  /** Contacts carrying a live corp tag of this name (any group, any staff member), for the customer picker. */
  async contactsWithTag(name: string, limit = 200): Promise<string[]> {
    const tags = await this.db.manager.find(CorpTag, { where: { name, deleted: false }, select: { tagId: true } });
    if (!tags.length) return [];
    const marks = await this.db.manager.find(CorpTagContact, {
      where: { tagId: In(tags.map((t) => t.tagId)) },
      select: { externalUserId: true },
      take: limit * 3,
    });
    return [...new Set(marks.map((m) => m.externalUserId))].slice(0, limit);
  }

  /** Live corp tag names per contact (many at once). */
  async contactTagNames(externalUserIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!externalUserIds.length) return out;
    const marks = await this.db.manager.find(CorpTagContact, { where: { externalUserId: In(externalUserIds) }, select: { externalUserId: true, tagId: true } });
    if (!marks.length) return out;
    const tags = new Map(
      (await this.db.manager.find(CorpTag, { where: { tagId: In([...new Set(marks.map((m) => m.tagId))]), deleted: false } })).map((t) => [t.tagId, t.name]),
    );
    for (const m of marks) {
      const name = tags.get(m.tagId);
      if (!name) continue;
      const list = out.get(m.externalUserId) ?? [];
      if (!list.includes(name)) list.push(name);
      out.set(m.externalUserId, list);
    }
    return out;
  }

  /** Our own live tags (the ones the app may apply). */
  async ourTags(): Promise<Array<{ id: string; name: string; groupName: string }>> {
    const rows = await this.db.manager.find(CorpTag, { where: { deleted: false, createdByUs: true }, order: { groupName: 'ASC', id: 'ASC' } });
    return rows.map((t) => ({ id: t.tagId, name: t.name, groupName: t.groupName }));
  }

  /** Keep the contact-tag mirror in step with a successful mark_tag. */
  async recordMarks(o: { externalUserId: string; userId: string; added: string[]; removed: string[] }, now = new Date()): Promise<void> {
    const m = this.db.manager;
    for (const tagId of o.added) {
      try {
        await m.insert(CorpTagContact, { externalUserId: o.externalUserId, userId: o.userId, tagId, markedAt: now });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    if (o.removed.length) await m.delete(CorpTagContact, { externalUserId: o.externalUserId, userId: o.userId, tagId: In(o.removed) });
  }
}

export { refKey as tagRefKey };

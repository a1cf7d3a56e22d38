/**
 * The contact's corp tags in the sidebar: every tag WeCom holds on the contact (the channel's, the
 * corp's own, other apps'), refreshed from externalcontact/get when the panel opens; only our own
 * tags can be added or removed (WeCom lets an app edit only the tags it created), through the
 * exactly-once mark_tag queue.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { ContactCorpTag } from '../../../../contracts/clerk';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db } from '../../core/db';
import { AppError } from '../../core/errors';
import { WecomContactApi } from '../../platform/wecom-externalcontact';
import { JourneyTasksService } from '../journeys';
import { CorpTagService, groupOf, TagSyncService } from '../tags';
import { WecomContactService } from '../wecom';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ContactTagsService {
  @Inject()
  db!: Db;

  @Inject()
  tasks!: JourneyTasksService;

  @Inject()
  corpTags!: CorpTagService;

  @Inject()
  tagSync!: TagSyncService;

  @Inject()
  api!: WecomContactApi;

  @Inject()
  contacts!: WecomContactService;

  async view(staff: StaffPrincipal, externalUserId: string, refresh = true): Promise<{ tags: ContactCorpTag[]; addable: ContactCorpTag[] }> {
    await this.tasks.assertVisible(staff, externalUserId);
    if (refresh) {
      try {
        const r = await this.api.get(externalUserId);
        await this.corpTags.refreshContact(externalUserId, r.follow_user ?? []);
      } catch {
        // WeCom unreachable or the contact gone there: show what we knew
      }
    }
    const [tags, ours] = await Promise.all([this.corpTags.contactTags(externalUserId), this.corpTags.ourTags()]);
    const editable = (t: { name: string; groupName: string }) => groupOf(t.name) === t.groupName;
    return {
      tags: tags.map((t) => ({ id: t.id, name: t.name, groupName: t.groupName, editable: t.ours && editable(t) })),
      addable: ours.filter((o) => editable(o) && !tags.some((t) => t.id === o.id)).map((o) => ({ ...o, editable: true })),
    };
  }

  async edit(staff: StaffPrincipal, externalUserId: string, change: { add: string[]; remove: string[] }) {
    const current = await this.view(staff, externalUserId, false);
    const allowed = new Set([...current.tags, ...current.addable].filter((t) => t.editable).map((t) => t.name));
    const refused = [...change.add, ...change.remove].filter((n) => !allowed.has(n));
    if (refused.length) throw new AppError('FORBIDDEN', `只能修改本应用创建的标签：${refused.join('、')}`);
    const contact = await this.contacts.findByExternalId(externalUserId);
    if (!contact?.followUserId) throw new AppError('NOT_FOUND');
    const now = new Date();
    await this.db.transaction((em) =>
      this.tagSync.tagContact(em, {
        userId: contact.followUserId!,
        externalUserId,
        memberId: contact.memberId,
        add: change.add,
        remove: change.remove,
        source: `sidebar:${staff.staffId}`,
        key: `sidebar:${staff.staffId}:${now.getTime()}`,
        now,
      }),
    );
    return this.view(staff, externalUserId, false);
  }
}

/**
 * Our tags -> WeCom: a member's newly granted tags, and (when a contact gets linked to a member)
 * everything the member already holds plus the RFM tier, are queued as mark_tag for the member's
 * WeCom contacts. The outbound worker sends them (exactly once, rate-limited).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { EntityManager } from 'typeorm';
import { OnEvent } from '../../../core/events/event-bus';
import type { DeliveredEvent } from '../../../core/events/types';
import { WecomDirectory } from '../../wecom';
import '../../wecom/events';
import '../events';
import { RfmService } from '../rfm.service';
import { TagService } from '../tag.service';
import { TagSyncService } from '../tag-sync.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomTagListener {
  @Inject()
  tagSync!: TagSyncService;

  @Inject()
  tags!: TagService;

  @Inject()
  rfm!: RfmService;

  @Inject()
  directory!: WecomDirectory;

  @OnEvent('MemberTagsGranted')
  async granted(event: DeliveredEvent<'MemberTagsGranted'>, em: EntityManager): Promise<void> {
    const { memberId, tags, source } = event.payload;
    for (const c of await this.directory.contactsOfMembers([memberId])) {
      await this.tagSync.tagContact(em, { userId: c.userId, externalUserId: c.externalUserId, add: tags, source, key: `granted:${event.id}` });
    }
  }

  @OnEvent('ContactLinked')
  async linked(event: DeliveredEvent<'ContactLinked'>, em: EntityManager): Promise<void> {
    const { memberId, externalUserId, staffUserId } = event.payload;
    if (!staffUserId) return;
    const names = (await this.tags.tagsOf(memberId, em)).map((t) => t.name).filter(Boolean);
    const tier = await this.rfm.tierOf(memberId);
    if (tier) names.push(tier);
    await this.tagSync.tagContact(em, { userId: staffUserId, externalUserId, add: names, source: 'member_link', key: `linked:${event.id}` });
  }
}

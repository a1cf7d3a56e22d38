/** Contest behaviour → tags: authors of approved entries are UGC创作者, voters 投票参与. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { EntityManager } from 'typeorm';
import { OnEvent } from '../../../core/events/event-bus';
import type { DeliveredEvent } from '../../../core/events/types';
import '../../contest/events';
import { CONTEST_TAGS, TagService } from '../tag.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ContestTagListener {
  @Inject()
  tags!: TagService;

  @OnEvent('EntryApproved')
  async entryApproved(event: DeliveredEvent<'EntryApproved'>, em: EntityManager): Promise<void> {
    await this.tags.grant(em, event.payload.memberId, [CONTEST_TAGS.author], 'contest.entry_approved');
  }

  @OnEvent('ContestVoted')
  async voted(event: DeliveredEvent<'ContestVoted'>, em: EntityManager): Promise<void> {
    await this.tags.grant(em, event.payload.memberId, [CONTEST_TAGS.voter], 'contest.vote');
  }
}

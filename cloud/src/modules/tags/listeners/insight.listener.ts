/** Insight's saved segments → tags: every member of a tagged segment gets the tag (pushed to WeCom like every tag of ours). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { EntityManager } from 'typeorm';
import { OnEvent } from '../../../core/events/event-bus';
import type { DeliveredEvent } from '../../../core/events/types';
import '../../insight/events';
import { TagService } from '../tag.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class InsightTagListener {
  @Inject()
  tags!: TagService;

  @OnEvent('InsightSegmentTagged')
  async segmentTagged(event: DeliveredEvent<'InsightSegmentTagged'>, em: EntityManager): Promise<void> {
    const { segmentId, tag, memberIds } = event.payload;
    for (const memberId of memberIds) await this.tags.grant(em, memberId, [tag], `insight.segment:${segmentId}`);
  }
}

/** Class attendance → tags: a checked-in member gets the tags the class grants (e.g. 烹饪爱好者, 亲子家庭). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { EntityManager } from 'typeorm';
import { OnEvent } from '../../../core/events/event-bus';
import type { DeliveredEvent } from '../../../core/events/types';
import '../../classes/events';
import { TagService } from '../tag.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassesTagListener {
  @Inject()
  tags!: TagService;

  @OnEvent('ClassCheckedIn')
  async checkedIn(event: DeliveredEvent<'ClassCheckedIn'>, em: EntityManager): Promise<void> {
    const { memberId, tags, classId } = event.payload;
    if (!tags.length) return;
    await this.tags.grant(em, memberId, tags, `classes.attended:${classId}`);
  }
}

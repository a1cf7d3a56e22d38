/** The identity side of the member timeline: registration and privacy consent changes. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { MemberTimeline, type TimelineItem } from '../../core/timeline';
import { ConsentRecord } from './entities/consent-record.entity';
import { Member } from './entities/member.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class IdentityTimeline {
  @Inject()
  db!: Db;

  @MemberTimeline('identity')
  async timelineFor(memberId: number, limit: number): Promise<TimelineItem[]> {
    const [member, consents] = await Promise.all([
      this.db.manager.findOne(Member, { where: { id: memberId }, select: { id: true, createdAt: true } }),
      this.db.manager.find(ConsentRecord, { where: { memberId }, order: { at: 'DESC', id: 'DESC' }, take: limit }),
    ]);
    const out: TimelineItem[] = consents.map((c) =>
      c.action === 'granted'
        ? { at: c.at, kind: 'consent_granted', text: `同意《隐私保护指引》（${c.version}）` }
        : { at: c.at, kind: 'consent_withdrawn', text: '撤回隐私授权' },
    );
    if (member) out.push({ at: member.createdAt, kind: 'registered', text: '注册成为会员' });
    return out;
  }
}

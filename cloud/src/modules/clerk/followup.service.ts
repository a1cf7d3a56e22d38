/**
 * 跟进记录: the clerk notes a call, a store visit or a chat. The note shows in the sidebar, in the
 * member timeline (when the contact is a member) and counts as an interaction for the journeys
 * (through the journeys' public service, so a noted call stops a "no reply" step like a reply does).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { FOLLOWUP_KIND_LABELS, type FollowupNoteView } from '../../../../contracts/clerk';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { PrivacyExport } from '../../core/privacy';
import { MemberTimeline, type TimelineItem } from '../../core/timeline';
import { IdentityReads } from '../identity';
import { JourneyTasksService } from '../journeys';
import { FollowupNote } from './entities/clerk.entity';

/** How a note counts for the journeys: a call or a chat is contact, a visit is a visit. */
const INTERACTION = { call: 'called', visit: 'visited', chat: 'replied' } as const;

export function noteView(n: FollowupNote): FollowupNoteView {
  return { id: n.id, kind: n.kind, text: n.text, staffName: n.staffName, createdAt: iso(n.createdAt) };
}

/** The timeline line: 「电话跟进：约好周六来取年货（张三）」. */
export function noteTimelineText(n: Pick<FollowupNote, 'kind' | 'text' | 'staffName'>): string {
  const text = n.text.length > 60 ? `${n.text.slice(0, 60)}…` : n.text;
  return `${FOLLOWUP_KIND_LABELS[n.kind]}跟进：${text}（${n.staffName}）`;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class FollowupService {
  @Inject()
  db!: Db;

  @Inject()
  tasks!: JourneyTasksService;

  @Inject()
  auth!: IdentityReads;

  async list(staff: StaffPrincipal, externalUserId: string): Promise<{ items: FollowupNoteView[] }> {
    await this.tasks.assertVisible(staff, externalUserId);
    const rows = await this.db.manager.find(FollowupNote, { where: { externalUserId }, order: { id: 'DESC' }, take: 50 });
    return { items: rows.map(noteView) };
  }

  async create(
    staff: StaffPrincipal,
    externalUserId: string,
    input: { kind: FollowupNote['kind']; text: string },
    now = new Date(),
  ): Promise<FollowupNoteView> {
    const { memberId } = await this.tasks.assertVisible(staff, externalUserId);
    const me = await this.auth.staffProfile(staff.staffId);
    const note = await this.db.transaction(async (em) => {
      const row = em.create(FollowupNote, {
        externalUserId,
        memberId,
        staffId: staff.staffId,
        staffName: me.displayName.slice(0, 40),
        kind: input.kind,
        text: input.text,
        createdAt: now,
      });
      return em.save(row);
    });
    // the journeys hear of it as an interaction; its own log line is skipped there (ours says more)
    await this.tasks.recordInteraction(staff, externalUserId, INTERACTION[input.kind], `followup:${note.id}`);
    return noteView(note);
  }

  @MemberTimeline('followup')
  async timelineFor(memberId: number, limit: number): Promise<TimelineItem[]> {
    const rows = await this.db.manager.find(FollowupNote, { where: { memberId }, order: { id: 'DESC' }, take: limit });
    return rows.map((n) => ({ at: n.createdAt, text: noteTimelineText(n), kind: `followup_${n.kind}` }));
  }

  @PrivacyExport('followups')
  async exportFor(memberId: number): Promise<Array<Record<string, unknown>>> {
    const rows = await this.db.manager.find(FollowupNote, { where: { memberId }, order: { id: 'ASC' } });
    return rows.map((n) => ({ kind: FOLLOWUP_KIND_LABELS[n.kind], text: n.text, staff: n.staffName, at: iso(n.createdAt) }));
  }

  /** Notes about a deleted member are personal data: erased with the account. */
  @OnEvent('MemberDeleted')
  async onMemberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    await em.delete(FollowupNote, { memberId: event.payload.memberId });
  }

  /** For the ops member page: the latest notes of any of these contacts. */
  async notesOfContacts(externalUserIds: string[], limit = 20): Promise<FollowupNoteView[]> {
    if (!externalUserIds.length) return [];
    const rows = await this.db.manager.find(FollowupNote, { where: { externalUserId: In(externalUserIds) }, order: { id: 'DESC' }, take: limit });
    return rows.map(noteView);
  }
}

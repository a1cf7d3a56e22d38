/** WeCom contacts: the member link (by unionid) and what the privacy export shows about them. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Brackets, EntityManager, In, IsNull } from 'typeorm';
import { Db, iso, LIKE_ESCAPE, likeContains } from '../../core/db';
import { PrivacyErase, PrivacyExport } from '../../core/privacy';
import { EventBus, OnEvent } from '../../core/events/event-bus';
import './events';
import type { DeliveredEvent } from '../../core/events/types';
import { IdentityReads } from '../identity';
import { WecomContact } from './entities/wecom-contact.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomContactService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  identity!: IdentityReads;

  /** Fill each contact's `followStaff` card (identity's staff, read through its public service). */
  private async withFollowStaff(rows: WecomContact[]): Promise<WecomContact[]> {
    const staff = await this.identity.staffCards(rows.map((r) => r.followStaffId));
    for (const r of rows) r.followStaff = r.followStaffId === null ? null : (staff.get(r.followStaffId) ?? null);
    return rows;
  }

  /**
   * New members with a unionid: link the contacts our staff already have for those people.
   * Set-based (a crowd logging in at once): one read and one update per batch whatever its size.
   */
  @OnEvent('MemberRegistered', { batch: true })
  async linkRegisteredMember(events: Array<DeliveredEvent<'MemberRegistered'>>, em: EntityManager): Promise<void> {
    const links: Array<{ memberId: number; unionid: string }> = [];
    for (const { payload: p } of events) if (p.unionid) links.push({ memberId: p.memberId, unionid: p.unionid });
    await this.linkByUnionid(em, links);
  }

  /** A member's unionid became known on a later login: same link as at registration. */
  @OnEvent('MemberUnionidLearned')
  async linkLearnedUnionid(event: DeliveredEvent<'MemberUnionidLearned'>, em: EntityManager): Promise<void> {
    await this.linkByUnionid(em, [{ memberId: event.payload.memberId, unionid: event.payload.unionid }]);
  }

  /**
   * Link the unlinked contacts of these unionids and announce each (journeys, tags, referral hear
   * ContactLinked). Links are taken in order: the first member of a unionid takes its contacts, as
   * when the events were delivered one by one (a later one then found none left).
   */
  private async linkByUnionid(em: EntityManager, links: Array<{ memberId: number; unionid: string }>): Promise<void> {
    const owner = new Map<string, number>();
    for (const l of links) if (!owner.has(l.unionid)) owner.set(l.unionid, l.memberId);
    if (!owner.size) return;
    const unionids = [...owner.keys()];
    const contacts = await em.find(WecomContact, {
      where: { unionid: In(unionids), memberId: IsNull() },
      select: { id: true, unionid: true, externalUserId: true, followUserId: true },
      order: { id: 'ASC' },
    });
    if (!contacts.length) return;
    const used = unionids.filter((u) => contacts.some((c) => c.unionid === u));
    const params: Record<string, unknown> = { ids: contacts.map((c) => c.id) };
    used.forEach((u, i) => Object.assign(params, { [`u${i}`]: u, [`m${i}`]: owner.get(u) }));
    const r = await em
      .createQueryBuilder()
      .update(WecomContact)
      .set({ memberId: () => `CASE unionid ${used.map((_, i) => `WHEN :u${i} THEN :m${i}`).join(' ')} END` })
      .where('id IN (:...ids) AND member_id IS NULL')
      .setParameters(params)
      .execute();
    // a contact linked meanwhile by someone else (the read above may be a snapshot): roll back; the
    // outbox redelivers the events one at a time, each in a new transaction that sees that link
    if (r.affected !== undefined && r.affected !== contacts.length) throw new Error(`wecom: ${contacts.length - r.affected} contact(s) linked concurrently`);
    // announced in the links' order, each member's contacts by id (as one by one)
    const payloads = [...owner].flatMap(([unionid, memberId]) =>
      contacts.filter((c) => c.unionid === unionid).map((c) => ({ externalUserId: c.externalUserId, memberId, staffUserId: c.followUserId ?? null })),
    );
    await this.events.emitMany(em, 'ContactLinked', payloads);
  }

  /** Part of account deletion (runs in the deletion's transaction, so no contact points at the member once it commits). */
  @PrivacyErase('wecomContacts')
  async unlinkMember(em: EntityManager, memberId: number): Promise<void> {
    await em.update(WecomContact, { memberId }, { memberId: null });
  }

  /** 「我的数据」: which staff member has the member as a WeCom contact, since when. */
  @PrivacyExport('wecomContacts')
  async exportFor(memberId: number): Promise<Array<{ staffName: string | null; addedAt: string | null }>> {
    return (await this.listForMember(memberId)).map((c) => ({ staffName: c.followStaff?.displayName ?? null, addedAt: iso(c.addedAt) }));
  }

  async listForMember(memberId: number, em: EntityManager = this.db.manager): Promise<WecomContact[]> {
    return this.withFollowStaff(await em.find(WecomContact, { where: { memberId }, order: { id: 'ASC' } }));
  }

  /**
   * SQL condition (for another module's member query) that the member `idExpr` is / is not a WeCom
   * contact of ours: linked by member id, or by unionid before the sidebar stored the link.
   */
  memberIsContactSql(idExpr: string, unionidExpr: string, linked: boolean): string {
    const is = `(${idExpr} IN (SELECT wc.member_id FROM wecom_contact wc WHERE wc.member_id IS NOT NULL) OR (${unionidExpr} IS NOT NULL AND ${unionidExpr} IN (SELECT wu.unionid FROM wecom_contact wu WHERE wu.unionid IS NOT NULL)))`;
    return linked ? is : `NOT ${is}`;
  }

  /** Which of these members (by id, or by unionid) are WeCom contacts of ours. */
  async contactMemberIds(members: Array<{ id: number; unionid: string | null }>): Promise<Set<number>> {
    if (!members.length) return new Set();
    const ids = members.map((m) => m.id);
    const unionids = members.map((m) => m.unionid).filter((u): u is string => !!u);
    const qb = this.db.manager.createQueryBuilder(WecomContact, 'c').select(['c.memberId', 'c.unionid']).where('c.member_id IN (:...ids)', { ids });
    if (unionids.length) qb.orWhere('c.unionid IN (:...unionids)', { unionids });
    const rows = await qb.getMany();
    const byUnion = new Set(rows.map((r) => r.unionid).filter(Boolean));
    const out = new Set(rows.map((r) => r.memberId).filter((x): x is number => x !== null));
    for (const m of members) if (m.unionid && byUnion.has(m.unionid)) out.add(m.id);
    return out;
  }

  /** The member's contacts, by the stored link or by unionid. */
  async contactsOfMember(memberId: number, unionid: string | null): Promise<WecomContact[]> {
    const qb = this.db.manager.createQueryBuilder(WecomContact, 'c').where('c.member_id = :memberId', { memberId });
    if (unionid) qb.orWhere('c.unionid = :unionid', { unionid });
    return this.withFollowStaff(await qb.orderBy('c.id', 'ASC').getMany());
  }

  async findByExternalId(externalUserId: string): Promise<WecomContact | null> {
    const c = await this.db.manager.findOne(WecomContact, { where: { externalUserId } });
    return c ? (await this.withFollowStaff([c]))[0] : null;
  }

  /**
   * The customer picker's candidates: contacts whose WeCom name matches `q`, or that belong to one
   * of these members (by link or unionid), or are in `externalUserIds` (e.g. carrying a corp tag).
   * The criteria are ORed; the caller ANDs what it must.
   */
  async search(o: {
    q?: string;
    memberIds?: number[];
    unionids?: string[];
    externalUserIds?: string[];
    recent?: boolean;
    limit: number;
  }): Promise<WecomContact[]> {
    const qb = this.db.manager.createQueryBuilder(WecomContact, 'c');
    let any = false;
    qb.where(
      new Brackets((w) => {
        if (o.q) {
          w.orWhere(`c.name LIKE :cq ${LIKE_ESCAPE}`, { cq: likeContains(o.q) });
          any = true;
        }
        if (o.memberIds?.length) {
          w.orWhere('c.member_id IN (:...cm)', { cm: o.memberIds });
          any = true;
        }
        if (o.unionids?.length) {
          w.orWhere('c.unionid IN (:...cu)', { cu: o.unionids });
          any = true;
        }
        if (o.externalUserIds?.length) {
          w.orWhere('c.external_user_id IN (:...ce)', { ce: o.externalUserIds });
          any = true;
        }
        if (!any) w.where(o.recent ? '1 = 1' : '1 = 0');
      }),
    );
    return this.withFollowStaff(await qb.orderBy('c.id', 'DESC').take(o.limit).getMany());
  }
}

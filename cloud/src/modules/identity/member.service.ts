/**
 * A member's own data: profile, 「我的数据」 export and account deletion. The member id always
 * comes from the session, never from the request.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { type EntityManager, In, LessThan } from 'typeorm';
import { CURRENT_PRIVACY_VERSION, type MemberProfile, type MyDataExport } from '../../../../contracts/identity';
import { SessionService } from '../../core/auth/session.service';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { PrivacyRegistry } from '../../core/privacy';
import { ConsentRecord } from './entities/consent-record.entity';
import { Household } from './entities/household.entity';
import { Member } from './entities/member.entity';
import { toMemberProfile } from './views';

/** One row of the roster read (insight's read models). */
export interface RosterRow {
  id: number;
  storeId: number | null;
  householdId: number | null;
  householdKind: 'with_children' | 'adults' | null;
  groupOwnerStaffId: number | null;
  createdAt: Date;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class MemberService {
  @Inject()
  db!: Db;

  @Inject()
  sessions!: SessionService;

  @Inject()
  events!: EventBus;

  @Inject()
  privacy!: PrivacyRegistry;

  private async active(memberId: number): Promise<Member> {
    const m = await this.db.manager.findOne(Member, { where: { id: memberId }, relations: { store: true, household: true } });
    if (!m) throw new AppError('UNAUTHENTICATED');
    if (m.status !== 'active') throw new AppError('ACCOUNT_DELETED');
    return m;
  }

  async getMe(memberId: number): Promise<MemberProfile> {
    return toMemberProfile(await this.active(memberId));
  }

  async updateMe(memberId: number, patch: { nickname?: string; avatarUrl?: string }): Promise<MemberProfile> {
    await this.active(memberId);
    const changes: Partial<Member> = {};
    if (patch.nickname !== undefined) changes.nickname = patch.nickname;
    if (patch.avatarUrl !== undefined) changes.avatarUrl = patch.avatarUrl;
    if (Object.keys(changes).length) await this.db.transaction((em) => em.update(Member, { id: memberId, status: 'active' }, changes));
    return this.getMe(memberId);
  }

  async myData(memberId: number): Promise<MyDataExport> {
    const m = await this.active(memberId);
    const em = this.db.manager;
    const [householdMembers, consents, sessions, sections] = await Promise.all([
      m.householdId
        ? em.find(Member, {
            where: { householdId: m.householdId, status: 'active' },
            select: { id: true, nickname: true, householdRelation: true },
            order: { id: 'ASC' },
          })
        : Promise.resolve([] as Member[]),
      em.find(ConsentRecord, { where: { memberId }, order: { at: 'ASC', id: 'ASC' } }),
      this.sessions.listFor('member', memberId),
      this.privacy.exportFor(memberId),
    ]);
    // wecom contributes its contacts through the registry; the export keeps them in their own field
    const { wecomContacts = [], ...activity } = sections;
    return {
      exportedAt: new Date().toISOString(),
      member: {
        id: m.id,
        openid: m.openid,
        unionid: m.unionid,
        nickname: m.nickname,
        avatarUrl: m.avatarUrl,
        phone: m.phone,
        tier: m.tier,
        storeName: m.store?.name ?? null,
        createdAt: iso(m.createdAt),
      },
      household: m.household
        ? { id: m.household.id, name: m.household.name, members: householdMembers.map((h) => ({ nickname: h.nickname, relation: h.householdRelation })) }
        : null,
      consents: consents.map((c) => ({ version: c.version, action: c.action, at: iso(c.at) })),
      sessions: sessions.map((s) => ({ createdAt: iso(s.createdAt), lastSeenAt: iso(s.lastSeenAt), userAgent: s.userAgent })),
      wecomContacts: wecomContacts as MyDataExport['wecomContacts'],
      activity,
    };
  }

  /**
   * Withdraw consent and delete the account in one transaction: personal fields erased, household
   * link dropped, every session revoked, withdrawal recorded, the registry's in-transaction erasers
   * run (WeCom contacts unlinked), and MemberDeleted emitted so other domains anonymise their own rows.
   */
  async deleteMe(memberId: number): Promise<void> {
    await this.db.transaction(async (em) => {
      const m = await em.findOne(Member, { where: { id: memberId } });
      if (!m) throw new AppError('UNAUTHENTICATED');
      if (m.status !== 'active') throw new AppError('ACCOUNT_DELETED');
      const now = new Date();
      await em.update(
        Member,
        { id: memberId },
        {
          openid: null,
          unionid: null,
          nickname: null,
          avatarUrl: null,
          phone: null,
          phoneDigest: null,
          householdId: null,
          householdRelation: null,
          groupOwnerStaffId: null,
          consentVersion: null,
          status: 'deleted',
          deletedAt: now,
        },
      );
      await em.insert(ConsentRecord, { memberId, version: m.consentVersion ?? CURRENT_PRIVACY_VERSION, action: 'withdrawn', at: now });
      await this.sessions.revokeAll('member', memberId, em);
      await this.privacy.eraseFor(em, memberId);
      await this.events.emit(em, 'MemberDeleted', { memberId });
    });
  }

  /**
   * Used by the sidebar: members by id with store and household (active only). A caller inside a
   * transaction passes its manager: a second pool connection per transaction starves the pool
   * under parallel transactions.
   */
  async findActiveWithRelations(ids: number[], em?: EntityManager): Promise<Member[]> {
    if (!ids.length) return [];
    return (em ?? this.db.manager).find(Member, { where: { id: In(ids), status: 'active' }, relations: { store: true, household: true } });
  }

  /**
   * The member roster in id order, a page at a time, for read models (insight): ids, store,
   * household and its kind, group owner, join time. Active members only; no personal data.
   */
  async rosterPage(afterId: number, limit: number): Promise<RosterRow[]> {
    const rows: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT m.id AS id, m.store_id AS storeId, m.household_id AS householdId, m.group_owner_staff_id AS ownerId, m.created_at AS createdAt, h.children_count AS children
       FROM member m LEFT JOIN household h ON h.id = m.household_id
       WHERE m.id > ? AND m.status = 'active' ORDER BY m.id LIMIT ${Math.max(1, Math.min(5000, Math.floor(limit)))}`,
      [afterId],
    );
    const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return rows.map((r) => ({
      id: Number(r.id),
      storeId: n(r.storeId),
      householdId: n(r.householdId),
      householdKind: r.householdId == null ? null : Number(r.children ?? 0) > 0 ? 'with_children' : 'adults',
      groupOwnerStaffId: n(r.ownerId),
      createdAt: r.createdAt instanceof Date ? r.createdAt : new Date(String(r.createdAt).replace(' ', 'T') + (String(r.createdAt).endsWith('Z') ? '' : 'Z')),
    }));
  }

  /**
   * Public lookup by phone digest (core/pii phoneDigest) for other modules (the purchases ledger
   * matches receipts by it): active members only; a digest shared by two active members (a
   * household's one number) is ambiguous and left out.
   */
  async activeMemberIdsByPhoneDigest(digests: Iterable<string>): Promise<Map<string, number>> {
    const list = [...new Set(digests)].filter(Boolean);
    const out = new Map<string, number>();
    const seen = new Set<string>();
    for (let i = 0; i < list.length; i += 1000) {
      // plain placeholders: the query builder's named-parameter scan grows with the list (ledger imports ask ~500 at a time)
      const part = list.slice(i, i + 1000);
      const raw: Array<{ id: number | string; phone_digest: string }> = await this.db.manager.query(
        `SELECT id, phone_digest FROM member WHERE phone_digest IN (${part.map(() => '?').join(',')}) AND status = ?`,
        [...part, 'active'],
      );
      for (const r of raw.map((x) => ({ id: Number(x.id), phoneDigest: x.phone_digest }))) {
        if (seen.has(r.phoneDigest!)) out.delete(r.phoneDigest!);
        else out.set(r.phoneDigest!, r.id);
        seen.add(r.phoneDigest!);
      }
    }
    return out;
  }

  /** Public: the phone digest of an active member (null without a number). */
  async phoneDigestOf(memberId: number): Promise<string | null> {
    const m = await this.db.manager.findOne(Member, { where: { id: memberId, status: 'active' }, select: { id: true, phoneDigest: true } });
    return m?.phoneDigest ?? null;
  }

  /** The phone digests of these active members (those with one), in one read. */
  async phoneDigestsOf(memberIds: number[]): Promise<Map<number, string>> {
    const ids = [...new Set(memberIds)];
    const out = new Map<number, string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await this.db.manager.find(Member, { where: { id: In(ids.slice(i, i + 1000)), status: 'active' }, select: { id: true, phoneDigest: true } });
      for (const m of rows) if (m.phoneDigest) out.set(m.id, m.phoneDigest);
    }
    return out;
  }

  /** Ids of the active members of a household (referral: one reward per household). */
  async householdMemberIds(householdId: number, em?: EntityManager): Promise<number[]> {
    return (await (em ?? this.db.manager).find(Member, { where: { householdId, status: 'active' }, select: { id: true } })).map((m) => m.id);
  }

  /** Active members who registered before each instant (referral's K-factor base, per week). */
  async countActiveCreatedBefore(instants: Date[]): Promise<number[]> {
    return Promise.all(instants.map((at) => this.db.manager.count(Member, { where: { status: 'active', createdAt: LessThan(at) } })));
  }

  async consentHistory(memberId: number): Promise<ConsentRecord[]> {
    return this.db.manager.find(ConsentRecord, { where: { memberId }, order: { at: 'DESC', id: 'DESC' }, take: 20 });
  }

  async householdName(householdId: number | null): Promise<string | null> {
    if (!householdId) return null;
    const h = await this.db.manager.findOne(Household, { where: { id: householdId }, select: { id: true, name: true } });
    return h?.name ?? null;
  }
}

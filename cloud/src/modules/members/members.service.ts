/**
 * 会员 on the ops page: the filtered list, the member detail page, segments and the Excel export.
 * Reads members through identity's scoped query, and other domains only through their services
 * (tags, WeCom contacts, the timeline registry).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { CustomerPick, MemberFilter, MemberProfileView, MemberRow, SegmentView } from '../../../../contracts/members';
import { MemberFilter as MemberFilterSchema } from '../../../../contracts/members';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { phoneDigest } from '../../core/pii';
import { TimelineRegistry } from '../../core/timeline';
import { AdminService, IdentityReads, maskPhone, type MemberQuery, type ScopedMember } from '../identity';
import { CorpTagService, RfmService, TagService } from '../tags';
import { WecomContactService } from '../wecom';
import { exportPhone, joinedRange } from './filter';
import { MemberSegment } from './entities/segment.entity';
import { formatDateTime } from '../../../../contracts/calendar';

export const EXPORT_MAX_ROWS = 10_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class MembersService {
  @Inject()
  db!: Db;

  @Inject()
  admin!: AdminService;

  @Inject()
  identity!: IdentityReads;

  @Inject()
  tags!: TagService;

  @Inject()
  rfm!: RfmService;

  @Inject()
  corpTags!: CorpTagService;

  @Inject()
  contacts!: WecomContactService;

  @Inject()
  timeline!: TimelineRegistry;

  /** The list filter as identity's member query; tag and contact conditions come from their modules. */
  private filtered(f: MemberFilter): MemberQuery {
    const { from, to } = joinedRange(f.joinedFrom, f.joinedTo);
    const extra: NonNullable<MemberQuery['extra']> = [];
    const tag = f.tag;
    if (tag) extra.push((id) => ({ sql: this.tags.memberHasTagSql(id, 'fTag'), params: { fTag: tag } }));
    const wecom = f.wecom;
    if (wecom) extra.push((id, unionid) => ({ sql: this.contacts.memberIsContactSql(id, unionid, wecom === 'linked') }));
    return { text: f.q, storeId: f.storeId, tier: f.tier, joinedFrom: from ?? undefined, joinedTo: to ?? undefined, extra };
  }

  private async rows(members: ScopedMember[]): Promise<MemberRow[]> {
    const [tags, linked] = await Promise.all([this.tags.tagsOfMany(members.map((m) => m.id)), this.contacts.contactMemberIds(members)]);
    return members.map((m) => ({
      id: m.id,
      nickname: m.nickname,
      phoneMasked: maskPhone(m.phone),
      tier: m.tier,
      storeName: m.storeName,
      householdName: m.householdName,
      groupOwnerName: m.groupOwnerName,
      createdAt: iso(m.createdAt),
      wecomLinked: linked.has(m.id),
      tags: (tags.get(m.id) ?? []).filter(Boolean),
    }));
  }

  async search(staff: StaffPrincipal, q: MemberFilter & { page: number; pageSize: number }) {
    const { items: members, total } = await this.admin.searchScoped(staff, this.filtered(q), {
      order: 'DESC',
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      count: true,
    });
    return { items: await this.rows(members), total, page: q.page, pageSize: q.pageSize };
  }

  async options(staff: StaffPrincipal) {
    const stores = await this.identity.allStores();
    return {
      stores: stores.filter((s) => staff.role === 'hq_admin' || s.id === staff.storeId).map((s) => ({ id: s.id, name: s.name })),
      tiers: await this.admin.tiersInScope(staff),
      tags: await this.tags.namesInUse(),
    };
  }

  async profile(staff: StaffPrincipal, memberId: number): Promise<MemberProfileView> {
    const [m] = (await this.admin.searchScoped(staff, { ids: [memberId] }, { order: 'ASC', take: 1 })).items;
    if (!m) throw new AppError('NOT_FOUND');
    const [[row], rfmTier, behaviour, contacts, timeline, household] = await Promise.all([
      this.rows([m]),
      this.rfm.tierOf(memberId),
      this.tags.tagsOf(memberId),
      this.contacts.contactsOfMember(memberId, m.unionid),
      this.timeline.timelineOf(memberId, 50),
      m.householdId ? this.admin.householdMembers(m.householdId) : Promise.resolve([]),
    ]);
    const wecomContacts = await Promise.all(
      contacts.map(async (c) => ({
        externalUserId: c.externalUserId,
        name: c.name,
        avatarUrl: c.avatar,
        staffName: c.followStaff?.displayName ?? null,
        addedAt: iso(c.addedAt),
        corpTags: (await this.corpTags.contactTags(c.externalUserId)).map((t) => ({ name: t.name, groupName: t.groupName })),
      })),
    );
    return {
      ...row,
      avatarUrl: m.avatarUrl,
      householdMembers: household.filter((h) => h.id !== m.id).map((h) => ({ id: h.id, nickname: h.nickname, relation: h.relation })),
      rfmTier,
      behaviourTags: behaviour.filter((t) => t.name).map((t) => ({ name: t.name, source: t.source, grantedAt: iso(t.grantedAt) })),
      wecomContacts,
      timeline: timeline.map((a) => ({ at: iso(a.at), text: a.text, kind: a.kind })),
    };
  }

  // ---- the customer picker ----

  /**
   * WeCom customers for the picker: by WeCom name, member nickname or whole phone number (its keyed
   * digest: a partial number would let masked digits be recovered), and/or a tag (corp tag on the
   * contact or our behaviour tag on the linked member). Store managers see customers of their
   * store's clerks or members; group owners their own.
   */
  async searchCustomers(staff: StaffPrincipal, q: { q?: string; tag?: string; externalUserId?: string }): Promise<{ items: CustomerPick[] }> {
    const LIMIT = 20;
    let candidates;
    if (q.externalUserId) {
      candidates = await this.contacts.search({ externalUserIds: [q.externalUserId], limit: 1 });
    } else {
      let memberIds: number[] = [];
      let unionids: string[] = [];
      if (q.q) {
        const digest = phoneDigest(q.q);
        const ms = (await this.admin.searchScoped(staff, digest ? { phoneDigest: digest } : { nickname: q.q }, { order: 'ASC', take: 200 })).items;
        memberIds = ms.map((m) => m.id);
        unionids = ms.map((m) => m.unionid).filter((u): u is string => !!u);
      }
      if (q.q) {
        candidates = await this.contacts.search({ q: phoneDigest(q.q) ? undefined : q.q, memberIds, unionids, limit: 200 });
      } else if (q.tag) {
        const corp = await this.corpTags.contactsWithTag(q.tag, 500);
        const tag = q.tag;
        const tagged = (
          await this.admin.searchScoped(
            staff,
            { extra: [(id) => ({ sql: this.tags.memberHasTagSql(id, 'fTag'), params: { fTag: tag } })] },
            { order: 'ASC', take: 500 },
          )
        ).items;
        candidates = await this.contacts.search({
          externalUserIds: corp,
          memberIds: tagged.map((m) => m.id),
          unionids: tagged.map((m) => m.unionid).filter((u): u is string => !!u),
          limit: 200,
        });
      } else {
        candidates = await this.contacts.search({ recent: true, limit: 200 });
      }
    }
    // the linked members (in scope only) by id or unionid
    const ids = [...new Set(candidates.map((c) => c.memberId).filter((x): x is number => x !== null))];
    const unions = [...new Set(candidates.map((c) => c.unionid).filter((u): u is string => !!u))];
    const members = ids.length || unions.length ? (await this.admin.searchScoped(staff, { ids, unionids: unions }, { order: 'ASC' })).items : [];
    const byId = new Map(members.map((m) => [m.id, m]));
    const byUnion = new Map(members.filter((m) => m.unionid).map((m) => [m.unionid!, m]));
    const memberOf = (c: (typeof candidates)[number]) =>
      (c.memberId !== null ? byId.get(c.memberId) : undefined) ?? (c.unionid ? byUnion.get(c.unionid) : undefined);
    const inScope = (c: (typeof candidates)[number]) => {
      if (staff.role === 'hq_admin') return true;
      if (memberOf(c)) return true;
      if (staff.role === 'store_manager') return staff.storeId !== null && c.followStaff?.storeId === staff.storeId;
      if (staff.role === 'group_owner') return c.followStaffId === staff.staffId;
      return false;
    };
    let rows = candidates.filter(inScope);
    const corpTags = await this.corpTags.contactTagNames(rows.map((c) => c.externalUserId));
    const behaviour = await this.tags.tagsOfMany(rows.map((c) => memberOf(c)?.id).filter((x): x is number => x !== undefined));
    const tagsOf = (c: (typeof candidates)[number]) => {
      const m = memberOf(c);
      return [...new Set([...(corpTags.get(c.externalUserId) ?? []), ...(m ? (behaviour.get(m.id) ?? []) : [])].filter(Boolean))];
    };
    if (q.q && q.tag) rows = rows.filter((c) => tagsOf(c).includes(q.tag!));
    rows = rows.slice(0, LIMIT);
    const stores = new Map((await this.identity.allStores()).map((s) => [s.id, s.name]));
    return {
      items: rows.map((c) => {
        const m = memberOf(c);
        const storeId = m?.storeId ?? c.followStaff?.storeId ?? null;
        return {
          externalUserId: c.externalUserId,
          name: c.name,
          avatarUrl: c.avatar,
          clerkName: c.followStaff?.displayName ?? null,
          storeName: storeId ? (stores.get(storeId) ?? null) : null,
          phoneMasked: m ? maskPhone(m.phone) : null,
          memberId: m?.id ?? null,
          memberName: m?.nickname ?? null,
          tags: tagsOf(c),
        };
      }),
    };
  }

  // ---- segments ----

  private segmentView(s: MemberSegment): SegmentView {
    const parsed = MemberFilterSchema.safeParse(s.filter);
    return { id: s.id, name: s.name, filter: parsed.success ? parsed.data : {}, createdBy: s.createdByName, createdAt: iso(s.createdAt) };
  }

  async segments(staff: StaffPrincipal): Promise<{ items: SegmentView[] }> {
    const rows = await this.db.manager.find(MemberSegment, {
      where: staff.role === 'hq_admin' ? {} : { createdBy: staff.staffId },
      order: { id: 'DESC' },
      take: 100,
    });
    return { items: rows.map((s) => this.segmentView(s)) };
  }

  async createSegment(staff: StaffPrincipal, name: string, filter: MemberFilter, now = new Date()): Promise<SegmentView> {
    const me = await this.identity.staffProfile(staff.staffId);
    const clean = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== ''));
    const row = await this.db.manager.save(
      this.db.manager.create(MemberSegment, {
        name,
        filter: clean,
        createdBy: staff.staffId,
        createdByName: me.displayName.slice(0, 40),
        createdAt: now,
      }),
    );
    return this.segmentView(row);
  }

  async deleteSegment(staff: StaffPrincipal, id: number): Promise<{ ok: true }> {
    const r = await this.db.manager.delete(MemberSegment, staff.role === 'hq_admin' ? { id } : { id, createdBy: staff.staffId });
    if (!r.affected) throw new AppError('NOT_FOUND');
    return { ok: true };
  }

  // ---- export ----

  async exportXlsx(staff: StaffPrincipal, f: MemberFilter, now = new Date()): Promise<{ filename: string; body: Buffer; rows: number }> {
    const { items: members } = await this.admin.searchScoped(staff, this.filtered(f), { order: 'ASC', take: EXPORT_MAX_ROWS });
    const rows = await this.rows(members);
    // exceljs is loaded on the first export, not at every start (~0.8 s of CPU per start)
    const { Workbook } = await import('exceljs');
    const wb = new Workbook();
    wb.creator = '社区私域中枢';
    wb.created = now;
    const ws = wb.addWorksheet('会员');
    ws.columns = [
      { header: '会员编号', key: 'id', width: 10 },
      { header: '昵称', key: 'nickname', width: 16 },
      { header: '手机号', key: 'phone', width: 16 },
      { header: '等级', key: 'tier', width: 8 },
      { header: '门店', key: 'store', width: 12 },
      { header: '家庭', key: 'household', width: 14 },
      { header: '群主', key: 'owner', width: 10 },
      { header: '企业微信', key: 'wecom', width: 10 },
      { header: '标签', key: 'tags', width: 30 },
      { header: '注册时间', key: 'joined', width: 18 },
    ];
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    const byId = new Map(members.map((m) => [m.id, m]));
    for (const r of rows) {
      ws.addRow({
        id: r.id,
        nickname: r.nickname ?? '未设置昵称',
        phone: exportPhone(staff.role, byId.get(r.id)?.phone ?? null, r.phoneMasked),
        tier: r.tier,
        store: r.storeName ?? '',
        household: r.householdName ?? '',
        owner: r.groupOwnerName ?? '',
        wecom: r.wecomLinked ? '已添加' : '未添加',
        tags: r.tags.join('、'),
        joined: shanghai(r.createdAt),
      });
    }
    const body = Buffer.from(await wb.xlsx.writeBuffer());
    const stamp = shanghai(now.toISOString()).replace(/[-: ]/g, '').slice(0, 12);
    return { filename: `会员-${stamp}.xlsx`, body, rows: rows.length };
  }
}

/** 「2026-12-05 14:03」 in Asia/Shanghai. */
function shanghai(isoTime: string): string {
  return formatDateTime(isoTime);
}

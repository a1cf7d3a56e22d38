/**
 * Demo data for local runs (SEED_DEMO, on by default in development). Runs once: if any store
 * exists the database is left alone, and a concurrent second seeder loses on the unique store name.
 */
import { phoneColumns } from '../modules/identity/phone';
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, IsNull, Not } from 'typeorm';
import { CURRENT_PRIVACY_VERSION } from '../../../contracts/identity';
import type { StaffRole } from '../../../contracts/route';
import { Db, isUniqueViolation } from '../core/db';
import { ConsentRecord } from '../modules/identity/entities/consent-record.entity';
import { Household } from '../modules/identity/entities/household.entity';
import { Member } from '../modules/identity/entities/member.entity';
import { StaffUser } from '../modules/identity/entities/staff-user.entity';
import { Store } from '../modules/identity/entities/store.entity';
import { hashPassword } from '../modules/identity/password';
import { WecomContact } from '../modules/wecom/entities/wecom-contact.entity';
import { demoPopulation } from './demo-data';
import { LedgerService } from '../modules/purchases/ledger.service';
import { demoReceipts, type DemoShopper } from './demo-receipts';
import { demoReplies } from './demo-activity';
import { EventBus } from '../core/events/event-bus';
import '../modules/wecom/events';

export const DEMO_STORE = '滨江店';

const DEMO_STORE_DETAILS: Partial<Store> = {
  region: '城东片区',
  address: '杭州市滨江区江南大道 188 号',
  latE6: 30_208_000,
  lngE6: 120_211_000,
  openingHours: '07:00-22:00',
  targetHouseholds: 1800,
  pickupCounters: ['1号自提柜台'],
  wecomDepartmentId: 2,
  active: true,
};

/** The rest of the demo chain (no members of their own yet). */
export const DEMO_EXTRA_STORES: Array<Partial<Store> & { name: string }> = [
  {
    name: '城南店',
    region: '城东片区',
    address: '杭州市上城区复兴路 66 号',
    latE6: 30_228_000,
    lngE6: 120_175_000,
    openingHours: '07:30-21:30',
    targetHouseholds: 1200,
    pickupCounters: ['自提柜台'],
    wecomDepartmentId: 3,
    active: true,
  },
  {
    name: '湖畔店',
    region: '城西片区',
    address: '杭州市西湖区文三路 520 号',
    latE6: 30_278_000,
    lngE6: 120_125_000,
    openingHours: '08:00-22:00',
    targetHouseholds: 1500,
    pickupCounters: ['1号柜台', '2号柜台'],
    wecomDepartmentId: 4,
    active: true,
  },
];

export interface DemoAccount {
  username: string;
  displayName: string;
  role: StaffRole;
  password: string;
  wecomUserId: string | null;
  inStore: boolean;
}

/** Demo passwords are printed at start; they exist only in databases this seed created. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'admin', displayName: '总部管理员', role: 'hq_admin', password: 'admin123', wecomUserId: 'chenjing', inStore: false },
  { username: 'manager', displayName: '滨江店店长', role: 'store_manager', password: 'manager123', wecomUserId: 'zhangsan', inStore: true },
  { username: 'owner1', displayName: '团长·李娜', role: 'group_owner', password: 'owner123', wecomUserId: 'lisi', inStore: true },
  { username: 'owner2', displayName: '团长·王磊', role: 'group_owner', password: 'owner123', wecomUserId: 'wangwu', inStore: true },
  { username: 'staff1', displayName: '店员·赵敏', role: 'staff', password: 'staff123', wecomUserId: 'zhaoliu', inStore: true },
];

export interface SeedResult {
  created: boolean;
  accounts: Array<{ username: string; role: StaffRole; password: string; wecomUserId: string | null }>;
  members: number;
  contacts: number;
}

const DAY = 86_400_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class SeedService {
  @Inject()
  db!: Db;

  @Inject()
  ledger!: LedgerService;

  @Inject()
  events!: EventBus;

  async seedDemo(now = new Date()): Promise<SeedResult> {
    const accounts = DEMO_ACCOUNTS.map((a) => ({ username: a.username, role: a.role, password: a.password, wecomUserId: a.wecomUserId }));
    if ((await this.db.manager.count(Store)) > 0) return { created: false, accounts, members: 0, contacts: 0 };
    // hash outside the transaction: scrypt is slow on purpose and must not hold the write lock
    const hashes = await Promise.all(DEMO_ACCOUNTS.map((a) => hashPassword(a.password)));
    try {
      return await this.db.transaction(async (em) => {
        const storeId = Number((await em.insert(Store, { ...DEMO_STORE_DETAILS, name: DEMO_STORE, createdAt: now })).identifiers[0].id);
        // two more stores of the chain, so every store-scoped screen shows more than one
        for (const extra of DEMO_EXTRA_STORES) await em.insert(Store, { ...extra, createdAt: now });
        const staffIds: Record<string, number> = {};
        for (const [i, a] of DEMO_ACCOUNTS.entries()) {
          const r = await em.insert(StaffUser, {
            username: a.username,
            displayName: a.displayName,
            passwordHash: hashes[i],
            role: a.role,
            storeId: a.inStore ? storeId : null,
            wecomUserId: a.wecomUserId,
            active: true,
            createdAt: now,
          });
          staffIds[a.username] = Number(r.identifiers[0].id);
        }
        const owners = [staffIds.owner1, staffIds.owner2];

        const { households, members } = demoPopulation();
        const householdIds: number[] = [];
        for (const h of households) {
          const r = await em.insert(Household, { name: h.name, storeId, createdAt: now });
          householdIds.push(Number(r.identifiers[0].id));
        }
        for (let i = 0; i < members.length; i += 100) {
          await em.insert(
            Member,
            members.slice(i, i + 100).map((m) => ({
              openid: m.openid,
              unionid: m.unionid,
              nickname: m.nickname,
              avatarUrl: null,
              ...phoneColumns(m.phone),
              tier: m.tier,
              storeId,
              householdId: householdIds[m.householdIndex],
              householdRelation: m.relation,
              groupOwnerStaffId: m.groupOwner === null ? null : owners[m.groupOwner],
              consentVersion: CURRENT_PRIVACY_VERSION,
              status: 'active' as const,
              createdAt: new Date(now.getTime() - m.daysAgo * DAY),
              deletedAt: null,
            })),
          );
        }
        // ids by openid (multi-row inserts do not report every generated id on every driver)
        const idByOpenid = new Map<string, number>();
        for (let i = 0; i < members.length; i += 200) {
          const rows = await em.find(Member, { where: { openid: In(members.slice(i, i + 200).map((m) => m.openid)) }, select: { id: true, openid: true } });
          for (const r of rows) idByOpenid.set(r.openid as string, r.id);
        }
        const consents = members.map((m) => ({
          memberId: idByOpenid.get(m.openid)!,
          version: CURRENT_PRIVACY_VERSION,
          action: 'granted' as const,
          at: new Date(now.getTime() - m.daysAgo * DAY),
        }));
        for (let i = 0; i < consents.length; i += 200) await em.insert(ConsentRecord, consents.slice(i, i + 200));

        // WeCom contacts: the first 60 members with a unionid, followed by their group owner (else
        // the manager or the shop assistant), plus a few contacts who never registered.
        const withUnion = members.filter((m) => m.unionid).slice(0, 60);
        const followers = [staffIds.manager, staffIds.staff1];
        const contacts = withUnion.map((m, i) => {
          const follow = m.groupOwner !== null ? owners[m.groupOwner] : followers[i % 2];
          const account = DEMO_ACCOUNTS.find((a) => staffIds[a.username] === follow)!;
          return {
            externalUserId: `wm_demo_${String(i + 1).padStart(4, '0')}`,
            name: m.nickname,
            avatar: null,
            unionid: m.unionid,
            followUserId: account.wecomUserId,
            followStaffId: follow,
            memberId: idByOpenid.get(m.openid)!,
            addedAt: new Date(now.getTime() - Math.max(m.daysAgo - 3, 0) * DAY),
            createdAt: now,
          };
        });
        const strangers = ['路过的邻居', '陈女士', '快递小哥', '新搬来的周先生', '楼下刘姐'].map((name, i) => ({
          externalUserId: `wm_demo_${String(withUnion.length + i + 1).padStart(4, '0')}`,
          name,
          avatar: null,
          unionid: null,
          followUserId: 'zhaoliu',
          followStaffId: staffIds.staff1,
          memberId: null,
          addedAt: new Date(now.getTime() - (i + 1) * DAY),
          createdAt: now,
        }));
        await em.insert(WecomContact, [...contacts, ...strangers]);
        return { created: true, accounts, members: members.length, contacts: contacts.length + strangers.length };
      });
    } catch (err) {
      if (isUniqueViolation(err)) return { created: false, accounts, members: 0, contacts: 0 };
      throw err;
    }
  }

  /**
   * A year of till receipts at the demo store (seed/demo-receipts.ts), one shopper per household,
   * through the ledger like any till (RFM, journeys, timeline and suggestions hear PurchaseRecorded).
   * Once: only while the store has no receipts; a re-run would add nothing anyway (natural keys).
   * With them, the last 60 days' replies of the store's WeCom contacts (seed/demo-activity.ts), so
   * the dashboard's interaction figures are not just votes and classes.
   */
  async seedDemoReceipts(now = new Date()): Promise<number> {
    const store = await this.db.manager.findOne(Store, { where: { name: DEMO_STORE } });
    if (!store) return 0;
    const [{ n }] = await this.db.manager.query('SELECT COUNT(*) AS n FROM receipt WHERE store_id = ?', [store.id]);
    if (Number(n) > 0) return 0;
    const members = await this.db.manager.find(Member, {
      where: { storeId: store.id, status: 'active' },
      select: { id: true, householdId: true, householdRelation: true },
      order: { id: 'ASC' },
    });
    const households = new Map<number, Member[]>();
    for (const m of members) if (m.householdId) (households.get(m.householdId) ?? households.set(m.householdId, []).get(m.householdId)!).push(m);
    const shoppers: DemoShopper[] = [...households.values()].map((h) => ({
      memberId: (h.find((m) => m.householdRelation === '本人') ?? h[0]).id,
      size: h.length,
      kids: h.some((m) => m.householdRelation === '子女'),
      elders: h.some((m) => m.householdRelation === '父母'),
    }));
    const drafts = demoReceipts(store.id, shoppers, now);
    const out = await this.ledger.ingest(drafts, { now });
    const contacts = await this.db.manager.find(WecomContact, { where: { memberId: Not(IsNull()) }, order: { externalUserId: 'ASC' } });
    const replies = demoReplies(
      contacts.map((c) => ({ externalUserId: c.externalUserId, staffUserId: c.followUserId, memberId: c.memberId! })),
      now,
    );
    await this.db.transaction((em) =>
      this.events.emitMany(
        em,
        'CustomerReplied',
        replies.map((r) => ({
          externalUserId: r.externalUserId,
          staffUserId: r.staffUserId,
          memberId: r.memberId,
          at: r.at.toISOString(),
          via: 'staff_noted' as const,
        })),
      ),
    );
    return out.filter((o) => o.status === 'added').length;
  }

  /**
   * Dev only: the in-process simulator starts empty on every start, but our database remembers the
   * WeCom contacts (demo seed, showcase, earlier runs). Tell the simulator about each of them so
   * what staff do with them (tags, messages) reaches a WeCom that knows the customer.
   */
  async announceContactsToSimulator(simulatorUrl: string): Promise<number> {
    const rows = await this.db.manager.find(WecomContact, {
      select: { externalUserId: true, followUserId: true, name: true, unionid: true },
      where: { followUserId: Not(IsNull()) },
    });
    for (let i = 0; i < rows.length; i += 20) {
      await Promise.all(
        rows.slice(i, i + 20).map(async (c) => {
          const res = await fetch(`${simulatorUrl}/__sim/wecom/contacts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ userid: c.followUserId, external_userid: c.externalUserId, name: c.name ?? undefined, unionid: c.unionid ?? undefined }),
          });
          if (!res.ok) throw new Error(`simulator refused contact ${c.externalUserId}: ${res.status}`);
        }),
      );
    }
    return rows.length;
  }
}

/**
 * Insight against a generated data set with known answers (known-data.ts): the data goes in only
 * as other modules' events (replayed through the outbox with their original times) plus identity's
 * members and households; the job syncs the roster and refreshes the read models; then every
 * figure of the chain (HQ), store A (its manager) and a group owner's members is checked exactly,
 * for the period and the previous one; the class ROI board's difference in differences recovers
 * the planted uplift inside its interval; a drill-down lists the members behind a figure and
 * exports them to Excel.
 */
import ExcelJS from 'exceljs';
import { In } from 'typeorm';
import * as I from '../../../contracts/insight';
import { Db } from '../../src/core/db';
import { DomainEvent } from '../../src/core/events/domain-event.entity';
import { EventBus } from '../../src/core/events/event-bus';
import type { DomainEventMap, DomainEventType } from '../../src/core/events/types';
import { JobRunner } from '../../src/core/jobs';
import { Household } from '../../src/modules/identity/entities/household.entity';
import { Member } from '../../src/modules/identity/entities/member.entity';
import { Store } from '../../src/modules/identity/entities/store.entity';
import { InsightSnapshot } from '../../src/modules/insight/entities/insight.entity';
import { InsightListener } from '../../src/modules/insight/insight.listener';
import { InsightService } from '../../src/modules/insight/insight.service';
import { JourneyCustomer } from '../../src/modules/journeys/entities/journey-customer.entity';
import { JourneyEnrolment } from '../../src/modules/journeys/entities/enrolment.entity';
import { JourneysPublic } from '../../src/modules/journeys/public';
import { TagService } from '../../src/modules/tags/tag.service';
import '../../src/modules/classes/events';
import '../../src/modules/community/events';
import '../../src/modules/contest/events';
import '../../src/modules/purchases/events';
import '../../src/modules/wecom/events';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeHousehold, makeMember, makeStore } from '../helpers/fixtures';
import { staffToken } from '../wecom/engine-helpers';
import { expected, generate, PERIOD, PLANTED_VISIT_UPLIFT, PREVIOUS, SETTINGS } from './known-data';

let t: TestApp;
let hq: string;
let managerA: string;
let owner: string;
const data = generate();
const memberId = new Map<number, number>();
const storeId = new Map<string, number>();

const shanghaiDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Replay one event of another module at its original time (the outbox delivers it as usual). */
async function replay<T extends DomainEventType>(rows: Array<{ type: T; payload: DomainEventMap[T]; at: Date }>): Promise<void> {
  const db = await t.container.getAsync(Db);
  for (let i = 0; i < rows.length; i += 200) {
    await db.manager
      .createQueryBuilder()
      .insert()
      .into(DomainEvent)
      .values(
        rows
          .slice(i, i + 200)
          .map((r) => ({ type: r.type, payload: JSON.stringify(r.payload), createdAt: r.at, dispatchedAt: null, attempts: 0, lastError: null })),
      )
      .updateEntity(false)
      .execute();
  }
}

/**
 * The ~1,200 receipts go straight to insight's set-based handler (batches of 200 in one transaction,
 * as the outbox would call it), so the test does not spend a minute running every other module's receipt
 * handlers; the other events take the real outbox path.
 */
async function deliverToInsight(rows: Array<{ type: 'PurchaseRecorded'; payload: DomainEventMap['PurchaseRecorded']; at: Date }>): Promise<void> {
  const db = await t.container.getAsync(Db);
  const listener = await t.container.getAsync(InsightListener);
  let id = 5_000_000;
  for (let i = 0; i < rows.length; i += 200) {
    await db.transaction((em) =>
      listener.purchased(
        rows.slice(i, i + 200).map((r) => ({ id: id++, type: 'PurchaseRecorded', payload: r.payload, createdAt: r.at })),
        em,
      ),
    );
  }
}

/** Every number equal (floats to 1e-9), every null null. */
function expectSame(actual: unknown, want: unknown, path = ''): void {
  if (want === null || typeof want !== 'object') {
    if (typeof want === 'number') {
      expect({ path, v: typeof actual }).toEqual({ path, v: 'number' });
      if (!Number.isInteger(want)) expect(Math.abs((actual as number) - want)).toBeLessThan(1e-9);
      else expect({ path, v: actual }).toEqual({ path, v: want });
    } else expect({ path, v: actual }).toEqual({ path, v: want });
    return;
  }
  for (const [k, v] of Object.entries(want)) expectSame((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
}

beforeAll(async () => {
  t = await startTestApp();
  const db = await t.container.getAsync(Db);
  for (const s of data.stores) {
    const row = await makeStore(t, s.name);
    await db.manager.update(Store, { id: row.id }, { targetHouseholds: s.target });
    storeId.set(s.key, row.id);
  }
  hq = (await staffToken(t, 'hq_admin')).token;
  managerA = (await staffToken(t, 'store_manager', { storeId: storeId.get('A')! })).token;
  const o = await staffToken(t, 'group_owner', { storeId: storeId.get('A')! });
  owner = o.token;
  const householdId = new Map<number, number>();
  for (const h of data.households) {
    const row = await makeHousehold(t, storeId.get(h.store)!);
    await db.manager.update(Household, { id: row.id }, { childrenCount: h.children });
    householdId.set(h.key, row.id);
  }
  for (const m of data.members) {
    const row = await makeMember(t, {
      storeId: storeId.get(m.store)!,
      householdId: householdId.get(m.household)!,
      nickname: m.nickname,
      groupOwnerStaffId: m.owned ? o.staff.id : null,
    });
    await db.manager.update(Member, { id: row.id }, { createdAt: m.registeredAt });
    memberId.set(m.key, row.id);
  }
  const mid = (k: number) => memberId.get(k)!;
  const sid = (k: 'A' | 'B') => storeId.get(k)!;
  const storeOf = new Map(data.members.map((m) => [m.key, m.store]));
  await replay(
    data.members.map((m) => ({
      type: 'MemberRegistered' as const,
      payload: { memberId: mid(m.key), unionid: null, storeId: sid(m.store), referrerMemberId: null },
      at: m.registeredAt,
    })),
  );
  await deliverToInsight(
    data.purchases.map((p) => ({
      type: 'PurchaseRecorded' as const,
      payload: {
        receiptId: 900_000 + p.key,
        memberId: mid(p.member),
        storeId: sid(p.store),
        channel: 'pos' as const,
        totalFen: p.totalFen,
        discountFen: 0,
        occurredAt: p.at.toISOString(),
        refundOf: null,
        items: p.items.map((i) => ({ sku: null, ...i })),
        couponCodes: [],
      },
      at: p.at,
    })),
  );
  for (const a of data.activities) {
    const m = mid(a.member);
    const s = sid(storeOf.get(a.member)!);
    if (a.kind === 'registration')
      await replay([{ type: 'ClassRegistered', payload: { registrationId: 800_000 + a.ref, sessionId: 1, classId: 1, memberId: m }, at: a.at }]);
    if (a.kind === 'checkin')
      await replay([
        { type: 'ClassCheckedIn', payload: { registrationId: 800_000 + a.ref, sessionId: 1, classId: 1, storeId: s, memberId: m, tags: [] }, at: a.at },
      ]);
    if (a.kind === 'vote') await replay([{ type: 'ContestVoted', payload: { memberId: m, contestId: 1, day: shanghaiDay(a.at) }, at: a.at }]);
    if (a.kind === 'entry') await replay([{ type: 'EntryApproved', payload: { entryId: 800_000 + a.ref, contestId: 1, memberId: m, auto: true }, at: a.at }]);
    if (a.kind === 'visit')
      await replay([{ type: 'MemberArrived', payload: { memberId: m, storeId: s, via: 'member_code', at: a.at.toISOString() }, at: a.at }]);
  }
  for (const c of data.contacts) {
    if (c.kind === 'added') {
      await replay([
        {
          type: 'ContactAdded',
          payload: {
            externalUserId: c.ext,
            staffUserId: 'known_clerk',
            staffId: null,
            memberId: c.member === null ? null : mid(c.member),
            channelId: null,
            channelKind: c.channelKind,
            state: null,
            referrerMemberId: c.referral ? mid(0) : null,
            addedAt: c.at.toISOString(),
          },
          at: c.at,
        },
      ]);
    } else {
      await replay([
        { type: 'ContactLost', payload: { externalUserId: c.ext, staffUserId: 'known_clerk', reason: 'customer_deleted', at: c.at.toISOString() }, at: c.at },
      ]);
    }
  }
  // the advisory panel, as community announces it
  await replay(data.panel.map((p) => ({ type: 'AdvisoryPanelJoined' as const, payload: { memberId: mid(p.member), at: p.at.toISOString() }, at: p.at })));
  await (await t.container.getAsync(EventBus)).drain();
  // the job: roster (households, group owner) and read models
  expect((await (await t.container.getAsync(JobRunner)).runNow('insight.refresh')).ran).toBe(true);
  await t.client(hq).call(I.putInsightSettings, { body: SETTINGS });
}, 240_000);

afterAll(async () => {
  await t?.close();
});

describe('every dashboard figure on the known data set', () => {
  test('HQ: the chain, this period and the previous one', async () => {
    const o = await t.client(hq).call(I.refreshOverview, { body: PERIOD });
    expect(o.scope).toBe('chain');
    expect([o.previousFrom, o.previousTo]).toEqual([PREVIOUS.from, PREVIOUS.to]);
    expectSame(o.figures, expected(data, {}, 'current'), 'chain');
    expectSame(o.previous, expected(data, {}, 'previous'), 'chain.prev');
    // the figures are not trivial: the data set exercises each family
    expect(o.figures.value.repeatRate).toBeGreaterThan(0);
    expect(o.figures.flow.silent90).toBeGreaterThan(0);
    expect(o.figures.rings.counts.create).toBeGreaterThan(0);
    expect(o.figures.value.cacFen).toBe(Math.round((4 * 5_000 + 4 * 2_000) / 8));
    expect(o.series).toHaveLength(30);
    expect(o.series.reduce((n, p) => n + p.spendFen, 0)).toBe(o.figures.value.netSpendFen);
    // the dashboard read serves the stored read model
    const again = await t.client(hq).call(I.getOverview, { query: PERIOD });
    expect(again.computedAt).toBe(o.computedAt);
  });

  test('store manager: their store only (another store is refused); HQ sees the same store', async () => {
    const a = await t.client(managerA).call(I.refreshOverview, { body: PERIOD });
    expect(a.scope).toBe(`store:${storeId.get('A')}`);
    expectSame(a.figures, expected(data, { store: 'A' }, 'current'), 'A');
    expectSame(a.previous, expected(data, { store: 'A' }, 'previous'), 'A.prev');
    await expect(t.client(managerA).call(I.getOverview, { query: { ...PERIOD, storeId: storeId.get('B')! } })).rejects.toMatchObject({ status: 403 });
    const b = await t.client(hq).call(I.refreshOverview, { body: { ...PERIOD, storeId: storeId.get('B')! } });
    expectSame(b.figures, expected(data, { store: 'B' }, 'current'), 'B');
  });

  test('group owner: their members', async () => {
    const g = await t.client(owner).call(I.refreshOverview, { body: PERIOD });
    expect(g.scope).toMatch(/^owner:/);
    expectSame(g.figures, expected(data, { owned: true }, 'current'), 'owner');
  });

  test('the job: one grouped statement per figure for every store and owner gives each scope the same exact figures', async () => {
    const insight = await t.container.getAsync(InsightService);
    const at = new Date('2026-09-30T04:00:00Z'); // its default period is PERIOD
    const { scopes } = await insight.refreshAll(at);
    expect(scopes).toBeGreaterThanOrEqual(4); // the chain, stores A and B, the owner
    const db = await t.container.getAsync(Db);
    const snap = async (scope: string) => {
      const row = await db.manager.findOneOrFail(InsightSnapshot, { where: { scope, periodFrom: PERIOD.from, periodTo: PERIOD.to } });
      expect(row.computedAt.getTime()).toBe(at.getTime());
      return JSON.parse(row.body) as I.Overview;
    };
    const chain = await snap('chain');
    expectSame(chain.figures, expected(data, {}, 'current'), 'job.chain');
    expectSame(chain.previous, expected(data, {}, 'previous'), 'job.chain.prev');
    for (const k of ['A', 'B'] as const) {
      const s = await snap(`store:${storeId.get(k)}`);
      expectSame(s.figures, expected(data, { store: k }, 'current'), `job.${k}`);
      expectSame(s.previous, expected(data, { store: k }, 'previous'), `job.${k}.prev`);
      // the grouped ROI board and series are the single-scope ones
      const one = await t.client(hq).call(I.refreshOverview, { body: { ...PERIOD, storeId: storeId.get(k)! } });
      expectSame(s.roi, one.roi, `job.${k}.roi`);
      expect(s.series).toEqual(one.series);
    }
    const owners = await db.manager.find(InsightSnapshot, { where: { periodFrom: PERIOD.from, periodTo: PERIOD.to, computedAt: at } });
    const ownerKey = owners.map((r) => r.scope).filter((k) => k.startsWith('owner:'));
    expect(ownerKey).toHaveLength(1);
    const o = await snap(ownerKey[0]);
    const g = await t.client(owner).call(I.refreshOverview, { body: PERIOD });
    expect(g.scope).toBe(ownerKey[0]);
    expectSame(o.figures, expected(data, { owned: true }, 'current'), 'job.owner');
    expectSame(o.roi, g.roi, 'job.owner.roi');
  });

  test('ROI board: the difference in differences recovers the planted class uplift within its interval', async () => {
    const o = await t.client(hq).call(I.getOverview, { query: PERIOD });
    const roi = o.roi.classes;
    expect(roi.treated).toBe(data.treated.length);
    expect(roi.matchedTreated).toBeGreaterThan(0);
    expect(roi.controls).toBeGreaterThan(0);
    const v = roi.visits!;

    console.log(
      `DiD visits/month: ${v.did.toFixed(2)} [${v.low.toFixed(2)}, ${v.high.toFixed(2)}], planted ${PLANTED_VISIT_UPLIFT}; ${roi.matchedTreated} treated vs ${roi.controls} controls in ${roi.cells} cells`,
    );
    expect(v.low).toBeLessThanOrEqual(PLANTED_VISIT_UPLIFT);
    expect(v.high).toBeGreaterThanOrEqual(PLANTED_VISIT_UPLIFT);
    expect(v.low).toBeGreaterThan(0);
    expect(roi.spendFen!.did).toBeGreaterThan(0);
  });

  test('drill-down: the members behind a figure, exported to Excel', async () => {
    const want = expected(data, {}, 'current');
    const seg = await t.client(hq).call(I.getSegment, { query: { ...PERIOD, figure: 'silent90' } });
    expect(seg.total).toBe(want.flow.silent90);
    // silent 90 days at the period end: joined before the window, no receipt and no activity in it
    const windowFrom = Date.parse('2026-07-02T16:00:00Z');
    const stirred = new Set([
      ...data.purchases.filter((p) => p.at.getTime() >= windowFrom).map((p) => p.member),
      ...data.activities.filter((a) => a.at.getTime() >= windowFrom).map((a) => a.member),
    ]);
    const silentIds = data.members.filter((m) => m.registeredAt.getTime() < windowFrom && !stirred.has(m.key)).map((m) => memberId.get(m.key)!);
    expect(seg.items.map((m) => m.id).sort((a, b) => a - b)).toEqual(silentIds.sort((a, b) => a - b));
    const res = await t
      .http()
      .get('/api/admin/insight/segment/export')
      .query({ ...PERIOD, figure: 'repeaters' })
      .set('authorization', `Bearer ${hq}`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const repeaters = await t.client(hq).call(I.getSegment, { query: { ...PERIOD, figure: 'repeaters' } });
    expect(ws.rowCount - 1).toBe(repeaters.total);
    expect(repeaters.total).toBe(Math.round(want.value.repeatRate! * want.value.buyers));
    // a store manager cannot drill into the chain's other store
    await expect(t.client(managerA).call(I.getSegment, { query: { ...PERIOD, figure: 'members', storeId: storeId.get('B')! } })).rejects.toMatchObject({
      status: 403,
    });
  });

  test('bad ranges are a clean 400', async () => {
    await expect(t.client(hq).call(I.getOverview, { query: { from: '2026-09-30', to: '2026-09-01' } })).rejects.toMatchObject({ status: 400 });
    await expect(t.client(hq).call(I.getOverview, { query: { from: '2024-01-01', to: '2026-09-01' } })).rejects.toMatchObject({ status: 400 });
  });
});

describe('saved segments and the ROI history', () => {
  test('a drill-down saved as a segment becomes a journey audience and a tag (through the journeys and tags modules)', async () => {
    const want = expected(data, {}, 'current');
    const seg = await t.client(hq).call(I.saveSegment, { body: { ...PERIOD, figure: 'repeaters', name: '九月复购会员' } });
    expect(seg.members).toBe(Math.round(want.value.repeatRate! * want.value.buyers));
    expect((await t.client(hq).call(I.listSegments, {})).items.map((x) => x.id)).toContain(seg.id);
    const drill = await t.client(hq).call(I.getSegment, { query: { ...PERIOD, figure: 'repeaters' } });
    const ids = drill.items.map((m) => m.id).sort((a, b) => a - b);
    // the saved segment's own export: its frozen members, one row each
    const xlsx = async (token: string) =>
      t
        .http()
        .get(`/api/admin/insight/segments/${seg.id}/export`)
        .set('authorization', `Bearer ${token}`)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
    const res = await xlsx(hq);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const col = wb.worksheets[0].getColumn(1).values.slice(2).map(Number);
    expect(col).toEqual(ids);
    expect((await xlsx(managerA)).status).toBe(403);
    // two of them are WeCom contacts: only they can be enrolled
    const db = await t.container.getAsync(Db);
    const now = new Date();
    for (const [i, id] of ids.slice(0, 2).entries()) {
      await db.manager.insert(JourneyCustomer, {
        externalUserId: `wm_seg_${i}`,
        memberId: id,
        isPrimary: true,
        staffUserId: 'known_clerk',
        addedAt: now,
        lostAt: null,
        lastReplyAt: null,
        optedOut: false,
        updatedAt: now,
      });
    }
    // (the known data's channel adds linked a few more of them already)
    const contacts = new Set((await db.manager.find(JourneyCustomer, { where: { memberId: In(ids) } })).filter((c) => !c.lostAt).map((c) => c.memberId));
    expect(contacts.size).toBeGreaterThanOrEqual(2);
    const journey = (await (await t.container.getAsync(JourneysPublic)).journeys()).find((j) => j.active)!;
    const r = await t.client(hq).call(I.enrolSegment, { params: { segmentId: seg.id }, body: { journeyId: journey.id } });
    expect(r).toEqual({ enrolled: contacts.size, skipped: seg.members - contacts.size });
    expect(await db.manager.count(JourneyEnrolment, { where: { journeyId: journey.id, externalUserId: 'wm_seg_0', status: 'active' } })).toBe(1);
    // again: already in the journey, nobody enrolled twice
    await t.client(hq).call(I.enrolSegment, { params: { segmentId: seg.id }, body: { journeyId: journey.id } });
    expect(await db.manager.count(JourneyEnrolment, { where: { journeyId: journey.id, externalUserId: 'wm_seg_0' } })).toBe(1);
    const tagged = await t.client(hq).call(I.tagSegment, { params: { segmentId: seg.id }, body: { tag: '九月复购' } });
    expect(tagged.tagName).toBe('九月复购');
    await (await t.container.getAsync(EventBus)).drain();
    const tags = await (await t.container.getAsync(TagService)).tagsOfMany(ids);
    for (const id of ids) expect(tags.get(id) ?? []).toContain('九月复购');
    // a store manager neither sees nor uses the chain's segment
    expect((await t.client(managerA).call(I.listSegments, {})).items.map((x) => x.id)).not.toContain(seg.id);
    await expect(t.client(managerA).call(I.tagSegment, { params: { segmentId: seg.id }, body: { tag: 'x' } })).rejects.toMatchObject({ status: 403 });
    await expect(t.client(hq).call(I.enrolSegment, { params: { segmentId: seg.id }, body: { journeyId: 999_999 } })).rejects.toMatchObject({ status: 404 });
  });

  test('the nightly job keeps the ROI board per month and store; September matches the board of the period', async () => {
    expect((await (await t.container.getAsync(JobRunner)).runNow('insight.roi-months', { now: new Date('2026-12-20T02:00:00Z') })).ran).toBe(true);
    const o = await t.client(hq).call(I.getOverview, { query: PERIOD });
    const months = (await t.client(hq).call(I.listRoiMonths, { query: {} })).items;
    expect(months.map((m) => m.month)).toEqual(['2026-11', '2026-10', '2026-09', '2026-08']);
    const sep = months.find((m) => m.month === '2026-09')!;
    expectSame(sep.classes, o.roi.classes, 'sep.classes');
    expect(sep.final).toBe(true);
    expect(months.find((m) => m.month === '2026-11')!.final).toBe(false);
    const a = (await t.client(managerA).call(I.listRoiMonths, { query: {} })).items;
    const aNow = await t.client(managerA).call(I.refreshOverview, { body: PERIOD });
    expectSame(a.find((m) => m.month === '2026-09')!.classes, aNow.roi.classes, 'A.sep.classes');
    await expect(t.client(managerA).call(I.listRoiMonths, { query: { storeId: storeId.get('B')! } })).rejects.toMatchObject({ status: 403 });
  });
});

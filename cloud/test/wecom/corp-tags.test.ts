/**
 * Tagging against the simulator: corp tags synced both ways, our tags created with add_corp_tag
 * and applied with mark_tag through the outbound queue, tags created by others read but never
 * applied or removed, member tags pushed to the member's contacts, RFM tiers recomputed from
 * PurchaseRecorded and moved in WeCom, and 45009 storms retried later.
 */
import { wecom } from '../../../contracts';
import { Db } from '../../src/core/db';
import { EventBus } from '../../src/core/events/event-bus';
import { JobRunner } from '../../src/core/jobs';
import '../../src/modules/journeys/events';
import { CorpTag } from '../../src/modules/tags/entities/corp-tag.entity';
import { MemberRfm } from '../../src/modules/tags/entities/rfm-order.entity';
import { DEFAULT_RFM_THRESHOLDS } from '../../src/modules/tags/rfm.rules';
import { RfmService } from '../../src/modules/tags/rfm.service';
import { TagService } from '../../src/modules/tags/tag.service';
import { WecomOutbound } from '../../src/modules/wecom/entities/outbound.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, settle, simGet, simPost, staffToken } from './engine-helpers';

const DAY = 86_400_000;
let t: TestApp;
let l: Listening;
let d: Db;
let admin: string;
let foreign: { uGC: string; churn: string };

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  d = await t.container.getAsync(Db);
  const storeId = (await makeStore(t)).id;
  await staffToken(t, 'staff', { storeId, wecomUserId: 'zhaoliu' });
  admin = (await staffToken(t, 'hq_admin')).token;
  // tags somebody made in the WeCom console, with names we also use
  const a = await simPost(t, '/__sim/wecom/corp-tags', { group_name: '社区私域', names: ['UGC创作者', '老街坊'], by: 'admin' });
  const b = await simPost(t, '/__sim/wecom/corp-tags', { group_name: 'RFM分层', names: ['流失预警'], by: 'admin' });
  foreign = { uGC: a.tag.find((x: any) => x.name === 'UGC创作者').id, churn: b.tag[0].id };
});
afterAll(async () => {
  await l?.close();
  await t?.close();
});

async function contactTags(ext: string): Promise<Array<{ name: string; id: string }>> {
  const { contact } = await simGet(t, `/__sim/wecom/contacts?external_userid=${ext}`);
  return contact.follow_user[0].tags.map((x: any) => ({ name: x.tag_name, id: x.tag_id }));
}

const allMarkedIds = async () => (await simGet(t, '/__sim/wecom/tag-marks')).marks.flatMap((m: any) => [...m.add, ...m.remove]);

async function customerOf(unionid: string, name = '客户') {
  const member = await makeMember(t, { unionid });
  const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name, unionid } } });
  return { member, ext: r.results![0].externalUserId! };
}

test('sync both ways: console tags mirrored read-only, our RFM tags created in WeCom', async () => {
  const r = await t.client(admin).call(wecom.syncCorpTags);
  expect(r.created).toBe(3); // 高价值忠诚 潜力复购 新客 (流失预警 exists only as a console tag)
  const view = await t.client(admin).call(wecom.listCorpTags);
  const all = view.groups.flatMap((g) => g.tags.map((x) => ({ ...x, group: g.groupName })));
  expect(all).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ group: '社区私域', name: '老街坊', createdByUs: false }),
      expect.objectContaining({ group: 'RFM分层', name: '流失预警', createdByUs: false }),
      expect.objectContaining({ group: 'RFM分层', name: '新客', createdByUs: true }),
    ]),
  );
  const { groups } = await simGet(t, '/__sim/wecom/corp-tags');
  const rfm = groups.find((g: any) => g.group_name === 'RFM分层');
  expect(rfm.tag.map((x: any) => x.name).sort()).toEqual(['新客', '流失预警', '潜力复购', '高价值忠诚'].sort());

  // a tag deleted in the console disappears from the mirror on the next pull (change_external_tag callback)
  await fire(t, l, { event: { Event: 'change_external_tag', ChangeType: 'delete', Id: 'x', TagType: 'tag' } });
  expect(await d.manager.count(CorpTag, { where: { deleted: false } })).toBeGreaterThanOrEqual(5);
});

test("member tags reach the member's contacts; a name owned by someone else is never used", async () => {
  const { member, ext } = await customerOf('u-tags', '标签客户');
  const tags = await t.container.getAsync(TagService);
  await d.transaction((em) => tags.grant(em, member.id, ['烹饪爱好者', 'UGC创作者'], 'test'));
  await settle(t);
  const names = (await contactTags(ext)).map((x) => x.name);
  expect(names).toContain('烹饪爱好者');
  expect(names).not.toContain('UGC创作者');
  expect(await allMarkedIds()).not.toContain(foreign.uGC);
  const ours = await d.manager.findOneByOrFail(CorpTag, { name: '烹饪爱好者', deleted: false });
  expect(ours).toMatchObject({ createdByUs: true, groupName: '社区私域' });

  // a contact linked later gets the member's existing tags
  const late = await makeMember(t, { unionid: 'u-late' });
  await d.transaction((em) => tags.grant(em, late.id, ['亲子家庭'], 'test'));
  await settle(t);
  const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name: '后加的', unionid: 'u-late' } } });
  expect((await contactTags(r.results![0].externalUserId!)).map((x) => x.name)).toContain('亲子家庭');
});

test('RFM tiers from PurchaseRecorded (per store, by quintiles), recomputed nightly and moved in WeCom (only our tier tags touched)', async () => {
  const bus = await t.container.getAsync(EventBus);
  const loyal = await customerOf('u-loyal');
  const fresh = await customerOf('u-fresh');
  const lapsed = await customerOf('u-lapsed');
  const now = Date.now();
  const orders: Array<[number, number, number]> = [
    ...[1, 5, 9, 14, 20].map((ago, i) => [loyal.member.id, 12_000 + i, ago] as [number, number, number]),
    [fresh.member.id, 3_000, 2],
    [lapsed.member.id, 5_000, 90],
    [lapsed.member.id, 5_000, 100],
  ];
  const purchase = (receiptId: number, memberId: number, fen: number, ago: number) => ({
    receiptId,
    memberId,
    storeId: 1,
    channel: 'pos' as const,
    totalFen: fen,
    discountFen: 0,
    occurredAt: new Date(now - ago * DAY).toISOString(),
    refundOf: null,
    items: [{ sku: null, name: '菜', category: null, qty: 1, amountFen: fen }],
    couponCodes: [],
  });
  await d.transaction(async (em) => {
    for (const [i, [memberId, fen, ago]] of orders.entries()) await bus.emit(em, 'PurchaseRecorded', purchase(9000 + i, memberId, fen, ago));
    // the same receipt announced twice counts once
    await bus.emit(em, 'PurchaseRecorded', purchase(9005, fresh.member.id, 3_000, 2));
  });
  // three customers in one store: the bottom two recency quintiles are 流失预警 here
  const rfm = await t.container.getAsync(RfmService);
  await rfm.setThresholds({ ...DEFAULT_RFM_THRESHOLDS, churnMaxR: 2 });
  await settle(t);
  const runner = await t.container.getAsync(JobRunner);
  expect((await runner.runNow('tags.rfm', { now: new Date(now) })).ran).toBe(true);
  await settle(t);
  const tier = async (id: number) => (await d.manager.findOneByOrFail(MemberRfm, { memberId: id })).tier;
  expect([await tier(loyal.member.id), await tier(fresh.member.id), await tier(lapsed.member.id)]).toEqual(['高价值忠诚', '新客', '流失预警']);
  expect((await contactTags(loyal.ext)).map((x) => x.name)).toContain('高价值忠诚');
  // the sidebar shows the member's tags with the tier
  const side = await t.client(admin).call(wecom.sidebarContact, { params: { externalUserId: loyal.ext } });
  expect(side.member!.tags).toContain('高价值忠诚');
  expect((await contactTags(fresh.ext)).map((x) => x.name)).toContain('新客');
  // 流失预警 exists only as a console tag: not applied by us
  expect((await contactTags(lapsed.ext)).map((x) => x.name)).not.toContain('流失预警');
  expect(await allMarkedIds()).not.toContain(foreign.churn);

  // 40 days later the new customer is no longer new: 新客 removed, 潜力复购 added
  expect((await runner.runNow('tags.rfm', { now: new Date(now + 40 * DAY) })).ran).toBe(true);
  await settle(t);
  expect(await tier(fresh.member.id)).toBe('潜力复购');
  const names = (await contactTags(fresh.ext)).map((x) => x.name);
  expect(names).toContain('潜力复购');
  expect(names).not.toContain('新客');
});

test("45009 beyond the client's backoff: the mark goes back to the queue and lands later", async () => {
  const { member, ext } = await customerOf('u-busy');
  t.sim.fault({ path: '/wecom/cgi-bin/externalcontact/mark_tag', errcode: 45009, times: 4 });
  const tags = await t.container.getAsync(TagService);
  await d.transaction((em) => tags.grant(em, member.id, ['忙时标签'], 'test'));
  await settle(t);
  const row = (await d.manager.find(WecomOutbound, { where: { kind: 'mark_tag' }, order: { id: 'DESC' }, take: 1 }))[0];
  expect(row).toMatchObject({ status: 'pending', lastErrcode: 45009 });
  expect((await contactTags(ext)).map((x) => x.name)).not.toContain('忙时标签');
  const { OutboundWorker } = await import('../../src/modules/wecom/outbound.worker');
  await (await t.container.getAsync(OutboundWorker)).drain(new Date(Date.now() + 60_000));
  expect((await contactTags(ext)).map((x) => x.name)).toContain('忙时标签');
  expect(await d.manager.findOneByOrFail(WecomOutbound, { id: row.id })).toMatchObject({ status: 'sent' });
});

/**
 * 会员 on the ops page: filters (store, tier, tag, WeCom status, join date), scoping, segments, the
 * detail page and the Excel export with phones masked per role.
 */
import ExcelJS from 'exceljs';
import { clerk, members } from '../../../contracts';
import { Db } from '../../src/core/db';
import { Member } from '../../src/modules/identity/entities/member.entity';
import { TagService } from '../../src/modules/tags/tag.service';
import { shanghaiDayStart } from '../../src/modules/members/filter';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, staffToken } from '../wecom/engine-helpers';

let t: TestApp;
let l: Listening;
let a: number;
let b: number;
let hq: string;
let mgrA: string;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  a = (await makeStore(t, '滨江店')).id;
  b = (await makeStore(t, '城西店')).id;
  hq = (await staffToken(t, 'hq_admin')).token;
  mgrA = (await staffToken(t, 'store_manager', { storeId: a, wecomUserId: 'zhaoliu' })).token;
  const d = await t.container.getAsync(Db);
  ids.wang = (await makeMember(t, { nickname: '王阿姨', phone: '13812345678', tier: '金卡', storeId: a, unionid: 'u-wang' })).id;
  ids.li = (await makeMember(t, { nickname: '李叔', phone: '13900001111', tier: '新客', storeId: a })).id;
  ids.zhou = (await makeMember(t, { nickname: '周姐', tier: '金卡', storeId: b })).id;
  // joined on 2026-11-01 (Shanghai) / long before
  await d.manager.update(Member, { id: ids.li }, { createdAt: new Date(shanghaiDayStart('2026-11-01').getTime() + 3600_000) });
  await d.manager.update(Member, { id: ids.zhou }, { createdAt: new Date('2025-01-01T00:00:00Z') });
  const tags = await t.container.getAsync(TagService);
  await d.transaction((em) => tags.grant(em, ids.wang, ['亲子家庭'], 'test'));
  // 王阿姨 added a clerk on WeCom
  await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name: '王阿姨', unionid: 'u-wang' } } });
});
afterAll(async () => {
  await l?.close();
  await t?.close();
});

const search = (token: string, q: Record<string, unknown> = {}) => t.client(token).call(members.searchMembers, { query: q });
const names = async (token: string, q: Record<string, unknown> = {}) => (await search(token, q)).items.map((m) => m.nickname).sort();

test('filters combine: store, tier, tag, WeCom status, join date; managers see their store only', async () => {
  expect(await names(hq)).toEqual(['周姐', '李叔', '王阿姨'].sort());
  expect(await names(hq, { storeId: b })).toEqual(['周姐']);
  expect(await names(hq, { tier: '金卡' })).toEqual(['周姐', '王阿姨'].sort());
  expect(await names(hq, { tag: '亲子家庭' })).toEqual(['王阿姨']);
  expect(await names(hq, { wecom: 'linked' })).toEqual(['王阿姨']);
  expect(await names(hq, { wecom: 'unlinked' })).toEqual(['周姐', '李叔'].sort());
  expect(await names(hq, { joinedFrom: '2026-11-01', joinedTo: '2026-11-01' })).toEqual(['李叔']);
  expect(await names(hq, { joinedTo: '2025-06-30' })).toEqual(['周姐']);
  expect(await names(hq, { tier: '金卡', storeId: a, q: '王' })).toEqual(['王阿姨']);
  expect(await names(mgrA)).toEqual(['李叔', '王阿姨'].sort());
  expect(await names(mgrA, { storeId: b })).toEqual([]);
  const row = (await search(hq, { q: '王阿姨' })).items[0];
  expect(row).toMatchObject({ phoneMasked: '138****5678', wecomLinked: true, tags: ['亲子家庭'], storeName: '滨江店' });
  await expect(search(hq, { joinedFrom: '2026/11/01' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  const opts = await t.client(mgrA).call(members.memberFilterOptions);
  expect(opts.stores).toEqual([{ id: a, name: '滨江店' }]);
  expect(opts.tags).toContain('亲子家庭');
});

test('segments: save a filter, list, reuse, delete (own only unless HQ)', async () => {
  const s = await t.client(mgrA).call(members.createSegment, { body: { name: '亲子金卡', filter: { tier: '金卡', tag: '亲子家庭' } } });
  expect(s.filter).toEqual({ tier: '金卡', tag: '亲子家庭' });
  expect((await t.client(mgrA).call(members.listSegments)).items.map((x) => x.name)).toEqual(['亲子金卡']);
  expect(await names(mgrA, s.filter)).toEqual(['王阿姨']);
  const other = (await staffToken(t, 'store_manager', { storeId: a })).token;
  expect((await t.client(other).call(members.listSegments)).items).toEqual([]);
  await expect(t.client(other).call(members.deleteSegment, { params: { segmentId: s.id } })).rejects.toMatchObject({ status: 404 });
  await t.client(mgrA).call(members.deleteSegment, { params: { segmentId: s.id } });
  expect((await t.client(mgrA).call(members.listSegments)).items).toEqual([]);
});

test('detail page: profile, tags of both kinds, WeCom contact with its clerk, timeline with notes; scoped', async () => {
  const p0 = await t.client(hq).call(members.memberProfile, { params: { memberId: ids.wang } });
  expect(p0.wecomContacts).toHaveLength(1);
  const ext = p0.wecomContacts[0].externalUserId;
  await t.client(mgrA).call(clerk.createFollowup, { params: { externalUserId: ext }, body: { kind: 'visit', text: '来店里买了汤圆粉' } });
  const p = await t.client(mgrA).call(members.memberProfile, { params: { memberId: ids.wang } });
  expect(p).toMatchObject({ nickname: '王阿姨', tier: '金卡', storeName: '滨江店', wecomLinked: true });
  expect(p.behaviourTags.map((x) => x.name)).toEqual(['亲子家庭']);
  expect(p.wecomContacts[0]).toMatchObject({ name: '王阿姨', staffName: expect.any(String) });
  expect(p.timeline.map((x) => x.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^到店跟进：来店里买了汤圆粉/)]));
  await expect(t.client(mgrA).call(members.memberProfile, { params: { memberId: ids.zhou } })).rejects.toMatchObject({ status: 404 });
});

async function workbook(token: string, query: string): Promise<string[][]> {
  const res = await t
    .http()
    .get(`/api/admin/member-list/export${query}`)
    .set('authorization', `Bearer ${token}`)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body as unknown as ArrayBuffer);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
}

test('export: the filtered members as .xlsx; full phone for HQ, masked for a store manager', async () => {
  const asHq = await workbook(hq, '?tier=%E9%87%91%E5%8D%A1');
  expect(asHq[0]).toEqual(['会员编号', '昵称', '手机号', '等级', '门店', '家庭', '群主', '企业微信', '标签', '注册时间']);
  expect(
    asHq
      .slice(1)
      .map((r) => r[1])
      .sort(),
  ).toEqual(['周姐', '王阿姨'].sort());
  expect(asHq.find((r) => r[1] === '王阿姨')).toEqual(expect.arrayContaining(['13812345678', '已添加', '亲子家庭']));
  const asMgr = await workbook(mgrA, '');
  expect(
    asMgr
      .slice(1)
      .map((r) => r[1])
      .sort(),
  ).toEqual(['李叔', '王阿姨'].sort());
  expect(asMgr.find((r) => r[1] === '王阿姨')![2]).toBe('138****5678');
  expect(asMgr.flat().join()).not.toContain('13812345678');
});

test('customer picker: by WeCom name, member nickname, whole phone, tag; masked phone and store; scoped', async () => {
  await staffToken(t, 'staff', { storeId: b, wecomUserId: 'sunqi' });
  await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'sunqi', customer: { name: '孙先生' } } });
  const pick = (token: string, q: Record<string, unknown>) =>
    t
      .client(token)
      .call(members.searchCustomers, { query: q })
      .then((r) => r.items);
  const [wang] = await pick(hq, { q: '王阿' });
  expect(wang).toMatchObject({ name: '王阿姨', memberId: ids.wang, memberName: '王阿姨', storeName: '滨江店', phoneMasked: '138****5678' });
  expect(wang.tags).toContain('亲子家庭');
  expect(wang.externalUserId).toMatch(/^wm/);
  // the whole number finds the member's contact; a partial one finds nothing (no digit guessing)
  expect((await pick(hq, { q: '13812345678' })).map((c) => c.name)).toEqual(['王阿姨']);
  expect(await pick(hq, { q: '1381234' })).toEqual([]);
  expect((await pick(hq, { tag: '亲子家庭' })).map((c) => c.name)).toEqual(['王阿姨']);
  expect(await pick(hq, { q: '王', tag: '不存在的标签' })).toEqual([]);
  expect((await pick(hq, { q: '孙' })).map((c) => [c.name, c.storeName])).toEqual([['孙先生', '城西店']]);
  // a store manager: their store's customers only
  expect(await pick(mgrA, { q: '孙' })).toEqual([]);
  expect((await pick(mgrA, {})).map((c) => c.name)).toEqual(['王阿姨']);
  expect((await pick(hq, { externalUserId: wang.externalUserId })).map((c) => c.name)).toEqual(['王阿姨']);
});

/**
 * The clerk's tools (issue 17) through HTTP: follow-up notes in the timeline and the journeys,
 * the quick-reply / material library, manual tasks, the contact's corp tags (ours and the corp's)
 * and their editing; the client error report route.
 */
import { createHash } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import { clerk, journeys, system, wecom } from '../../../contracts';
import { CLIENT_ERRORS_PER_MINUTE, PerMinuteLimiter } from '../../src/modules/system/client-errors';
import { Db } from '../../src/core/db';
import { Material } from '../../src/modules/clerk/entities/clerk.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, query, settle, simGet, simPost, staffToken } from '../wecom/engine-helpers';

let t: TestApp;
let l: Listening;
let storeId: number;
let owner: string;
let other: string;
let hq: string;

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  storeId = (await makeStore(t, '滨江店')).id;
  owner = (await staffToken(t, 'staff', { storeId, wecomUserId: 'zhaoliu' })).token;
  other = (await staffToken(t, 'staff', { storeId, wecomUserId: 'qianqi' })).token;
  hq = (await staffToken(t, 'hq_admin')).token;
});
afterAll(async () => {
  await l?.close();
  await t?.close();
});

async function addCustomer(unionid: string, name: string, state?: string): Promise<string> {
  const r = await fire(t, l, {
    event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', ...(state ? { State: state } : {}), customer: { name, unionid } },
  });
  return r.results![0].externalUserId!;
}

test('a follow-up note: typed, listed, in the member timeline, counted by the journeys; others cannot see it', async () => {
  const member = await makeMember(t, { unionid: 'u-note', storeId, nickname: '林阿姨' });
  const ext = await addCustomer('u-note', '林阿姨');
  const note = await t.client(owner).call(clerk.createFollowup, { params: { externalUserId: ext }, body: { kind: 'call', text: '约好周六来取年货' } });
  expect(note).toMatchObject({ kind: 'call', text: '约好周六来取年货', staffName: expect.any(String) });
  expect((await t.client(owner).call(clerk.listFollowups, { params: { externalUserId: ext } })).items.map((n) => n.id)).toEqual([note.id]);
  const view = await t.client(owner).call(wecom.sidebarContact, { params: { externalUserId: ext } });
  expect(view.member!.id).toBe(member.id);
  const line = view.member!.recentActivity.find((a) => a.kind === 'followup_call');
  expect(line?.text).toBe(`电话跟进：约好周六来取年货（${note.staffName}）`);
  // counted as an interaction (journeys' log) without a second, generic timeline line
  const log = await query(t, 'SELECT kind, source_key AS sourceKey FROM activity_log WHERE member_id = ?', [member.id]);
  expect(log).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'reply', sourceKey: `followup:${note.id}` })]));
  expect(view.member!.recentActivity.some((a) => a.text.startsWith('与员工有互动'))).toBe(false);
  // another clerk who does not follow the customer gets NOT_FOUND, and bad input a clean 400
  await expect(t.client(other).call(clerk.createFollowup, { params: { externalUserId: ext }, body: { kind: 'chat', text: 'x' } })).rejects.toMatchObject({
    status: 404,
  });
  await expect(t.client(owner).call(clerk.createFollowup, { params: { externalUserId: ext }, body: { kind: 'chat', text: '   ' } })).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
  });
  await expect(
    t.client(owner).call(clerk.createFollowup, { params: { externalUserId: ext }, body: { kind: 'fax' as 'chat', text: 'hi' } }),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
});

test('a phone call recorded with the old button reads as a call in the timeline', async () => {
  await makeMember(t, { unionid: 'u-call', storeId, nickname: '周叔' });
  const ext = await addCustomer('u-call', '周叔');
  await t.client(owner).call(journeys.recordInteraction, { params: { externalUserId: ext }, body: { kind: 'called' } });
  const view = await t.client(owner).call(wecom.sidebarContact, { params: { externalUserId: ext } });
  expect(view.member!.recentActivity.map((a) => a.text)).toContain('电话联系（员工记录）');
});

test("manual task: created with a due time, listed with the clerk's tasks, validated", async () => {
  const ext = await addCustomer('u-task', '小夏');
  const due = new Date(Date.now() + 86_400_000).toISOString();
  const task = await t.client(owner).call(clerk.createManualTask, { params: { externalUserId: ext }, body: { title: '周六前电话确认提货', dueAt: due } });
  expect(task).toMatchObject({ title: '周六前电话确认提货', dueAt: due });
  const mine = await t.client(owner).call(journeys.listSidebarTasks, { query: { externalUserId: ext } });
  expect(mine.items).toEqual([expect.objectContaining({ id: task.id, title: '周六前电话确认提货', journeyName: null, customerName: '小夏' })]);
  await expect(
    t.client(owner).call(clerk.createManualTask, { params: { externalUserId: ext }, body: { title: 'x', dueAt: 'tomorrow' } }),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  await expect(t.client(other).call(clerk.createManualTask, { params: { externalUserId: ext }, body: { title: 'x', dueAt: due } })).rejects.toMatchObject({
    status: 404,
  });
});

test('library: ops manage replies and materials by group; the sidebar searches them; clerks cannot edit', async () => {
  const r1 = await t
    .client(hq)
    .call(clerk.createQuickReply, { body: { groupName: '节日问候', title: '年夜饭提醒', content: '年夜饭预订下周开放，需要帮您登记提醒吗？' } });
  await t.client(hq).call(clerk.createQuickReply, { body: { groupName: '售后', title: '退换说明', content: '生鲜当天可退换。' } });
  const m1 = await t.client(hq).call(clerk.createMaterial, {
    body: { groupName: '活动海报', kind: 'link', title: '本周菜谱', url: 'https://example.com/recipes', description: '每周更新' },
  });
  const mp = await t.client(hq).call(clerk.createMaterial, {
    body: {
      groupName: '小程序',
      kind: 'miniprogram',
      title: '会员中心',
      appid: 'wx_dev_appid',
      page: 'pages/home/index.html',
      url: 'https://ignored.example.com',
    },
  });
  expect(mp).toMatchObject({ kind: 'miniprogram', url: null, appid: 'wx_dev_appid' });
  await expect(t.client(hq).call(clerk.createMaterial, { body: { groupName: 'x', kind: 'miniprogram', title: '缺页面' } })).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
  });
  await expect(t.client(hq).call(clerk.createMaterial, { body: { groupName: 'x', kind: 'link', title: '缺网址' } })).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
  });

  const list = await t.client(hq).call(clerk.listQuickReplies, { query: { q: '年夜饭' } });
  expect(list.items.map((r) => r.id)).toEqual([r1.id]);
  expect(list.groups).toEqual(['售后', '节日问候']);
  expect((await t.client(hq).call(clerk.listQuickReplies, { query: { groupName: '售后' } })).items.map((r) => r.title)).toEqual(['退换说明']);
  expect((await t.client(hq).call(clerk.listMaterials, { query: { kind: 'link' } })).items.map((m) => m.id)).toEqual([m1.id]);

  const side = await t.client(owner).call(clerk.sidebarLibrary, { query: { q: '菜谱' } });
  expect(side.replies).toEqual([]);
  expect(side.materials.map((m) => m.title)).toEqual(['本周菜谱']);
  await expect(t.client(owner).call(clerk.createQuickReply, { body: { groupName: 'g', title: 't', content: 'c' } })).rejects.toMatchObject({ status: 403 });

  const edited = await t
    .client(hq)
    .call(clerk.updateQuickReply, { params: { id: r1.id }, body: { groupName: '节日问候', title: '年夜饭提醒', content: '改过的话术' } });
  expect(edited.content).toBe('改过的话术');
  await t.client(hq).call(clerk.deleteMaterial, { params: { id: m1.id } });
  await expect(t.client(hq).call(clerk.deleteMaterial, { params: { id: m1.id } })).rejects.toMatchObject({ status: 404 });
});

test('images and files go out as WeCom temporary media: uploaded once in the wire format, cached, renewed before the 3 days end', async () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
  const pdf = Buffer.from('%PDF-1.4 年货清单 '.repeat(20));
  const hits: string[] = [];
  const files = http.createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === '/poster.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    else if (req.url === '/menu.pdf') res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
    else if (req.url === '/not-an-image.png') res.writeHead(200, { 'content-type': 'image/png' }).end('hello, not a picture');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  try {
    const img = await t.client(hq).call(clerk.createMaterial, { body: { groupName: '海报', kind: 'image', title: '年货节海报', url: `${base}/poster.png` } });
    const doc = await t.client(hq).call(clerk.createMaterial, { body: { groupName: '资料', kind: 'file', title: '年货清单', url: `${base}/menu.pdf` } });
    const a = await t.client(owner).call(clerk.materialMedia, { params: { id: img.id } });
    expect(a.msgtype).toBe('image');
    const expires = new Date(a.expiresAt).getTime() - Date.now();
    expect(expires).toBeGreaterThan(3 * 86_400_000 - 60_000);
    expect(expires).toBeLessThanOrEqual(3 * 86_400_000 + 1000);
    // the simulator got the bytes in the part named "media" with the file name
    const media: Array<{ mediaId: string; type: string; filename: string; bytes: number; sha: string }> = (await simGet(t, '/__sim/wecom/media')).media;
    const up = media.find((m) => m.mediaId === a.mediaId)!;
    expect(up).toMatchObject({ type: 'image', filename: 'poster.png', bytes: png.length, sha: createHash('sha256').update(png).digest('hex') });
    // cached: the same id, no second download or upload
    expect((await t.client(owner).call(clerk.materialMedia, { params: { id: img.id } })).mediaId).toBe(a.mediaId);
    expect(hits.filter((h) => h === '/poster.png')).toHaveLength(1);
    // in its last hour it is uploaded again
    await (await t.container.getAsync(Db)).manager.update(Material, { id: img.id }, { mediaExpiresAt: new Date(Date.now() + 30 * 60_000) });
    const b = await t.client(owner).call(clerk.materialMedia, { params: { id: img.id } });
    expect(b.mediaId).not.toBe(a.mediaId);
    // a file goes as a file
    const f = await t.client(owner).call(clerk.materialMedia, { params: { id: doc.id } });
    expect(f.msgtype).toBe('file');
    expect((await simGet(t, '/__sim/wecom/media')).media.find((m: { mediaId: string }) => m.mediaId === f.mediaId)).toMatchObject({
      type: 'file',
      bytes: pdf.length,
    });
    // the WeCom client stand-in takes a live media id and refuses an unknown one
    await simPost(t, '/__sim/wecom/client/send-chat-message', {
      userid: 'zhaoliu',
      external_userid: 'wm_x',
      message: { msgtype: 'image', image: { mediaId: b.mediaId } },
    });
    await expect(
      simPost(t, '/__sim/wecom/client/send-chat-message', {
        userid: 'zhaoliu',
        external_userid: 'wm_x',
        message: { msgtype: 'image', image: { mediaId: 'nope' } },
      }),
    ).rejects.toThrow(/400/);
    // a link has no media; a fake image is refused by WeCom's checks with a clean 422
    const link = await t.client(hq).call(clerk.createMaterial, { body: { groupName: '链接', kind: 'link', title: '活动页', url: `${base}/x` } });
    await expect(t.client(owner).call(clerk.materialMedia, { params: { id: link.id } })).rejects.toMatchObject({ code: 'MATERIAL_NOT_MEDIA', status: 400 });
    const fake = await t.client(hq).call(clerk.createMaterial, { body: { groupName: '海报', kind: 'image', title: '坏图', url: `${base}/not-an-image.png` } });
    await expect(t.client(owner).call(clerk.materialMedia, { params: { id: fake.id } })).rejects.toMatchObject({
      code: 'MATERIAL_FILE_UNAVAILABLE',
      status: 422,
    });
    const gone = await t.client(hq).call(clerk.createMaterial, { body: { groupName: '海报', kind: 'image', title: '失效图', url: `${base}/gone.png` } });
    await expect(t.client(owner).call(clerk.materialMedia, { params: { id: gone.id } })).rejects.toMatchObject({ code: 'MATERIAL_FILE_UNAVAILABLE' });
  } finally {
    files.close();
  }
});

test("corp tags: the channel's and the corp's own tags show; only ours can be edited", async () => {
  const ch = await t.client(hq).call(wecom.createChannel, {
    body: { name: '门店收银台', kind: 'store', staffUserIds: ['zhaoliu'], tagNames: ['到店顾客'], welcome: { text: '欢迎', attachments: [] }, storeId },
  });
  const ext = await addCustomer('u-tags', '买菜的林阿姨', ch.state);
  await settle(t);
  // a tag the corp admin made in the console, put on the customer in the WeCom client
  const group = await simPost(t, '/__sim/wecom/corp-tags', { group_name: '客户等级', names: ['老街坊'] });
  await simPost(t, '/__sim/wecom/contact-tags', { external_userid: ext, userid: 'zhaoliu', tag_ids: [group.tag[0].id] });
  await t.client(hq).call(wecom.syncCorpTags);

  const v = await t.client(owner).call(clerk.sidebarContactTags, { params: { externalUserId: ext } });
  expect(v.tags.map((x) => [x.name, x.editable])).toEqual(
    expect.arrayContaining([
      ['到店顾客', true],
      ['老街坊', false],
    ]),
  );
  await expect(t.client(owner).call(clerk.editContactTags, { params: { externalUserId: ext }, body: { remove: ['老街坊'] } })).rejects.toMatchObject({
    status: 403,
  });

  await t.client(owner).call(clerk.editContactTags, { params: { externalUserId: ext }, body: { remove: ['到店顾客'] } });
  await settle(t);
  const { marks } = await simGet(t, '/__sim/wecom/tag-marks');
  expect(marks.some((m: any) => m.externalUserId === ext && m.remove.length === 1)).toBe(true);
  const after = await t.client(owner).call(clerk.sidebarContactTags, { params: { externalUserId: ext } });
  expect(after.tags.map((x) => x.name)).toEqual(['老街坊']);
  expect(after.addable.map((x) => x.name)).toContain('到店顾客');
});

test('client error reports: logged, bounded, rate-limited per IP', async () => {
  const body = { surface: 'admin' as const, area: '/classes/sessions/1', message: '(t || []).forEach is not a function', stack: 'TypeError\n at x' };
  expect(await t.client().call(system.reportClientError, { body })).toEqual({ ok: true });
  await expect(t.client().call(system.reportClientError, { body: { ...body, message: 'x'.repeat(501) } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  const big = await t
    .http()
    .post('/api/client-errors')
    .set('content-type', 'application/json')
    .send(JSON.stringify({ ...body, stack: 's'.repeat(3900), area: 'a'.repeat(120), url: 'u'.repeat(1000), message: 'm'.repeat(500), pad: 'p'.repeat(9000) }));
  expect(big.status).toBe(413);
  let limited = 0;
  for (let i = 0; i < CLIENT_ERRORS_PER_MINUTE + 2; i++) {
    const r = await t.http().post('/api/client-errors').send(body);
    if (r.status === 429) limited++;
  }
  expect(limited).toBeGreaterThan(0);
});

test('the per-minute limiter counts per key and opens again after a minute', () => {
  let now = 0;
  const l = new PerMinuteLimiter(2, () => now);
  expect([l.allow('a'), l.allow('a'), l.allow('a'), l.allow('b')]).toEqual([true, true, false, true]);
  now = 60_000;
  expect(l.allow('a')).toBe(true);
});

/**
 * The showcase seed (SEED_SHOWCASE): boots the app with the demo seed and the showcase on, then
 * checks through the public API what an ops person and a member would see; a second run adds nothing.
 */
import { classes, contest, identity, journeys, recipes, wecom } from '../../../contracts';
import { ShowcaseService, SHOWCASE_CHANNEL_STATE, SHOWCASE_CONTEST, SHOWCASE_PAST_CONTEST } from '../../src/seed/showcase.service';
import { loadEnv } from '../../src/config/env';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  const t0 = Date.now();
  t = await startTestApp({ SEED_DEMO: '1', SEED_SHOWCASE: '1', SEED_DEMO_RECEIPTS: '0' });
  // the whole start (migrations, demo seed, showcase) stays quick
  expect(Date.now() - t0).toBeLessThan(25_000);
  admin = (await t.client().call(identity.staffLogin, { body: { username: 'admin', password: 'admin123' } })).token;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

async function snapshot() {
  const ops = t.client(admin);
  const contests = await ops.call(contest.adminListContests, { query: { page: 1, pageSize: 50 } });
  const classList = await ops.call(classes.opsListClasses, { query: { page: 1, pageSize: 50 } });
  const channels = await ops.call(wecom.listChannels, { query: { page: 1, pageSize: 50 } });
  const welcomes = await ops.call(wecom.listWelcomes, { query: { page: 1, pageSize: 50 } });
  const dishes = await t.client().call(contest.listDishes, { query: { page: 1, pageSize: 50 } });
  return {
    contests: contests.items.map((c) => [c.title, c.status, c.counts.approved, c.counts.pending, c.counts.votes]),
    classes: classList.items.map((c) => [c.title, c.sessionCount]).sort(),
    channels: channels.items.map((c) => [c.name, c.stats.adds]),
    welcomes: welcomes.total,
    dishes: dishes.items.map((d) => d.name),
  };
}

test('a member sees a contest in its voting window with approved, photographed, voted entries', async () => {
  const list = await t.client().call(contest.listContests, { query: { page: 1, pageSize: 10 } });
  const live = list.items.find((c) => c.title === SHOWCASE_CONTEST)!;
  expect(live).toMatchObject({ votingOpen: true, entryCount: 6 });
  const entries = await t.client().call(contest.listEntries, { params: { contestId: live.id }, query: { sort: 'hot', page: 1, pageSize: 20 } });
  expect(entries.total).toBe(6);
  expect(entries.items.map((e) => e.voteCount)).toEqual([14, 11, 9, 7, 5, 3]);
  expect(entries.items[0]).toMatchObject({ title: '红烧狮子头', displayName: '李奶奶' });
  // the photos are real uploads with thumbnails
  const thumb = await t.http().get(entries.items[0].coverThumbUrl!);
  expect(thumb.status).toBe(200);
  expect(thumb.headers['content-type']).toMatch(/image\/jpeg/);
  const board = await t.client().call(contest.leaderboard, { params: { contestId: live.id }, query: { limit: 10 } });
  expect(board.items[0]).toMatchObject({ rank: 1, title: '红烧狮子头', voteCount: 14 });

  // ops: one entry waits for moderation, flagged by the content check
  const pending = await t.client(admin).call(contest.adminListEntries, { params: { contestId: live.id }, query: { status: 'pending', page: 1, pageSize: 10 } });
  expect(pending.items).toHaveLength(1);
  expect(pending.items[0].checkHits.map((h) => h.kind)).toContain('ad_absolute');
});

test('the earlier contest is closed with its winner listed as a credited dish', async () => {
  const list = await t.client().call(contest.listContests, { query: { page: 1, pageSize: 10 } });
  const past = list.items.find((c) => c.title === SHOWCASE_PAST_CONTEST)!;
  expect(past.phase).toBe('closed');
  expect(Date.parse(past.voteEndAt)).toBeLessThan(Date.now() - 20 * 86_400_000);
  const detail = await t.client().call(contest.getContest, { params: { contestId: past.id } });
  expect(detail.winners).toEqual([
    expect.objectContaining({ displayName: '王阿姨', finalRank: 1, award: 'listed', dishName: '王阿姨的拿手蛋饺', dishId: expect.any(Number) }),
  ]);
  const dishes = await t.client().call(contest.listDishes, { query: { page: 1, pageSize: 10 } });
  expect(dishes.items.map((d) => d.name)).toContain('王阿姨的拿手蛋饺');
  // …and a recipe in the 菜谱 library, credited to her, next to the showcase's own recipes
  const lib = await t.client().call(recipes.listRecipes, { query: { page: 1, pageSize: 50 } });
  expect(lib.items.find((r) => r.title === '王阿姨的拿手蛋饺')).toMatchObject({ fromContest: true, authorDisplayName: '王阿姨' });
  expect(lib.items.map((r) => r.title)).toEqual(expect.arrayContaining(['番茄炒蛋', '南瓜小米粥', '蒜蓉烤茄子']));
  expect((await t.client().call(recipes.listCollections, {})).items.map((c) => c.title)).toContain('今晚吃什么：15 分钟快手菜');
});

test('classes: upcoming sessions with registrations, and a full session with a waitlist', async () => {
  const list = await t.client(admin).call(classes.opsListClasses, { query: { page: 1, pageSize: 20 } });
  const byTitle = new Map(list.items.map((c) => [c.title, c]));
  expect([...byTitle.keys()].sort()).toEqual(['亲子包汤圆', '妈妈早茶会', '手工水饺'].sort());
  expect(byTitle.get('妈妈早茶会')!.sessionCount).toBe(6);
  const tea = await t.client(admin).call(classes.opsGetClass, { params: { classId: byTitle.get('妈妈早茶会')!.id } });
  // weekly on Wednesdays, Shanghai time
  for (const s of tea.sessions) expect(new Date(Date.parse(s.startsAt) + 8 * 3_600_000).getUTCDay()).toBe(3);
  expect(tea.sessions[0].confirmed).toBe(4);

  const family = await t.client(admin).call(classes.opsGetClass, { params: { classId: byTitle.get('亲子包汤圆')!.id } });
  const roster = await t.client(admin).call(classes.opsRoster, { params: { sessionId: family.sessions[0].id } });
  expect(roster.session).toMatchObject({ adultSeatsLeft: 0, childSeatsLeft: 0, confirmed: 3, waitlisted: 2 });
  expect(roster.items.filter((i) => i.status === 'waitlisted').map((i) => i.waitlistPosition)).toEqual([1, 2]);
});

test('the channel code got its customers through real signed callbacks: welcome, tags, journeys', async () => {
  const ops = t.client(admin);
  const channels = await ops.call(wecom.listChannels, { query: { page: 1, pageSize: 20 } });
  const cashier = channels.items.find((c) => c.state === SHOWCASE_CHANNEL_STATE)!;
  expect(cashier).toMatchObject({ name: '门店收银台', kind: 'store', tagNames: ['到店顾客', '收银台加粉'], configId: expect.any(String) });
  expect(cashier.stats.adds).toBe(5);
  const contacts = await ops.call(wecom.listChannelContacts, { params: { channelId: cashier.id }, query: { page: 1, pageSize: 20 } });
  expect(contacts.items).toHaveLength(5);
  expect(contacts.items.filter((c) => c.memberId !== null)).toHaveLength(3);

  const welcomes = await ops.call(wecom.listWelcomes, { query: { channelId: cashier.id, page: 1, pageSize: 20 } });
  expect(welcomes.items).toHaveLength(5);
  expect(welcomes.items.every((w) => w.status === 'sent')).toBe(true);
  // the welcome really went to WeCom (the simulator recorded the sends)
  expect(t.sim.calls.filter((c) => c.path === '/wecom/cgi-bin/externalcontact/send_welcome_msg').length).toBeGreaterThanOrEqual(5);
  // the channel's tags were applied in WeCom too
  expect(t.sim.calls.filter((c) => c.path === '/wecom/cgi-bin/externalcontact/mark_tag').length).toBeGreaterThanOrEqual(5);

  // every WeCom effect the showcase caused went through (none aimed at contacts WeCom does not know)
  const outbound = await ops.call(wecom.listOutbound, { query: { page: 1, pageSize: 100 } });
  expect(outbound.items.filter((o) => o.status !== 'sent')).toEqual([]);
  expect(outbound.items.filter((o) => o.kind === 'mark_tag')).toHaveLength(5);

  const list = await ops.call(journeys.listJourneys, {});
  const newMember = list.items.find((j) => j.builtinKey === 'new_member')!;
  const enrolled = await ops.call(journeys.listEnrolments, { params: { journeyId: newMember.id }, query: { page: 1, pageSize: 20 } });
  const ids = new Set(contacts.items.map((c) => c.externalUserId));
  expect(enrolled.items.filter((e) => ids.has(e.externalUserId) && e.status === 'active')).toHaveLength(5);
});

test('a second run adds nothing', async () => {
  const before = await snapshot();
  const callsBefore = t.sim.calls.length;
  const showcase = await t.container.getAsync(ShowcaseService);
  const again = await showcase.seedShowcase({ app: t.app, simulatorUrl: t.sim.url });
  expect(again.created).toBe(false);
  expect(again.contest).toMatchObject({ title: SHOWCASE_CONTEST, entries: 6, pending: 1 });
  expect(again.channel).toMatchObject({ customers: 5 });
  expect(await snapshot()).toEqual(before);
  // nothing was sent to WeCom either (no new contact way, no callbacks)
  expect(t.sim.calls.slice(callsBefore).filter((c) => /add_contact_way|send_welcome_msg/.test(c.path))).toEqual([]);
});

test('SEED_SHOWCASE: on for development with the demo seed, off otherwise unless asked for', () => {
  // development is what `npm start` sets (an unset NODE_ENV means production rules)
  const dev = { NODE_ENV: 'development' };
  expect(loadEnv(dev).seedShowcase).toBe(true);
  expect(loadEnv({ ...dev, SEED_SHOWCASE: '0' }).seedShowcase).toBe(false);
  expect(loadEnv({ ...dev, SEED_DEMO: '0' }).seedShowcase).toBe(false);
  expect(loadEnv({ ...dev, SEED_DEMO: '0', SEED_SHOWCASE: '1' }).seedShowcase).toBe(false);
  expect(loadEnv({ NODE_ENV: 'test' }).seedShowcase).toBe(false);
  expect(loadEnv({ NODE_ENV: 'test', SEED_DEMO: '1', SEED_SHOWCASE: '1' }).seedShowcase).toBe(true);
});

test('the demo contacts are announced to a fresh simulator, so WeCom knows the customers staff act on', async () => {
  const { SeedService } = await import('../../src/seed/seed.service');
  const { WecomContact } = await import('../../src/modules/wecom/entities/wecom-contact.entity');
  const { Db } = await import('../../src/core/db');
  const d = await t.container.getAsync(Db);
  const [seeded] = await d.manager.find(WecomContact, { take: 1, order: { id: 'ASC' } });
  const known = async () =>
    ((await (await fetch(`${t.sim.url}/__sim/wecom/contacts?external_userid=${seeded.externalUserId}`)).json()) as { contact: unknown }).contact;
  t.sim.reset(); // what a restart of the in-process simulator does
  expect(await known()).toBeNull();
  const n = await (await t.container.getAsync(SeedService)).announceContactsToSimulator(t.sim.url);
  expect(n).toBeGreaterThanOrEqual(60);
  expect(await known()).toMatchObject({ external_userid: seeded.externalUserId });
});

/** MemberRegistered → the WeCom contact link, set-based: a run of events links and announces exactly as one by one. */
import { In } from 'typeorm';
import { Db } from '../../src/core/db';
import { DomainEvent } from '../../src/core/events/domain-event.entity';
import type { DeliveredEvent } from '../../src/core/events/types';
import { WecomContact } from '../../src/modules/wecom/entities/wecom-contact.entity';
import { WecomContactService } from '../../src/modules/wecom/wecom-contact.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { countStatements, expectRunAsOneByOne, fakeEvents } from '../helpers/batch-delivery';
import { makeContact, makeMember } from '../helpers/fixtures';

let t: TestApp;
let d: Db;
beforeAll(async () => {
  t = await startTestApp();
  d = await t.container.getAsync(Db);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

/** Members with and without a unionid, contacts unlinked, already linked and missing, a unionid twice, an event twice. */
async function scenario(side: string) {
  const [a, b, c, e, other] = await Promise.all([1, 2, 3, 4, 5].map(() => makeMember(t)));
  const a1 = await makeContact(t, { unionid: `u_${side}_a` });
  const a2 = await makeContact(t, { unionid: `u_${side}_a` });
  const linked = await makeContact(t, { unionid: `u_${side}_b`, memberId: other.id });
  const stranger = await makeContact(t, { unionid: `u_${side}_x` });
  const reg = (memberId: number, unionid: string | null) => ({ memberId, unionid, storeId: null, referrerMemberId: null });
  const payloads = [
    reg(a.id, `u_${side}_a`),
    reg(b.id, `u_${side}_b`), // its only contact is someone else's already
    reg(c.id, null),
    reg(e.id, `u_${side}_a`), // the same unionid later: a took the contacts first
    reg(a.id, `u_${side}_a`), // heard twice
  ];
  return { a, b, c, e, other, a1, a2, linked, stranger, payloads };
}

async function expectOutcome(s: Awaited<ReturnType<typeof scenario>>, events: Array<DeliveredEvent<'MemberRegistered'>>) {
  expect(events).toHaveLength(5);
  const contacts = await d.manager.findBy(WecomContact, { id: In([s.a1.id, s.a2.id, s.linked.id, s.stranger.id]) });
  const memberOf = new Map(contacts.map((x) => [x.id, x.memberId]));
  expect(memberOf).toEqual(
    new Map([
      [s.a1.id, s.a.id],
      [s.a2.id, s.a.id],
      [s.linked.id, s.other.id],
      [s.stranger.id, null],
    ]),
  );
  const announced = (await d.manager.find(DomainEvent, { where: { type: 'ContactLinked' }, order: { id: 'ASC' } }))
    .map((r) => JSON.parse(r.payload))
    .filter((p) => [s.a, s.b, s.c, s.e].some((m) => m.id === p.memberId));
  expect(announced).toEqual([
    { externalUserId: s.a1.externalUserId, memberId: s.a.id, staffUserId: null },
    { externalUserId: s.a2.externalUserId, memberId: s.a.id, staffUserId: null },
  ]);
}

test('a run of MemberRegistered links the same contacts and announces the same ContactLinked as one by one; a redelivery adds nothing', async () => {
  await expectRunAsOneByOne(t, 'MemberRegistered', scenario, [await t.container.getAsync(WecomContactService), 'linkRegisteredMember'], expectOutcome);
});

test('a batch links and announces in a constant number of statements', async () => {
  const svc = await t.container.getAsync(WecomContactService);
  const statements = async (n: number, firstId: number) => {
    const members = await Promise.all(Array.from({ length: n }, () => makeMember(t)));
    for (const m of members) await makeContact(t, { unionid: `u_count_${m.id}` });
    const events = fakeEvents(
      'MemberRegistered',
      members.map((m, i) => ({ memberId: m.id, unionid: i % 3 === 2 ? null : `u_count_${m.id}`, storeId: null, referrerMemberId: null })),
      firstId,
    );
    const sent = await countStatements(t, () => d.transaction((em) => svc.linkRegisteredMember(events, em)));
    expect(await d.manager.countBy(WecomContact, { memberId: In(members.filter((_, i) => i % 3 !== 2).map((m) => m.id)) })).toBe(
      members.filter((_, i) => i % 3 !== 2).length,
    );
    return sent.length;
  };
  const few = await statements(3, 9_000_000);
  expect(few).toBeGreaterThan(0);
  expect(few).toBeLessThan(10);
  expect(await statements(40, 9_100_000)).toBe(few);
});

test('a contact linked by someone else between the read and the update rolls the batch back (the outbox then goes one by one)', async () => {
  const svc = await t.container.getAsync(WecomContactService);
  const [a, b, sidebar] = await Promise.all([1, 2, 3].map(() => makeMember(t)));
  const first = await makeContact(t, { unionid: 'u_race_a' });
  const second = await makeContact(t, { unionid: 'u_race_b' });
  const events = fakeEvents(
    'MemberRegistered',
    [a, b].map((m, i) => ({ memberId: m.id, unionid: i ? 'u_race_b' : 'u_race_a', storeId: null, referrerMemberId: null })),
    9_500_000,
  );
  await expect(
    d.transaction(async (em) => {
      const find = em.find.bind(em);
      jest.spyOn(em, 'find').mockImplementation(async (...args: Parameters<typeof em.find>) => {
        const found = await find(...args);
        await em.update(WecomContact, { id: second.id }, { memberId: sidebar.id }); // the sidebar was quicker
        return found;
      });
      await svc.linkRegisteredMember(events, em);
    }),
  ).rejects.toThrow('linked concurrently');
  expect((await d.manager.find(WecomContact, { where: { id: In([first.id, second.id]) }, order: { id: 'ASC' } })).map((c) => c.memberId)).toEqual([null, null]);
  // one by one (what the outbox does next), b finds its contact taken and announces nothing
  const before = await d.manager.count(DomainEvent, { where: { type: 'ContactLinked' } });
  await d.manager.update(WecomContact, { id: second.id }, { memberId: sidebar.id });
  for (const e of events) await d.transaction((em) => svc.linkRegisteredMember([e], em));
  expect((await d.manager.find(WecomContact, { where: { id: In([first.id, second.id]) }, order: { id: 'ASC' } })).map((c) => c.memberId)).toEqual([
    a.id,
    sidebar.id,
  ]);
  const announced = (await d.manager.find(DomainEvent, { where: { type: 'ContactLinked' }, order: { id: 'ASC' } }))
    .slice(before)
    .map((r) => JSON.parse(r.payload));
  expect(announced).toEqual([{ externalUserId: first.externalUserId, memberId: a.id, staffUserId: null }]);
});

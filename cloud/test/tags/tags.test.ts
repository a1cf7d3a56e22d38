/** The tag store: idempotent grants with source and time, events for new grants, erasure on deletion. */
import { Db } from '../../src/core/db';
import { DomainEvent } from '../../src/core/events/domain-event.entity';
import { EventBus } from '../../src/core/events/event-bus';
import { MemberTag } from '../../src/modules/tags/entities/member-tag.entity';
import { Tag } from '../../src/modules/tags/entities/tag.entity';
import { TagService } from '../../src/modules/tags/tag.service';
import { MemberService } from '../../src/modules/identity/member.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember } from '../helpers/fixtures';

let t: TestApp;
let tags: TagService;
let db: Db;
beforeAll(async () => {
  t = await startTestApp();
  tags = await t.container.getAsync(TagService);
  db = await t.container.getAsync(Db);
});
afterAll(() => t?.close());

test('grant is idempotent: first source and time kept, only new names returned and announced', async () => {
  const m = await makeMember(t);
  const first = await db.transaction((em) => tags.grant(em, m.id, ['UGC创作者', ' 投票参与 ', 'UGC创作者'], 'contest.vote'));
  expect(first.sort()).toEqual(['UGC创作者', '投票参与'].sort());
  const second = await db.transaction((em) => tags.grant(em, m.id, ['投票参与', '烹饪爱好者'], 'classes.checked_in'));
  expect(second).toEqual(['烹饪爱好者']);
  expect(await db.transaction((em) => tags.grant(em, m.id, ['投票参与'], 'x'))).toEqual([]);
  const held = await tags.tagsOf(m.id);
  expect(held.map((h) => [h.name, h.source])).toEqual(
    expect.arrayContaining([
      ['投票参与', 'contest.vote'],
      ['烹饪爱好者', 'classes.checked_in'],
    ]),
  );
  expect(held).toHaveLength(3);
  const events = await db.manager.find(DomainEvent, { where: { type: 'MemberTagsGranted' } });
  const mine = events.map((e) => JSON.parse(e.payload)).filter((p) => p.memberId === m.id);
  expect(mine.map((p) => p.tags.length)).toEqual([2, 1]);
  expect((await tags.tagsOfMany([m.id])).get(m.id)?.length).toBe(3);
});

test('a grant rolled back with its transaction leaves nothing behind', async () => {
  const m = await makeMember(t);
  await expect(
    db.transaction(async (em) => {
      await tags.grant(em, m.id, ['回滚测试'], 'test');
      throw new Error('boom');
    }),
  ).rejects.toThrow('boom');
  expect(await db.manager.count(MemberTag, { where: { memberId: m.id } })).toBe(0);
  // and works afterwards
  expect(await db.transaction((em) => tags.grant(em, m.id, ['回滚测试'], 'test'))).toEqual(['回滚测试']);
});

test('parallel grants of the same new tag to many members create one tag and one row each', async () => {
  const members = await Promise.all([...Array(12)].map(() => makeMember(t)));
  await Promise.all(members.flatMap((m) => [0, 1].map(() => db.transaction((em) => tags.grant(em, m.id, ['并发标签'], 'test')))));
  expect(await db.manager.count(Tag, { where: { name: '并发标签' } })).toBe(1);
  for (const m of members) expect(await db.manager.count(MemberTag, { where: { memberId: m.id } })).toBe(1);
});

test('names longer than 30 characters (the WeCom limit) are refused; a deleted member holds no tags', async () => {
  const m = await makeMember(t);
  await expect(db.transaction((em) => tags.grant(em, m.id, ['长'.repeat(31)], 'test'))).rejects.toThrow(/longer than 30/);
  await db.transaction((em) => tags.grant(em, m.id, ['投票参与'], 'contest.vote'));
  await (await t.container.getAsync(MemberService)).deleteMe(m.id);
  await (await t.container.getAsync(EventBus)).drain();
  expect(await tags.tagsOf(m.id)).toEqual([]);
});

/** ClassRegistered → community participation, set-based: a run records the same participations as one by one. */
import { CLASS_TYPES } from '../../../contracts/classes';
import { Db } from '../../src/core/db';
import type { DeliveredEvent, DomainEventMap } from '../../src/core/events/types';
import '../../src/modules/classes/events';
import { ClassDef } from '../../src/modules/classes/entities/class-def.entity';
import { CommunityListener } from '../../src/modules/community/community.listener';
import { Participation } from '../../src/modules/community/entities/participation.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { countStatements, expectRunAsOneByOne, fakeEvents } from '../helpers/batch-delivery';
import { makeStore } from '../helpers/fixtures';

let t: TestApp;
let d: Db;
let storeId: number;
beforeAll(async () => {
  t = await startTestApp();
  d = await t.container.getAsync(Db);
  storeId = (await makeStore(t)).id;
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const ms = (v: Date) => new Date(v).getTime();
const OLD = new Date('2025-03-01T02:00:00Z');
let next = 700_000;

async function makeClass(title: string): Promise<number> {
  const now = new Date();
  const r = await d.manager.insert(ClassDef, {
    title,
    type: CLASS_TYPES[0],
    hostName: '王老师',
    storeId,
    room: null,
    adultSeats: 10,
    childSeats: 0,
    priceFen: 0,
    regCloseMin: 0,
    cancelCloseMin: 0,
    coverUrl: null,
    description: '',
    tags: [],
    recurrence: null,
    createdByStaffId: null,
    createdAt: now,
    updatedAt: now,
  });
  return Number(r.identifiers[0].id);
}

/** Two members in one session (one heard twice), one whose participation is there already, a class that is gone (no title). */
async function scenario() {
  const [c1, c2] = [await makeClass('小小面点师'), await makeClass('周末烘焙')];
  const gone = next++;
  const [m1, m2, m3] = [next++, next++, next++];
  await d.manager.insert(Participation, { memberId: m3, kind: 'class', ref: `class:${c2}:2`, title: '旧标题', at: OLD });
  const reg = (memberId: number, classId: number, sessionId: number): DomainEventMap['ClassRegistered'] => ({
    registrationId: next++,
    sessionId,
    classId,
    memberId,
  });
  return { c1, c2, gone, m1, m2, m3, payloads: [reg(m1, c1, 1), reg(m2, c1, 1), reg(m1, c1, 1), reg(m3, c2, 2), reg(m2, gone, 3)] };
}

async function expectOutcome(s: Awaited<ReturnType<typeof scenario>>, events: Array<DeliveredEvent<'ClassRegistered'>>) {
  const rows = await d.manager.find(Participation, { where: [{ memberId: s.m1 }, { memberId: s.m2 }, { memberId: s.m3 }], order: { id: 'ASC' } });
  const key = (r: (string | number | null)[]) => `${r[0]}|${r[2]}`;
  expect(rows.map((r) => [r.memberId, r.kind, r.ref, r.title, ms(r.at)]).sort((x, y) => key(x).localeCompare(key(y)))).toEqual(
    [
      [s.m1, 'class', `class:${s.c1}:1`, '小小面点师', ms(events[0].createdAt)],
      [s.m2, 'class', `class:${s.c1}:1`, '小小面点师', ms(events[1].createdAt)],
      [s.m3, 'class', `class:${s.c2}:2`, '旧标题', ms(OLD)],
      [s.m2, 'class', `class:${s.gone}:3`, null, ms(events[4].createdAt)],
    ].sort((x, y) => key(x).localeCompare(key(y))),
  );
}

test('a run of ClassRegistered records the same participations as one by one; a redelivery adds nothing', async () => {
  await expectRunAsOneByOne(t, 'ClassRegistered', scenario, [await t.container.getAsync(CommunityListener), 'classRegistered'], expectOutcome);
});

test('a batch reads the titles once and inserts once, whatever its size', async () => {
  const listener = await t.container.getAsync(CommunityListener);
  const classes = [await makeClass('亲子包饺子'), await makeClass('低脂便当')];
  for (const n of [3, 40]) {
    const firstId = 9_000_000 + n * 1000;
    const events = fakeEvents(
      'ClassRegistered',
      Array.from({ length: n }, (_, i) => ({ registrationId: firstId + i, sessionId: 1, classId: classes[i % 2], memberId: firstId + i })),
      firstId,
    );
    const sent = await countStatements(t, () => listener.classRegistered(events, d.manager));
    expect(sent).toHaveLength(2);
    const rows = await d.manager.find(Participation, { where: events.map((e) => ({ memberId: e.payload.memberId })) });
    expect(rows.map((r) => r.title).sort()).toEqual(events.map((e) => (e.payload.classId === classes[0] ? '亲子包饺子' : '低脂便当')).sort());
  }
});

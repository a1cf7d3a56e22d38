/** Shared set-up for the contest tests: tokens without the login dance, images, contests, entries. */
import sharp from 'sharp';
import * as api from '../../../contracts/contest';
import type { RouteInput, StaffRole } from '../../../contracts/route';
import { SessionService } from '../../src/core/auth/session.service';
import { EventBus } from '../../src/core/events/event-bus';
import { JobRunner } from '../../src/core/jobs';
import { Member } from '../../src/modules/identity/entities/member.entity';
import { VoteService } from '../../src/modules/contest/vote.service';
import type { TestApp } from '../helpers/app';
import { db, makeMember, makeStaff, makeStore } from '../helpers/fixtures';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export async function staffToken(t: TestApp, role: StaffRole = 'hq_admin'): Promise<{ id: number; token: string }> {
  // a store manager always has a store (contests they create belong to it)
  const s = await makeStaff(t, { role, storeId: role === 'store_manager' ? (await makeStore(t)).id : null });
  const sessions = await t.container.getAsync(SessionService);
  return { id: s.id, token: await sessions.create('staff', s.id, 1, 'jest') };
}

/** A member with a session; `createdAgoMs` backdates the account (default 30 days: not a "new account"). */
export async function memberToken(t: TestApp, createdAgoMs = 30 * DAY): Promise<{ id: number; token: string }> {
  const m = await makeMember(t);
  if (createdAgoMs) await (await db(t)).manager.update(Member, { id: m.id }, { createdAt: new Date(Date.now() - createdAgoMs) });
  const sessions = await t.container.getAsync(SessionService);
  return { id: m.id, token: await sessions.create('member', m.id, 1, 'jest') };
}

export async function jpeg(width = 64, height = 48, color = '#c33'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .jpeg()
    .toBuffer();
}

export async function upload(t: TestApp, token: string, file: Buffer, name = 'photo.jpg', path = '/api/uploads/images') {
  return t.http().post(path).set('authorization', `Bearer ${token}`).attach('file', file, name);
}

export async function photoId(t: TestApp, token: string): Promise<number> {
  const res = await upload(t, token, await jpeg());
  if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

export type ContestBody = RouteInput<typeof api.adminCreateContest>['body'];

/** Submissions and voting both open now unless overridden. */
export function contestBody(o: Partial<ContestBody> = {}): ContestBody {
  const now = Date.now();
  return {
    title: '晒出你家的传家年夜菜',
    rulesText: '上传你家的拿手年夜菜，讲讲它的故事。',
    prizeText: '获奖菜品由大厨复刻，在年夜饭菜单上署名销售',
    submissionStartAt: new Date(now - HOUR).toISOString(),
    submissionEndAt: new Date(now + DAY).toISOString(),
    voteStartAt: new Date(now - HOUR).toISOString(),
    voteEndAt: new Date(now + 2 * DAY).toISOString(),
    votesPerDay: 3,
    juryWeight: 0,
    autoApproveClean: true,
    ...o,
  };
}

export async function publishedContest(t: TestApp, staff: string, o: Partial<ContestBody> = {}) {
  const c = await t.client(staff).call(api.adminCreateContest, { body: contestBody(o) });
  return t.client(staff).call(api.adminPublishContest, { params: { contestId: c.id } });
}

let req = 0;
export function entryBody(photoIds: number[], o: Partial<api.EntryInput> = {}) {
  req += 1;
  return {
    title: '蛋饺',
    displayName: '王阿姨',
    story: '每年除夕，外婆都会在炉子上一只一只地摊蛋饺，我们围着看。',
    ingredients: ['鸡蛋 6个', '猪肉末 300克', '葱姜 少许'],
    steps: ['肉末加葱姜水调味', '铁勺抹油，摊蛋皮', '放肉馅，对折合上'],
    photoIds,
    clientRequestId: `req-${Date.now()}-${req}`,
    ...o,
  };
}

/** A member's approved entry (the contest must auto-approve clean entries). */
export async function approvedEntry(t: TestApp, contestId: number, o: Partial<api.EntryInput> = {}) {
  const author = await memberToken(t);
  const e = await t.client(author.token).call(api.submitEntry, { params: { contestId }, body: entryBody([await photoId(t, author.token)], o) });
  if (e.status !== 'approved') throw new Error(`entry not auto-approved: ${JSON.stringify(e)}`);
  return { entry: e, author };
}

export async function runJob(t: TestApp, name: string, now?: Date): Promise<void> {
  const runner = await t.container.getAsync(JobRunner);
  const r = await runner.runNow(name, now ? { now } : {});
  if (!r.ran) throw new Error(`job ${name} did not run`);
}

/** Stored tallies trail votes by one aggregation pass (~150 ms) and ContestVoted by the relay: wait for both. */
export async function settle(t: TestApp): Promise<void> {
  await (await t.container.getAsync(VoteService)).settle();
}

export async function drain(t: TestApp): Promise<void> {
  await settle(t);
  const bus = await t.container.getAsync(EventBus);
  for (let i = 0; i < 3; i++) await bus.drain();
}

export async function rejects(p: Promise<unknown>): Promise<{ status: number; code: string; message: string; details?: unknown }> {
  try {
    await p;
  } catch (e) {
    return e as { status: number; code: string; message: string };
  }
  throw new Error('expected the call to fail');
}

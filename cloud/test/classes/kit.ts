/** Shared set-up for the classes tests: tokens without the login dance, a class factory, job runs. */
import * as api from '../../../contracts/classes';
import type { RouteInput, StaffRole } from '../../../contracts/route';
import { SessionService } from '../../src/core/auth/session.service';
import { EventBus } from '../../src/core/events/event-bus';
import { JobRunner } from '../../src/core/jobs';
import { NoticeService } from '../../src/modules/classes/notice.service';
import type { TestApp } from '../helpers/app';
import { makeMember, makeStaff } from '../helpers/fixtures';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

export async function staffToken(t: TestApp, role: StaffRole, storeId: number | null): Promise<{ id: number; token: string; name: string }> {
  const s = await makeStaff(t, { role, storeId });
  const sessions = await t.container.getAsync(SessionService);
  return { id: s.id, token: await sessions.create('staff', s.id, 1, 'jest'), name: s.displayName };
}

export async function memberToken(t: TestApp, o: Parameters<typeof makeMember>[1] = {}): Promise<{ id: number; token: string; openid: string }> {
  const m = await makeMember(t, o);
  const sessions = await t.container.getAsync(SessionService);
  return { id: m.id, token: await sessions.create('member', m.id, 1, 'jest'), openid: m.openid! };
}

export type CreateBody = RouteInput<typeof api.opsCreateClass>['body'];

/** A free class at `storeId` starting `inMinutes` from now, 90 minutes long. */
export function classBody(storeId: number, o: Partial<CreateBody> & { inMinutes?: number } = {}): CreateBody {
  const { inMinutes = 3 * 24 * 60, ...rest } = o;
  const start = new Date(Date.now() + inMinutes * MIN);
  return {
    title: '共享厨房·手工水饺',
    type: 'class',
    hostName: '李师傅',
    storeId,
    room: '二楼厨房',
    adultSeats: 4,
    childSeats: 0,
    priceFen: 0,
    registrationClosesMinutesBefore: 60,
    cancellationClosesMinutesBefore: 120,
    description: '从和面到包饺子',
    tags: ['烹饪爱好者'],
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 90 * MIN).toISOString(),
    ...rest,
  };
}

export async function runJob(t: TestApp, name: string, now?: Date): Promise<void> {
  const runner = await t.container.getAsync(JobRunner);
  const r = await runner.runNow(name, now ? { now } : {});
  if (!r.ran) throw new Error(`job ${name} did not run`);
}

/** Deliver pending outbox events and wait for background notice sends. */
export async function settle(t: TestApp): Promise<void> {
  const bus = await t.container.getAsync(EventBus);
  const notices = await t.container.getAsync(NoticeService);
  for (let i = 0; i < 3; i++) {
    await bus.drain();
    await notices.idle();
  }
}

export async function simCalls(t: TestApp, path: string): Promise<Array<{ body?: any; errcode: number | null }>> {
  const res = await fetch(`${t.sim.url}/__sim/calls?path=${encodeURIComponent(path)}`);
  return ((await res.json()) as { calls: Array<{ body?: any; errcode: number | null }> }).calls;
}

/** What a tap on wx.requestSubscribeMessage grants in the simulator: one message per accept. */
export async function simAccept(t: TestApp, openid: string, templateId: string, times = 1): Promise<void> {
  const res = await fetch(`${t.sim.url}/__sim/wechat/subscribe-accepts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openid, templateId, times }),
  });
  if (!res.ok) throw new Error(`simulator subscribe-accepts: ${res.status}`);
}

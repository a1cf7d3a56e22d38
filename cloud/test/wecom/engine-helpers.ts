/** Shared pieces for the WeCom engine tests: the app listening on a port (the simulator fires callbacks at it), simulator calls, staff sessions. */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { identity } from '../../../contracts';
import { WECOM_CALLBACK_PATH } from '../../../contracts/wecom';
import { Db } from '../../src/core/db';
import { EventBus } from '../../src/core/events/event-bus';
import { InboxWorker } from '../../src/modules/wecom/inbox.worker';
import { OutboundWorker } from '../../src/modules/wecom/outbound.worker';
import type { TestApp } from '../helpers/app';
import { makeStaff } from '../helpers/fixtures';

export interface Listening {
  url: string;
  callbackUrl: string;
  close(): Promise<void>;
}

export async function listen(t: TestApp): Promise<Listening> {
  const server: Server = createServer(t.app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    callbackUrl: `${url}${WECOM_CALLBACK_PATH}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export async function simPost<T = any>(t: TestApp, path: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${t.sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`simulator ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

export async function simGet<T = any>(t: TestApp, path: string): Promise<T> {
  const res = await fetch(`${t.sim.url}${path}`);
  return (await res.json()) as T;
}

export interface FireResult {
  fired: number;
  ok: number;
  results?: Array<{ status: number; body: string; externalUserId: string | null; welcomeCode: string | null; createTime: number; firedAt: number }>;
}

/** Fire callbacks from the simulator at the app, then wait for the inbox worker to settle. */
export async function fire(t: TestApp, l: Listening, body: Record<string, unknown>): Promise<FireResult> {
  const r = await simPost<FireResult>(t, '/__sim/wecom/fire-callback', { url: l.callbackUrl, ...body });
  await settle(t);
  return r;
}

/** Let in-process work finish: inbox worker, outbound worker, event dispatch (twice: handlers enqueue more). */
export async function settle(t: TestApp): Promise<void> {
  const inbox = await t.container.getAsync(InboxWorker);
  const outbound = await t.container.getAsync(OutboundWorker);
  const bus = await t.container.getAsync(EventBus);
  for (let i = 0; i < 3; i++) {
    await inbox.idle();
    await bus.drain();
    await outbound.idle();
    await outbound.drain();
  }
}

export async function staffToken(
  t: TestApp,
  role: 'hq_admin' | 'store_manager' | 'group_owner' | 'staff' = 'hq_admin',
  o: { storeId?: number | null; wecomUserId?: string } = {},
) {
  const s = await makeStaff(t, { role, storeId: o.storeId ?? null, wecomUserId: o.wecomUserId ?? null });
  const r = await t.client().call(identity.staffLogin, { body: { username: s.username, password: s.password } });
  return { token: r.token, staff: s };
}

export async function query<T = any>(t: TestApp, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await t.container.getAsync(Db)).manager.query(sql, params);
}

export function sends(t: TestApp, api: string) {
  return t.sim.calls.filter((c) => c.path === `/wecom/cgi-bin/externalcontact/${api}`);
}

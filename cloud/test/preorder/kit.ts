/** Shared set-up for the pre-order tests: a campaign with items and slots, paying through the simulator. */
import * as api from '../../../contracts/preorder';
import type { RouteInput } from '../../../contracts/route';
import { Db } from '../../src/core/db';
import { DomainEvent } from '../../src/core/events/domain-event.entity';
import { Dish } from '../../src/modules/menu/entities/dish.entity';
import type { TestApp } from '../helpers/app';

export const MIN = 60_000;

export type ItemBody = RouteInput<typeof api.opsAddItem>['body'];

/** Beijing calendar day `days` from now. */
export function dayFromNow(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 24 * 3600_000).toISOString().slice(0, 10);
}

/** A credited contest dish as the menu module stores it (what WinnerListed creates). */
export async function makeDish(t: TestApp, name = '王阿姨的拿手蛋饺', author = '王阿姨'): Promise<number> {
  const db = await t.container.getAsync(Db);
  const r = await db.manager.insert(Dish, {
    name,
    authorMemberId: null,
    authorDisplayName: author,
    sourceEntryId: 4242,
    sourceContestId: 7,
    priceFen: null,
    status: 'listed',
    coverFile: null,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  return Number(r.identifiers[0].id);
}

export async function makeCampaign(
  t: TestApp,
  hqToken: string,
  storeIds: number[],
  o: { cutoffInMinutes?: number; items?: Array<Partial<ItemBody>>; slotCapacity?: number; windows?: Array<{ start: string; end: string }> } = {},
) {
  const ops = t.client(hqToken);
  const now = Date.now();
  const campaign = await ops.call(api.opsCreateCampaign, {
    body: {
      name: '2027 年夜饭',
      saleStartsAt: new Date(now - 60 * MIN).toISOString(),
      saleEndsAt: new Date(now + 7 * 24 * 60 * MIN).toISOString(),
      cancelCutoffAt: new Date(now + (o.cutoffInMinutes ?? 3 * 24 * 60) * MIN).toISOString(),
      storeIds,
      status: 'published',
    },
  });
  const items = [];
  for (const it of o.items ?? [{}]) {
    items.push(
      await ops.call(api.opsAddItem, {
        params: { campaignId: campaign.id },
        body: { kind: 'chef_dish', theme: '大厨招牌', name: '佛跳墙', priceFen: 16800, stockTotal: 10, perMemberLimit: 5, ...it },
      }),
    );
  }
  const slots = [];
  for (const storeId of storeIds) {
    const r = await ops.call(api.opsAddSlots, {
      params: { campaignId: campaign.id },
      body: { storeId, days: [dayFromNow(2)], windows: o.windows ?? [{ start: '10:00', end: '12:00' }], capacity: o.slotCapacity ?? 60 },
    });
    slots.push(...r.items);
  }
  return { campaign, items, slots };
}

export interface SimNotification {
  id: string;
  headers: Record<string, string>;
  body: string;
  out_refund_no: string | null;
  kind: 'transaction' | 'refund';
  forged: boolean;
}

export async function simPay(t: TestApp, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${t.sim.url}/__sim/pay${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`simulator ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function simNotifications(t: TestApp, outTradeNo: string): Promise<SimNotification[]> {
  const res = await fetch(`${t.sim.url}/__sim/pay/notifications?out_trade_no=${encodeURIComponent(outTradeNo)}`);
  return ((await res.json()) as { notifications: SimNotification[] }).notifications;
}

/** Post a notification at our notify URL as WeChat Pay would (the test app has no socket). */
export async function deliver(t: TestApp, n: { headers: Record<string, string>; body: string }): Promise<number> {
  let r = t.http().post('/api/pay/notify');
  for (const [k, v] of Object.entries(n.headers)) r = r.set(k, v);
  return (await r.send(n.body)).status;
}

export async function eventCount(t: TestApp, type: string, match?: string): Promise<number> {
  const db = await t.container.getAsync(Db);
  const rows = await db.manager.find(DomainEvent, { where: { type } });
  return rows.filter((r) => !match || r.payload.includes(match)).length;
}

export async function simCallCount(t: TestApp, path: string, match?: string): Promise<number> {
  const res = await fetch(`${t.sim.url}/__sim/calls?path=${encodeURIComponent(path)}`);
  const calls = ((await res.json()) as { calls: Array<{ body?: unknown; status: number }> }).calls;
  return calls.filter((c) => !match || JSON.stringify(c.body ?? '').includes(match)).length;
}

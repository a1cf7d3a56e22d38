/**
 * Set-based event handlers: deliver the same kind of events as one run (the outbox hands a batch
 * handler arrays) or one by one (arrays of one), hand a handler events again, and count the
 * statements a handler sends, so a test can show both paths leave the same rows.
 */
import { In, MoreThan } from 'typeorm';
import { Db } from '../../src/core/db';
import { DomainEvent, EventDelivery } from '../../src/core/events/domain-event.entity';
import { EventBus } from '../../src/core/events/event-bus';
import type { DeliveredEvent, DomainEventMap, DomainEventType } from '../../src/core/events/types';
import type { TestApp } from './app';

async function parts(t: TestApp): Promise<{ d: Db; bus: EventBus }> {
  return { d: await t.container.getAsync(Db), bus: await t.container.getAsync(EventBus) };
}

async function lastEventId(d: Db): Promise<number> {
  return (await d.manager.findOne(DomainEvent, { where: {}, order: { id: 'DESC' }, select: { id: true } }))?.id ?? 0;
}

/** The events of `type` written after `afterId`, oldest first. */
export async function eventsAfter<T extends DomainEventType>(t: TestApp, type: T, afterId: number): Promise<Array<DeliveredEvent<T>>> {
  const { d } = await parts(t);
  const rows = await d.manager.find(DomainEvent, { where: { type, id: MoreThan(afterId) }, order: { id: 'ASC' } });
  return rows.map((r) => ({ id: r.id, type, payload: JSON.parse(r.payload), createdAt: r.createdAt }));
}

/**
 * All payloads in one transaction (one run of events): batch handlers get them as one array.
 * `handler` (the listener instance and its method): checked to have taken the whole run in one
 * call that succeeded, not through the outbox's one-by-one fallback.
 */
export async function deliverAsRun<T extends DomainEventType>(
  t: TestApp,
  type: T,
  payloads: Array<DomainEventMap[T]>,
  handler: [object, string],
): Promise<Array<DeliveredEvent<T>>> {
  const { d, bus } = await parts(t);
  const before = await lastEventId(d);
  const [target, method] = handler as [Record<string, (events: unknown[], ...rest: unknown[]) => Promise<void>>, string];
  const original = target[method];
  const calls: Array<{ size: number; failed: boolean }> = [];
  const spy = jest.spyOn(target, method).mockImplementation(async function (this: unknown, events: unknown[], ...rest: unknown[]) {
    const call = { size: events.length, failed: true };
    calls.push(call);
    await original.call(this, events, ...rest);
    call.failed = false;
  });
  try {
    await d.transaction((em) => bus.emitMany(em, type, payloads));
    await bus.drain();
    await bus.drain(); // follow-on events
  } finally {
    spy.mockRestore();
  }
  expect(calls).toEqual([{ size: payloads.length, failed: false }]);
  return eventsAfter(t, type, before);
}

/** Each payload written and delivered before the next: the one-by-one path (arrays of one). */
export async function deliverOneByOne<T extends DomainEventType>(t: TestApp, type: T, payloads: Array<DomainEventMap[T]>): Promise<Array<DeliveredEvent<T>>> {
  const { d, bus } = await parts(t);
  const before = await lastEventId(d);
  for (const p of payloads) {
    await d.transaction((em) => bus.emit(em, type, p));
    await bus.drain();
  }
  await bus.drain();
  return eventsAfter(t, type, before);
}

/** The handler gets these events again as one run (its delivery rows gone, as after a lost acknowledgement). */
export async function redeliver(t: TestApp, handler: string, eventIds: number[]): Promise<void> {
  const { d, bus } = await parts(t);
  await d.manager.delete(EventDelivery, { handler, eventId: In(eventIds) });
  await d.manager.update(DomainEvent, { id: In(eventIds) }, { dispatchedAt: null });
  await bus.drain();
  await bus.drain();
  expect(await d.manager.countBy(EventDelivery, { handler, eventId: In(eventIds) })).toBe(eventIds.length);
}

/** Events as the outbox hands them, with made-up ids (for calling a handler directly). */
export function fakeEvents<T extends DomainEventType>(type: T, payloads: Array<DomainEventMap[T]>, firstId: number): Array<DeliveredEvent<T>> {
  return payloads.map((payload, i) => ({ id: firstId + i, type, payload, createdAt: new Date(Date.now() - (payloads.length - i) * 1000) }));
}

/** The statements `work` sends to the database (the outbox's own look for pending events aside). */
export async function countStatements(t: TestApp, work: () => Promise<unknown>): Promise<string[]> {
  const { d } = await parts(t);
  const probe = d.dataSource.createQueryRunner();
  const proto = Object.getPrototypeOf(probe) as { query: (sql: string, params?: unknown[]) => Promise<unknown> };
  await probe.release();
  const sent: string[] = [];
  const query = proto.query;
  const spy = jest.spyOn(proto, 'query').mockImplementation(function (this: unknown, sql: string, ...rest: unknown[]) {
    if (!/FROM\s+[`"]?domain_event[`"]?\s/i.test(sql) || /^\s*INSERT/i.test(sql)) sent.push(sql);
    return (query as (...a: unknown[]) => Promise<unknown>).call(this, sql, ...rest);
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return sent;
}

/**
 * What every set-based handler proves: a scenario delivered one by one and a fresh one delivered
 * as one run (to `handler`, in one call) leave the rows `expectOutcome` checks, and handing the run
 * to the handler again (as after a lost acknowledgement) changes nothing.
 */
export async function expectRunAsOneByOne<T extends DomainEventType, S extends { payloads: Array<DomainEventMap[T]> }>(
  t: TestApp,
  type: T,
  scenario: (which: 'one' | 'run') => Promise<S>,
  handler: [object, string],
  expectOutcome: (scenario: S, events: Array<DeliveredEvent<T>>) => Promise<void>,
): Promise<void> {
  const one = await scenario('one');
  await expectOutcome(one, await deliverOneByOne(t, type, one.payloads));
  const run = await scenario('run');
  const events = await deliverAsRun(t, type, run.payloads, handler);
  await expectOutcome(run, events);
  await redeliver(
    t,
    `${handler[0].constructor.name}.${handler[1]}`,
    events.map((e) => e.id),
  );
  await expectOutcome(run, events);
}

/**
 * A minimal outbox. `emit(em, type, payload)` writes a domain_event row inside the caller's
 * transaction; after commit the in-process dispatcher delivers it to every handler registered for
 * the type. Each delivery runs in its own transaction together with an event_delivery
 * (event_id, handler) row, so a handler's effects commit exactly once even with several
 * instances or retries. Failed deliveries are retried by a timer, a bounded number of times.
 *
 * Handlers are singleton methods marked `@OnEvent('Type')`; they receive the event and the
 * transaction's EntityManager and must do their writes through it.
 *
 * Bulk writers (a ledger import announces a PurchaseRecorded per receipt) leave runs of events of
 * one type: such a run is delivered to each handler in chunks, one transaction per chunk with its
 * event_delivery rows, instead of a transaction per event and handler. A chunk that fails rolls
 * back as a whole and its events go through the one-by-one path above (so one bad event is
 * isolated and retried alone, exactly as before). Events of different types keep their order.
 */
import type { ClassType } from '@midwayjs/core';
import { type ILogger, type IMidwayContainer, Inject, Logger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, IsNull, LessThan, MoreThan } from 'typeorm';
import { Db, isUniqueViolation } from '../db';
import { DomainEvent, EventDelivery } from './domain-event.entity';
import type { DeliveredEvent, DomainEventMap, DomainEventType } from './types';

export type EventHandler<T extends DomainEventType = DomainEventType> = (event: DeliveredEvent<T>, em: EntityManager) => Promise<void>;

interface Subscription {
  type: DomainEventType;
  target: ClassType<object>;
  method: string;
}

const subscriptions: Subscription[] = [];

/** Mark a method of a singleton provider as a handler for one event type. */
export function OnEvent(type: DomainEventType): MethodDecorator {
  return (target, key) => {
    subscriptions.push({ type, target: (target as { constructor: Subscription['target'] }).constructor, method: String(key) });
  };
}

const MAX_ATTEMPTS = 8;
const BATCH = 200;
/** Events of one type per handler transaction when delivering a run of them. */
const CHUNK = 100;
const RETRY_EVERY_MS = 5_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class EventBus {
  @Inject()
  db!: Db;

  @Logger()
  logger!: ILogger;

  private readonly handlers = new Map<DomainEventType, Map<string, EventHandler>>();
  private draining: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;

  /** Register a handler by a stable name (the idempotency key; keep it when refactoring). */
  on<T extends DomainEventType>(type: T, name: string, handler: EventHandler<T>): void {
    let byName = this.handlers.get(type);
    if (!byName) this.handlers.set(type, (byName = new Map()));
    byName.set(name, handler as EventHandler);
  }

  /** Wire the @OnEvent methods and start the retry timer. */
  async start(container: IMidwayContainer): Promise<void> {
    for (const s of subscriptions) {
      const instance = (await container.getAsync(s.target)) as Record<string, (...args: unknown[]) => Promise<void>>;
      this.on(s.type, `${s.target.name}.${s.method}`, (event, em) => instance[s.method](event, em));
    }
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), RETRY_EVERY_MS);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.draining?.catch(() => undefined);
  }

  /** Write the event in the caller's transaction; dispatch starts after commit. */
  async emit<T extends DomainEventType>(em: EntityManager, type: T, payload: DomainEventMap[T]): Promise<number> {
    const result = await em.insert(DomainEvent, {
      type,
      payload: JSON.stringify(payload),
      createdAt: new Date(),
      dispatchedAt: null,
      attempts: 0,
      lastError: null,
    });
    this.db.afterCommit(em, () => this.kick());
    return Number(result.identifiers[0].id);
  }

  /** Many events of one type in one multi-row INSERT (bulk writers: ledger imports); dispatch starts after commit. */
  async emitMany<T extends DomainEventType>(em: EntityManager, type: T, payloads: Array<DomainEventMap[T]>): Promise<void> {
    const now = new Date();
    for (let i = 0; i < payloads.length; i += 500) {
      await em.createQueryBuilder().insert().into(DomainEvent).values(
        payloads.slice(i, i + 500).map((p) => ({ type, payload: JSON.stringify(p), createdAt: now, dispatchedAt: null, attempts: 0, lastError: null })),
      ).updateEntity(false).execute();
    }
    if (payloads.length) this.db.afterCommit(em, () => this.kick());
  }

  /** Ask for a dispatch pass (coalesced). */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainLoop().finally(() => {
      this.draining = null;
    });
  }

  /** Deliver everything pending now (tests and shutdown use it). */
  async drain(): Promise<void> {
    if (this.draining) await this.draining;
    await this.drainLoop();
  }

  private async drainLoop(): Promise<void> {
    do {
      this.again = false;
      // one pass walks forward by id, so an event that fails is retried on the next pass, not in a loop
      let cursor = 0;
      let n: number;
      do {
        [n, cursor] = await this.dispatchBatch(cursor);
      } while (n === BATCH && !this.stopped);
    } while (this.again && !this.stopped);
  }

  private async dispatchBatch(afterId: number): Promise<[number, number]> {
    let events: DomainEvent[];
    try {
      events = await this.db.manager.find(DomainEvent, {
        where: { id: MoreThan(afterId), dispatchedAt: IsNull(), attempts: LessThan(MAX_ATTEMPTS) },
        order: { id: 'ASC' },
        take: BATCH,
      });
    } catch (err) {
      // the data source may be closing; the timer will try again
      if (!this.stopped) this.logger.warn('[outbox] cannot read pending events: %s', (err as Error).message);
      return [0, afterId];
    }
    // runs of consecutive events of one type; a single event takes the one-by-one path
    for (let i = 0; i < events.length && !this.stopped; ) {
      let j = i + 1;
      while (j < events.length && events[j].type === events[i].type) j++;
      if (j - i === 1) await this.deliver(events[i]);
      else await this.deliverRun(events.slice(i, j));
      i = j;
    }
    return [events.length, events.length ? events[events.length - 1].id : afterId];
  }

  /** A run of events of one type: each handler gets them in chunks, one transaction per chunk. */
  private async deliverRun(rows: DomainEvent[]): Promise<void> {
    const handlers = this.handlers.get(rows[0].type as DomainEventType) ?? new Map<string, EventHandler>();
    const alone = new Set<number>();
    for (let c = 0; c < rows.length && !this.stopped; c += CHUNK) {
      const chunk = rows.slice(c, c + CHUNK);
      let events: DeliveredEvent[];
      try {
        events = chunk.map((row) => ({ id: row.id, type: row.type as DomainEventType, payload: JSON.parse(row.payload), createdAt: row.createdAt }));
      } catch {
        for (const r of chunk) alone.add(r.id);
        continue;
      }
      for (const [name, handler] of handlers) {
        try {
          await this.db.transaction(async (em) => {
            const ids = events.map((e) => e.id);
            const done = new Set((await em.find(EventDelivery, { where: { eventId: In(ids), handler: name }, select: { eventId: true } })).map((d) => d.eventId));
            const todo = events.filter((e) => !done.has(e.id));
            if (!todo.length) return;
            const now = new Date();
            await em.createQueryBuilder().insert().into(EventDelivery).values(todo.map((e) => ({ eventId: e.id, handler: name, deliveredAt: now }))).updateEntity(false).execute();
            for (const e of todo) await handler(e, em);
          });
        } catch {
          // rolled back as a whole: these events go one by one (their other handlers' deliveries are recorded and skipped there)
          for (const e of events) alone.add(e.id);
        }
      }
    }
    if (this.stopped) return;
    const delivered = rows.filter((r) => !alone.has(r.id)).map((r) => r.id);
    for (let i = 0; i < delivered.length; i += 500) {
      await this.db.transaction((em) =>
        em
          .createQueryBuilder()
          .update(DomainEvent)
          .set({ dispatchedAt: new Date(), attempts: () => 'attempts + 1', lastError: null })
          .where({ id: In(delivered.slice(i, i + 500)) })
          .execute(),
      );
    }
    for (const r of rows) if (alone.has(r.id) && !this.stopped) await this.deliver(r);
  }

  private async deliver(row: DomainEvent): Promise<void> {
    const event: DeliveredEvent = { id: row.id, type: row.type as DomainEventType, payload: JSON.parse(row.payload), createdAt: row.createdAt };
    const handlers = this.handlers.get(event.type) ?? new Map<string, EventHandler>();
    let failure: string | null = null;
    for (const [name, handler] of handlers) {
      try {
        await this.db.transaction(async (em) => {
          const done = await em.findOne(EventDelivery, { where: { eventId: row.id, handler: name } });
          if (done) return;
          await em.insert(EventDelivery, { eventId: row.id, handler: name, deliveredAt: new Date() });
          await handler(event, em);
        });
      } catch (err) {
        if (isUniqueViolation(err)) continue; // another instance delivered it concurrently
        failure = `${name}: ${(err as Error).message}`.slice(0, 500);
        this.logger.error('[outbox] %s #%d failed in %s: %s', event.type, row.id, name, (err as Error).stack ?? err);
      }
    }
    await this.db.transaction((em) =>
      em.update(
        DomainEvent,
        { id: row.id },
        failure ? { attempts: row.attempts + 1, lastError: failure } : { dispatchedAt: new Date(), attempts: row.attempts + 1, lastError: null },
      ),
    );
  }
}

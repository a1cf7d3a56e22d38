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
 *
 * Set-based handlers opt in with `@OnEvent('Type', { batch: true })`: the method receives an array
 * of events of that type (up to BATCH_CHUNK of a run, or one alone on the one-by-one path) and
 * handles them in one go — multi-row writes instead of statements per event. It must be
 * idempotent per event like any handler (a chunk that failed is redelivered one event at a time).
 *
 * Deliveries are background work: before each delivery transaction the dispatcher waits (at most
 * YIELD_MAX_MS) while this instance answers a burst of requests (core/request-load), so a crowd
 * registering at once is not slowed by the projections of what the crowd did a moment earlier.
 */
import type { ClassType } from '@midwayjs/core';
import { type ILogger, type IMidwayContainer, Inject, Logger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, IsNull, LessThan, MoreThan } from 'typeorm';
import { Db, isUniqueViolation, rawTime } from '../db';
import { RunnerStopped, WorkRunner } from '../queue/runner';
import { BUSY_AT, requestsInFlight, whenCalm } from '../request-load';
import { DomainEvent, EventDelivery } from './domain-event.entity';
import type { DeliveredEvent, DomainEventMap, DomainEventType } from './types';

export type EventHandler<T extends DomainEventType = DomainEventType> = (event: DeliveredEvent<T>, em: EntityManager) => Promise<void>;
/** A set-based handler: events of one type, in id order, within one transaction. */
export type BatchEventHandler<T extends DomainEventType = DomainEventType> = (events: Array<DeliveredEvent<T>>, em: EntityManager) => Promise<void>;

interface Subscription {
  type: DomainEventType;
  target: ClassType<object>;
  method: string;
  batch: boolean;
}

const subscriptions: Subscription[] = [];

/** Mark a method of a singleton provider as a handler for one event type (`batch`: it takes an array of events). */
export function OnEvent(type: DomainEventType, opts: { batch?: boolean } = {}): MethodDecorator {
  return (target, key) => {
    subscriptions.push({ type, target: (target as { constructor: Subscription['target'] }).constructor, method: String(key), batch: !!opts.batch });
  };
}

const MAX_ATTEMPTS = 8;
const BATCH = 1000;
/**
 * Before each delivery transaction the dispatcher waits this long at most for a request burst to
 * pass (core/request-load); while busy, a transaction delivering events one by one commits after
 * SLICE_MS. Under sustained load the deliveries so get about a tenth of the time, not none.
 */
const YIELD_MAX_MS = 200;
const SLICE_MS = 20;
/** A set-based handler's chunk while busy: small enough to stay within about one slice. */
const BUSY_BATCH_CHUNK = 50;
/** Events of one type per handler transaction when delivering a run of them. */
const CHUNK = 100;
/** The same for set-based handlers (a few statements per chunk, whatever its size). */
const BATCH_CHUNK = 500;
const RETRY_EVERY_MS = 5_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class EventBus {
  @Inject()
  db!: Db;

  @Logger()
  logger!: ILogger;

  private readonly handlers = new Map<DomainEventType, Map<string, EventHandler>>();
  /** Set-based handlers by name (also registered in `handlers`, wrapped to take one event). */
  private readonly batchHandlers = new Map<string, BatchEventHandler>();
  /** Dispatch passes: kicks merge into one pass (a kick during a pass runs it once more). */
  private readonly runner = new WorkRunner<'deliver'>({
    name: 'outbox',
    lanes: { deliver: { priority: 0, concurrency: 1 } },
    onError: (err) => this.logger?.warn('[outbox] pass failed: %s', (err as Error).message),
  });
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;

  /** Register a handler by a stable name (the idempotency key; keep it when refactoring). */
  on<T extends DomainEventType>(type: T, name: string, handler: EventHandler<T>): void {
    let byName = this.handlers.get(type);
    if (!byName) this.handlers.set(type, (byName = new Map()));
    byName.set(name, handler as EventHandler);
  }

  /** Register a set-based handler (see the header); the name is the idempotency key as for `on`. */
  onBatch<T extends DomainEventType>(type: T, name: string, handler: BatchEventHandler<T>): void {
    this.on(type, name, (event, em) => (handler as BatchEventHandler)([event], em));
    this.batchHandlers.set(name, handler as BatchEventHandler);
  }

  /** Wire the @OnEvent methods and start the retry timer. */
  async start(container: IMidwayContainer): Promise<void> {
    for (const s of subscriptions) {
      const instance = (await container.getAsync(s.target)) as Record<string, (...args: unknown[]) => Promise<void>>;
      const name = `${s.target.name}.${s.method}`;
      if (s.batch) this.onBatch(s.type, name, (events, em) => instance[s.method](events, em));
      else this.on(s.type, name, (event, em) => instance[s.method](event, em));
    }
    this.stopped = false;
    this.runner.start();
    this.timer = setInterval(() => this.kick(), RETRY_EVERY_MS);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.runner.stop(60_000);
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
    const now = rawTime(this.db.kind, new Date());
    await this.insertRows(
      em,
      'domain_event',
      ['type', 'payload', 'created_at', 'attempts'],
      payloads.map((p) => [type, JSON.stringify(p), now, 0]),
    );
    if (payloads.length) this.db.afterCommit(em, () => this.kick());
  }

  /** Multi-row INSERT with plain placeholders (the query builder scans every named parameter: quadratic in rows). */
  private async insertRows(em: EntityManager, table: string, columns: string[], rows: Array<Array<string | number | Date>>): Promise<void> {
    const tuple = `(${columns.map(() => '?').join(',')})`;
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      await em.query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${new Array(part.length).fill(tuple).join(',')}`, part.flat());
    }
  }

  /** Ask for a dispatch pass (coalesced). */
  kick(): void {
    if (this.stopped) return;
    this.runner.kick('deliver', 'dispatch', () => this.drainLoop());
  }

  /** Deliver everything pending now (tests and shutdown use it; without start(), e.g. a function entry, it runs here). */
  async drain(): Promise<void> {
    if (this.stopped) return this.drainLoop();
    await this.runner
      .flush('deliver', 'dispatch', () => this.drainLoop())
      .catch((err) => {
        if (!(err instanceof RunnerStopped)) throw err; // stopped meanwhile: the next instance delivers the rest
      });
  }

  private async drainLoop(): Promise<void> {
    // one pass walks forward by id, so an event that fails is retried on the next pass, not in a loop
    let cursor = 0;
    let n: number;
    do {
      [n, cursor] = await this.dispatchBatch(cursor);
    } while (n === BATCH && !this.stopped);
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
    for (let i = 0; i < events.length && !this.stopped;) {
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
    const events: DeliveredEvent[] = [];
    for (const row of rows) {
      try {
        events.push({ id: row.id, type: row.type as DomainEventType, payload: JSON.parse(row.payload), createdAt: row.createdAt });
      } catch {
        alone.add(row.id);
      }
    }
    for (const [name, handler] of handlers) {
      const batch = this.batchHandlers.get(name);
      for (let c = 0; c < events.length && !this.stopped;) {
        await whenCalm(YIELD_MAX_MS);
        const chunk = events.slice(c, c + (batch ? (requestsInFlight() >= BUSY_AT ? BUSY_BATCH_CHUNK : BATCH_CHUNK) : CHUNK));
        // how many of the chunk this transaction took: a handler taking events one by one stops
        // early (and commits what it did) once requests crowd in, so the next yield comes soon
        let taken = chunk.length;
        try {
          await this.db.transaction(async (em) => {
            taken = chunk.length;
            const began = Date.now();
            const done = new Set(
              (await em.find(EventDelivery, { where: { eventId: In(chunk.map((e) => e.id)), handler: name }, select: { eventId: true } })).map(
                (d) => d.eventId,
              ),
            );
            let todo = chunk.filter((e) => !done.has(e.id));
            if (!todo.length) return;
            if (batch) await batch(todo, em);
            else {
              for (let k = 0; k < chunk.length; k++) {
                if (done.has(chunk[k].id)) continue;
                await handler(chunk[k], em);
                if (k < chunk.length - 1 && requestsInFlight() >= BUSY_AT && Date.now() - began >= SLICE_MS) {
                  taken = k + 1;
                  todo = todo.filter((e) => e.id <= chunk[k].id);
                  break;
                }
              }
            }
            const now = rawTime(this.db.kind, new Date());
            await this.insertRows(
              em,
              'event_delivery',
              ['event_id', 'handler', 'delivered_at'],
              todo.map((e) => [e.id, name, now]),
            );
          });
        } catch {
          // rolled back as a whole: these events go one by one (their other handlers' deliveries are recorded and skipped there)
          taken = chunk.length;
          for (const e of chunk) alone.add(e.id);
        }
        c += taken;
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
      await whenCalm(YIELD_MAX_MS);
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

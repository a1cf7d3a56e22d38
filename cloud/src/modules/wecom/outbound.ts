/**
 * Exactly-once outgoing WeCom effects.
 *
 * `enqueueOutbound(em, …)` writes a row with an idempotency key inside the caller's transaction
 * (a second enqueue with the same key is a no-op). `OutboundProcessor` sends due rows:
 *
 *   pending --claim--> sending --answer--> sent | failed | pending (retry later)
 *
 * The claim is a conditional UPDATE on (status, attempts), so two workers never send the same row,
 * and every later write is fenced by the attempt number. A row still 'sending' after its lock
 * expired means a worker died between the call and the record: for APIs that are not idempotent
 * (add_msg_template) the handler first asks WeCom whether the effect already exists
 * (reconcile) and records it instead of sending again. Idempotent APIs (mark_tag,
 * update_contact_way) are simply sent again.
 *
 * Plain class (no Midway container) so a test can run it in a child process and SIGKILL it.
 */
import { EntityManager, In } from 'typeorm';
import { isUniqueViolation } from '../../core/db';
import { PlatformError, PlatformUnavailableError } from '../../platform/types';
import { bulkInsert, type BulkValue } from '../../core/bulk-insert';
import { claimRow, dueRows, type QueueTable, retryDelayMs, settleRow } from '../../core/queue/claimable';
import { OUTBOUND_QUEUE, WecomOutbound } from './entities/outbound.entity';

export interface OutboundSender<P = unknown> {
  /** true when sending twice has the same effect as once. */
  idempotent: boolean;
  send(payload: P, row: WecomOutbound): Promise<unknown>;
  /** Non-idempotent kinds: find the effect of an earlier attempt that may have landed (null = not there). */
  reconcile?(payload: P, since: Date, row: WecomOutbound): Promise<unknown | null>;
  /** True when the row is obsolete and must not be sent (e.g. a newer routing version exists). */
  stale?(payload: P, row: WecomOutbound): Promise<boolean>;
  /** Runs after a successful send/reconcile, outside the fenced update (e.g. mirror the tag change). */
  after?(payload: P, result: unknown, row: WecomOutbound): Promise<void>;
}

export interface OutboundHooks {
  /** Test hook: runs after the platform accepted the call and before the row is recorded. */
  afterSend?(row: WecomOutbound, result: unknown): void | Promise<void>;
}

/** errcodes worth retrying later (busy, system error, token trouble that survived one refresh). */
const TRANSIENT = new Set([-1, 45009, 45033, 40014, 42001, 41001]);
const MAX_ATTEMPTS = 8;

/** Which of these idempotency keys already have an outbound call (queued, sent or failed): for "已提醒" marks in other modules. */
export async function outboundKeysTaken(em: EntityManager, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await em.find(WecomOutbound, { where: { idemKey: In(keys) }, select: { id: true, idemKey: true } });
  return new Set(rows.map((r) => r.idemKey));
}

export async function enqueueOutbound(
  em: EntityManager,
  o: { idemKey: string; kind: string; payload: unknown; ref?: string | null; notBefore?: Date; now?: Date },
): Promise<{ id: number | null; created: boolean }> {
  const now = o.now ?? new Date();
  try {
    const r = await em.insert(WecomOutbound, {
      idemKey: o.idemKey.slice(0, 191),
      kind: o.kind,
      payload: JSON.stringify(o.payload),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: o.notBefore ?? now,
      lockedUntil: null,
      startedAt: null,
      lastErrcode: null,
      lastError: null,
      result: null,
      ref: o.ref ?? null,
      createdAt: now,
      sentAt: null,
    });
    return { id: Number(r.identifiers[0].id), created: true };
  } catch (err) {
    if (isUniqueViolation(err)) return { id: null, created: false };
    throw err;
  }
}

/**
 * Many rows in one multi-row INSERT (bulk producers such as the journey evaluation). The caller
 * guarantees the keys are new in this transaction (its own state advances with them); a clash
 * falls back to one row at a time so nothing is sent twice.
 */
export async function enqueueOutboundMany(
  em: EntityManager,
  items: Array<{ idemKey: string; kind: string; payload: unknown; ref?: string | null; notBefore?: Date }>,
  now = new Date(),
): Promise<number> {
  const cols = ['idem_key', 'kind', 'payload', 'status', 'attempts', 'next_attempt_at', 'ref', 'created_at'];
  const row = (o: (typeof items)[number]): BulkValue[] => [
    o.idemKey.slice(0, 191),
    o.kind,
    JSON.stringify(o.payload),
    'pending',
    0,
    o.notBefore ?? now,
    o.ref ?? null,
    now,
  ];
  let created = 0;
  for (let i = 0; i < items.length; i += 1000) {
    const chunk = items.slice(i, i + 1000);
    try {
      await bulkInsert(em, 'wecom_outbound', cols, chunk.map(row));
      created += chunk.length;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      for (const o of chunk) if ((await enqueueOutbound(em, { ...o, now })).created) created++;
    }
  }
  return created;
}

export interface ProcessorDeps {
  manager: () => EntityManager;
  handlers: Record<string, OutboundSender>;
  now?: () => Date;
  hooks?: OutboundHooks;
  /** How long a claim holds a row before another worker may take it over. */
  lockMs?: number;
  concurrency?: number;
  log?: (msg: string) => void;
}

export interface RunResult {
  sent: number;
  reconciled: number;
  failed: number;
  retry: number;
  cancelled: number;
}

export class OutboundProcessor {
  private readonly queue: QueueTable<WecomOutbound>;

  constructor(private readonly deps: ProcessorDeps) {
    this.queue = { ...OUTBOUND_QUEUE, leaseMs: deps.lockMs ?? OUTBOUND_QUEUE.leaseMs };
  }

  private now(at?: Date): Date {
    return at ?? this.deps.now?.() ?? new Date();
  }

  /** Send up to `limit` due rows (oldest first). */
  async runOnce(o: { limit?: number; now?: Date; kinds?: string[] } = {}): Promise<RunResult> {
    const now = this.now(o.now);
    const em = this.deps.manager();
    const kinds = o.kinds ?? Object.keys(this.deps.handlers);
    const rows = await dueRows(em, this.queue, { now, limit: o.limit ?? 100, where: { sql: 'q.kind IN (:...kinds)', params: { kinds } } });
    const result: RunResult = { sent: 0, reconciled: 0, failed: 0, retry: 0, cancelled: 0 };
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++];
        const outcome = await this.processRow(row, now);
        if (outcome) result[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 4, rows.length) }, worker));
    return result;
  }

  private async processRow(row: WecomOutbound, now: Date): Promise<keyof RunResult | null> {
    const em = this.deps.manager();
    const handler = this.deps.handlers[row.kind];
    if (!handler) return null;
    const attempt = row.attempts + 1;
    // the fence is the attempt read with the row (no due check: the batch was read as due just now)
    if (!(await claimRow(em, this.queue, row, { now, due: false, set: { startedAt: now } }))) return null; // another worker has it
    const payload = JSON.parse(row.payload);
    const finish = (set: Partial<WecomOutbound>) => settleRow(em, this.queue, row.id, attempt, set);

    try {
      // A previous attempt may have reached WeCom without being recorded: a crash ('sending' left
      // behind) or a timeout/network error (no errcode). Look before sending again.
      const uncertain = row.status === 'sending' || (row.attempts > 0 && row.lastErrcode === null);
      if (!handler.idempotent && uncertain && handler.reconcile) {
        const since = new Date((row.startedAt ?? row.createdAt).getTime() - 60_000);
        const found = await handler.reconcile(payload, since, row);
        if (found) {
          await finish({ status: 'sent', result: JSON.stringify(found), sentAt: now, lockedUntil: null, lastError: null, lastErrcode: null });
          await handler.after?.(payload, found, row);
          return 'reconciled';
        }
      }
      if (handler.stale && (await handler.stale(payload, row))) {
        await finish({ status: 'cancelled', lockedUntil: null, lastError: 'superseded' });
        return 'cancelled';
      }
      const res = await handler.send(payload, row);
      await this.deps.hooks?.afterSend?.(row, res);
      await finish({ status: 'sent', result: JSON.stringify(res ?? {}), sentAt: this.now(), lockedUntil: null, lastError: null, lastErrcode: null });
      await handler.after?.(payload, res, row);
      return 'sent';
    } catch (err) {
      const e = err as Error;
      const errcode = err instanceof PlatformError ? err.errcode : null;
      const transient = err instanceof PlatformUnavailableError || (errcode !== null && TRANSIENT.has(errcode)) || !(err instanceof PlatformError);
      const lastError = `${e.name}: ${e.message}`.slice(0, 500);
      if (transient && attempt < MAX_ATTEMPTS) {
        const backoff = retryDelayMs(attempt);
        await finish({ status: 'pending', nextAttemptAt: new Date(now.getTime() + backoff), lockedUntil: null, lastErrcode: errcode, lastError });
        return 'retry';
      }
      await finish({ status: 'failed', lockedUntil: null, lastErrcode: errcode, lastError });
      this.deps.log?.(`[outbound] #${row.id} ${row.kind} failed: ${lastError}`);
      return 'failed';
    }
  }
}

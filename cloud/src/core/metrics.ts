/**
 * Prometheus metrics (prom-client, the standard Node client): one registry per process, exposed
 * at /metrics. Counters and histograms are fed where things happen (HTTP requests, platform
 * calls, job runs, welcomes); queue depths and ages are read from the database at scrape time, so
 * every instance reports the same chain-wide queues.
 */
import * as client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'hub_' });

export const httpRequests = new client.Counter({
  name: 'hub_http_requests_total',
  help: 'HTTP requests by route (contract path), method and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new client.Histogram({
  name: 'hub_http_request_duration_seconds',
  help: 'HTTP request latency by route (contract path) and method',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const platformCalls = new client.Counter({
  name: 'hub_platform_calls_total',
  help: 'Calls to WeChat / WeCom by API, outcome and errcode (0 = ok)',
  labelNames: ['platform', 'api', 'outcome', 'errcode'] as const,
  registers: [registry],
});

export const jobRuns = new client.Counter({
  name: 'hub_job_runs_total',
  help: 'Scheduled job runs on this instance by job and result (ok / failed)',
  labelNames: ['job', 'result'] as const,
  registers: [registry],
});

export const welcomeDelay = new client.Histogram({
  name: 'hub_wecom_welcome_delay_seconds',
  help: 'From the add_external_contact event to send_welcome_msg (WeCom allows 20 s)',
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60],
  registers: [registry],
});

export const queueDepth = new client.Gauge({
  name: 'hub_queue_depth',
  help: 'Rows waiting in a work queue (chain-wide, read from the database at scrape time)',
  labelNames: ['queue'] as const,
  registers: [registry],
});

export const queueAge = new client.Gauge({
  name: 'hub_queue_oldest_age_seconds',
  help: 'Age of the oldest waiting row of a work queue',
  labelNames: ['queue'] as const,
  registers: [registry],
});

/** A queue as the scrape reads it: a table, the condition of a waiting row and its creation column. */
export interface QueueProbe {
  queue: string;
  table: string;
  where: string;
  createdColumn: string;
}

export const QUEUES: QueueProbe[] = [
  { queue: 'events_outbox', table: 'domain_event', where: 'dispatched_at IS NULL', createdColumn: 'created_at' },
  { queue: 'wecom_inbox', table: 'wecom_callback_inbox', where: "status IN ('pending', 'processing')", createdColumn: 'received_at' },
  { queue: 'wecom_outbound', table: 'wecom_outbound', where: "status IN ('pending', 'sending')", createdColumn: 'created_at' },
];

type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

export async function collectQueues(query: Query, now = Date.now()): Promise<void> {
  for (const q of QUEUES) {
    try {
      const [row] = await query(`SELECT COUNT(*) AS n, MIN(${q.createdColumn}) AS oldest FROM ${q.table} WHERE ${q.where}`);
      const n = Number(row?.n ?? 0);
      queueDepth.set({ queue: q.queue }, n);
      const oldest = row?.oldest
        ? new Date(typeof row.oldest === 'string' && !/[zZ]|[+-]\d\d:?\d\d$/.test(row.oldest) ? `${row.oldest.replace(' ', 'T')}Z` : (row.oldest as string))
        : null;
      queueAge.set({ queue: q.queue }, oldest && !Number.isNaN(oldest.getTime()) ? Math.max(0, (now - oldest.getTime()) / 1000) : 0);
    } catch {
      // a module's table not migrated yet: report nothing for it rather than fail the scrape
    }
  }
}

/**
 * Endpoints for the platform around the server, outside the API contracts:
 *   GET /api/live   liveness: the process answers (no database) — restart it when this fails
 *   GET /api/ready  readiness: database reachable, schema current, not shutting down — route
 *                   traffic to it only while 200 (503 otherwise)
 *   GET /metrics    Prometheus text format (prom-client); with METRICS_TOKEN set, only with
 *                   `Authorization: Bearer <token>`
 * and the per-request metrics (rate and latency by contract route).
 */
import { Config, type IMiddleware, Inject, Middleware } from '@midwayjs/core';
import type { Context, NextFunction } from '@midwayjs/koa';
import type { AppEnv } from '../config/env';
import { Db } from './db';
import { collectQueues, httpDuration, httpRequests, registry } from './metrics';
import { requestStarted } from './request-load';

/** Set when the server begins to stop: readiness fails first so balancers drain it. */
export const lifecycle = { stopping: false };

@Middleware()
export class OpsMiddleware implements IMiddleware<Context, NextFunction> {
  @Config('hub')
  env!: AppEnv;

  @Inject()
  db!: Db;

  static getName(): string {
    return 'ops';
  }

  private async pending(): Promise<number> {
    const table = this.db.dataSource.options.migrationsTableName ?? 'migrations';
    const rows: Array<{ name: string }> = await this.db.dataSource.query(`SELECT name FROM ${table}`);
    const applied = new Set(rows.map((r) => r.name));
    return this.db.dataSource.migrations.filter((m) => !applied.has(m.name ?? m.constructor.name)).length;
  }

  resolve() {
    return async (ctx: Context, next: NextFunction) => {
      if (ctx.method === 'GET' && ctx.path === '/api/live') {
        ctx.set('cache-control', 'no-store');
        ctx.body = { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
        return;
      }
      if (ctx.method === 'GET' && ctx.path === '/api/ready') {
        ctx.set('cache-control', 'no-store');
        const reasons: string[] = [];
        if (lifecycle.stopping) reasons.push('stopping');
        try {
          const n = await this.pending();
          if (n) reasons.push(`${n} migrations pending`);
        } catch {
          reasons.push('database unreachable');
        }
        ctx.status = reasons.length ? 503 : 200;
        ctx.body = { status: reasons.length ? 'not_ready' : 'ready', reasons };
        return;
      }
      if (ctx.method === 'GET' && ctx.path === '/metrics') {
        const token = this.env.METRICS_TOKEN;
        if (token && ctx.get('authorization') !== `Bearer ${token}`) {
          ctx.status = 401;
          ctx.body = { code: 'UNAUTHENTICATED', message: '请先登录' };
          return;
        }
        await collectQueues((sql) => this.db.dataSource.query(sql));
        ctx.set('content-type', registry.contentType);
        ctx.body = await registry.metrics();
        return;
      }
      const started = process.hrtime.bigint();
      const ended = ctx.path.startsWith('/api/') ? requestStarted() : null;
      try {
        await next();
      } finally {
        ended?.();
        // the contract path (`/api/classes/:id`), never the raw URL: label values stay few
        const route = (ctx.state as { route?: string }).route ?? (ctx.path.startsWith('/api/') ? 'unmatched' : 'static');
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        httpRequests.inc({ method: ctx.method, route, status: String(ctx.status) });
        httpDuration.observe({ method: ctx.method, route }, seconds);
      }
    };
  }
}

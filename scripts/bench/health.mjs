// GET /api/health under load: the floor for every other endpoint (routing, middleware, one
// trivial database read). Flags: --duration <s> (10), --connections <n> (64), --warmup <s> (2).
import { getJson, loadTest, numberArg } from './lib.mjs';

export const description = 'GET /api/health under load (autocannon, 64 connections, --duration 10)';

export async function run({ baseUrl, args, log, server }) {
  const duration = numberArg(args, 'duration', 10);
  const connections = numberArg(args, 'connections', 64);
  const warmup = numberArg(args, 'warmup', 2);

  const r = await loadTest({
    url: `${baseUrl}/api/health`,
    connections,
    duration,
    warmup,
    log,
  });

  // The server must still be answering correctly after the load, on the database we asked for.
  const final = await getJson(`${baseUrl}/api/health`);
  const finalOk = final.status === 200 && final.body?.status === 'ok';
  const dbKind = final.body?.db?.kind ?? null;
  const problems = [];
  if (r.errors > 0) problems.push(`${r.errors} connection errors/timeouts`);
  if (r.non2xx > 0) problems.push(`${r.non2xx} non-2xx answers`);
  if (r.requests_total === 0) problems.push('no requests completed');
  if (!finalOk) problems.push(`final health check: HTTP ${final.status} ${JSON.stringify(final.body).slice(0, 200)}`);
  if (dbKind !== server.dbKind) problems.push(`server reports db ${dbKind}, expected ${server.dbKind}`);
  for (const p of problems) log(`NOT OK: ${p}`);

  return {
    ok: problems.length === 0,
    requests_per_s: r.requests_per_s,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    errors: r.errors,
    non2xx: r.non2xx,
    requests_total: r.requests_total,
    connections: r.connections,
    duration_s: r.duration_s,
    db: dbKind,
    ...(problems.length ? { problems } : {}),
  };
}

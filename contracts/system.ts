import { z } from 'zod';
import { defineRoute, IsoDateTime } from './route';

export const health = defineRoute({
  method: 'GET',
  path: '/api/health',
  auth: 'public',
  summary: 'Liveness plus database kind and migration state.',
  response: z.object({
    status: z.enum(['ok', 'degraded']),
    time: IsoDateTime,
    db: z.object({
      kind: z.enum(['sqlite', 'mysql']),
      migrations: z.object({
        applied: z.number().int(),
        pending: z.number().int(),
        /** Schema version: the timestamp of the last applied migration (names are not public). */
        last: z.string().nullable(),
      }),
    }),
  }),
});

export const publicConfig = defineRoute({
  method: 'GET',
  path: '/api/config',
  auth: 'public',
  summary: 'What the clients need to know at start (no secrets).',
  response: z.object({
    env: z.enum(['development', 'test', 'production']),
    privacyVersion: z.string(),
    wecom: z.object({ corpId: z.string(), agentId: z.string() }),
    /** Present only when the local simulator stands in for WeChat/WeCom (dev & tests). */
    simulator: z.object({ baseUrl: z.string() }).nullable(),
  }),
});

/** Largest client error report accepted (bytes of JSON); bigger bodies are refused before parsing matters. */
export const CLIENT_ERROR_MAX_BYTES = 8 * 1024;

export const reportClientError = defineRoute({
  method: 'POST',
  path: '/api/client-errors',
  auth: 'public',
  summary:
    'A browser page (ops page, sidebar) reports an error its error boundary caught; written to the server log. Rate-limited per client IP, body at most 8 KB.',
  body: z.object({
    surface: z.enum(['admin', 'sidebar', 'h5']),
    /** Which screen or panel caught it (route path or panel name). */
    area: z.string().trim().min(1).max(120),
    message: z.string().max(500),
    stack: z.string().max(4000).optional(),
    url: z.string().max(1024).optional(),
  }),
  response: z.object({ ok: z.literal(true) }),
});

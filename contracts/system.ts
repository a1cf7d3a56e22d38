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

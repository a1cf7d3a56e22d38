/**
 * The HTTP function routes before any middleware runs, so a path no controller serves would fail
 * inside the platform (a bare 500). This catch-all (the least specific route) lets such requests
 * through the middleware — /api/live, /api/ready and /metrics are answered there — and answers
 * the rest NOT_FOUND with the usual error body, as the server does.
 */
import { Provide, ServerlessTrigger, ServerlessTriggerType } from '@midwayjs/core';
import { AppError } from '../core/errors';

@Provide()
export class HttpFallback {
  @ServerlessTrigger(ServerlessTriggerType.HTTP, { path: '/*', method: 'all' })
  async notFound(): Promise<never> {
    throw new AppError('NOT_FOUND');
  }
}

/**
 * The single place where failures become HTTP answers: `{ code, message, details? }` with the
 * status from contracts/errors.ts. Bad input is never a 500; unknown failures are logged with their
 * stack and answered with a bare INTERNAL (no stack, no driver message).
 */
import { Catch } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import { z } from 'zod';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from '../../../contracts/errors';
import { PlatformError, PlatformUnavailableError } from '../platform/types';
import { AppError, ResponseDriftError } from './errors';
import { issuesToDetails } from './route';
import { isTransientDbError, isUniqueViolation } from './db';

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

function body(code: ErrorCode, message?: string, details?: ErrorBody['details']): { status: number; body: ErrorBody } {
  const b: ErrorBody = { code, message: message ?? ERROR_CODES[code].message };
  if (details && details.length) b.details = details;
  return { status: ERROR_CODES[code].status, body: b };
}

/** Map any thrown value to status + body; `log` receives the ones that deserve a server-side trace. */
export function toErrorResponse(err: unknown, log: (level: 'warn' | 'error', e: unknown) => void): { status: number; body: ErrorBody } {
  if (err instanceof AppError) return { status: err.status, body: err.toBody() };
  if (err instanceof z.ZodError) return body('VALIDATION_FAILED', undefined, issuesToDetails(err.issues));
  if (err instanceof ResponseDriftError) {
    log('error', err);
    // only thrown under NODE_ENV=test: say loudly what drifted
    return body('INTERNAL', err.message, err.issues);
  }
  if (err instanceof PlatformError || err instanceof PlatformUnavailableError) {
    log('warn', err);
    return body('UPSTREAM_UNAVAILABLE');
  }
  // a race lost at the database (duplicate key, deadlock, lock wait): the caller may simply retry
  if (isUniqueViolation(err) || isTransientDbError(err)) {
    log('warn', err);
    return body('CONFLICT');
  }
  const e = (err ?? {}) as HttpishError;
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413 || e.type === 'entity.too.large') return body('PAYLOAD_TOO_LARGE');
    if (e.type === 'entity.parse.failed') return body('BAD_REQUEST', '请求内容不是合法的 JSON');
    if (status === 401) return body('UNAUTHENTICATED');
    if (status === 403) return body('FORBIDDEN');
    if (status === 404 || status === 405) return body('NOT_FOUND');
    if (status === 429) return body('RATE_LIMITED');
    return body('BAD_REQUEST');
  }
  log('error', err);
  return body('INTERNAL');
}

@Catch()
export class GlobalErrorFilter {
  async catch(err: unknown, ctx: Context): Promise<ErrorBody> {
    const { status, body: payload } = toErrorResponse(err, (level, e) => {
      if (level === 'error') ctx.logger.error(e);
      else ctx.logger.warn(String((e as Error)?.message ?? e));
    });
    ctx.status = status;
    ctx.set('cache-control', 'no-store');
    ctx.body = payload;
    return payload;
  }
}

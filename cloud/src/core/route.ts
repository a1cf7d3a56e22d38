/**
 * `@Route(contract)` binds a controller method to a route from contracts/: it registers the HTTP
 * method + path with Midway, authenticates (public | member | staff + roles), validates params,
 * query and body with the contract's zod schemas, hands the handler the parsed input and an
 * AuthContext, and checks the answer against the response schema: unknown fields are always stripped; a
 * mismatch is a loud failure under test and a logged error (with the answer pruned) otherwise.
 */
import { RequestMapping } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import { z } from 'zod';
import type { RouteDef, RouteParsed, RouteResponse } from '../../../contracts/route';
import { AppError, ResponseDriftError, type ErrorDetails } from './errors';
import { Batcher } from './queue/batcher';
import { AuthContext, PRINCIPAL_RESOLVER, type Principal, type PrincipalResolver } from './auth/principal';
import type { SessionRow } from './auth/session.entity';
import { SessionService } from './auth/session.service';
import { isBulkPath, PUBLIC_BODY_LIMIT } from './json-body.middleware';
import { pruneToSchema } from './response-prune';
import './zod-locale';

export type RouteHandler<R extends RouteDef> = (input: RouteParsed<R>, auth: AuthContext, ctx: Context) => Promise<RouteResponse<R>>;

export interface RouteOptions<C = unknown> {
  /**
   * Runs after authentication and before the body is parsed or validated: a public route signed
   * by other means (the till's POS key) checks the signature over the raw bytes here, so an
   * unsigned body never costs a parse (no request may hold the event loop).
   */
  beforeInput?: (ctx: Context, controller: C) => Promise<void>;
}

interface BoundRoute {
  def: RouteDef;
  controller: string;
  method: string;
}

const bound: BoundRoute[] = [];

/** Every contract route that has a handler (for the drift test and the startup check). */
export function boundRoutes(): readonly BoundRoute[] {
  return bound;
}

export function issuesToDetails(issues: readonly z.core.$ZodIssue[], prefix?: string): ErrorDetails {
  return issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((p) => p !== undefined && p !== '').join('.'),
    message: i.message,
  }));
}

function bearer(ctx: Context): string | null {
  const header = ctx.get('authorization');
  const m = /^Bearer\s+([A-Za-z0-9_-]{16,128})\s*$/i.exec(header);
  return m ? m[1] : null;
}

/** Both are singletons: look them up once per application, not on every request. */
const services = new WeakMap<object, Promise<{ sessions: SessionService; resolver: PrincipalResolver }>>();

function authServices(ctx: Context): Promise<{ sessions: SessionService; resolver: PrincipalResolver }> {
  let found = services.get(ctx.app);
  if (!found) {
    found = Promise.all([ctx.requestContext.getAsync(SessionService), ctx.requestContext.getAsync<PrincipalResolver>(PRINCIPAL_RESOLVER)]).then(
      ([sessions, resolver]) => ({ sessions, resolver }),
    );
    found.catch(() => services.delete(ctx.app));
    services.set(ctx.app, found);
  }
  return found;
}

/** Per resolver (one per app): resolveMany over the sessions of one event-loop turn. */
const resolveBatches = new WeakMap<PrincipalResolver, Batcher<SessionRow, Principal>>();

function resolvePrincipal(resolver: PrincipalResolver, session: SessionRow): Promise<Principal | undefined> {
  const many = resolver.resolveMany?.bind(resolver);
  if (!many) return resolver.resolve(session);
  let batch = resolveBatches.get(resolver);
  if (!batch) {
    batch = new Batcher<SessionRow, Principal>(async (sessions) => {
      const found = await many(sessions);
      return new Map(sessions.flatMap((s) => (found.has(s.id) ? [[s, found.get(s.id)!] as const] : [])));
    });
    resolveBatches.set(resolver, batch);
  }
  return batch.get(session);
}

async function authenticate(def: RouteDef, ctx: Context): Promise<Principal | null> {
  if (def.auth === 'public') return null;
  const token = bearer(ctx);
  if (!token) throw new AppError('UNAUTHENTICATED');
  const { sessions, resolver } = await authServices(ctx);
  const session = await sessions.verify(token);
  if (session.subjectType !== def.auth) {
    // a valid session of the other kind (member token on an ops route or vice versa)
    throw new AppError('FORBIDDEN');
  }
  const principal = await resolvePrincipal(resolver, session);
  if (!principal) throw new AppError('UNAUTHENTICATED');
  if (principal.kind === 'staff' && principal.passwordChangePending && !def.allowPasswordChangePending) throw new AppError('PASSWORD_CHANGE_REQUIRED');
  if (def.roles && (principal.kind !== 'staff' || !def.roles.includes(principal.role))) {
    throw new AppError('FORBIDDEN');
  }
  return principal;
}

function parseInput(def: RouteDef, ctx: Context): Record<'params' | 'query' | 'body', unknown> {
  const details: ErrorDetails = [];
  const part = (schema: z.ZodType | undefined, value: unknown) => {
    if (!schema) return undefined;
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    details.push(...issuesToDetails(r.error.issues));
    return undefined;
  };
  const rawBytes = (ctx.request as { rawBytes?: Buffer }).rawBytes;
  if (def.auth === 'public' && rawBytes && rawBytes.length > PUBLIC_BODY_LIMIT && !isBulkPath(def.path)) throw new AppError('PAYLOAD_TOO_LARGE');
  const params = part(def.params, ctx.params ?? {});
  const query = part(def.query, ctx.query ?? {});
  const rawBody = (ctx.request as { body?: unknown }).body;
  const body = part(def.body, rawBody === undefined ? {} : rawBody);
  if (details.length) throw new AppError('VALIDATION_FAILED', undefined, details);
  return { params, query, body };
}

export function Route<R extends RouteDef, C = unknown>(def: R, options: RouteOptions<C> = {}) {
  // generic over the method so a handler may declare fewer parameters; its input and answer are still checked
  return function <T extends RouteHandler<R>>(target: object, key: string, descriptor: TypedPropertyDescriptor<T>): void {
    const handler = descriptor.value;
    if (!handler) throw new Error(`@Route on ${key} needs a method`);
    const name = `${def.method} ${def.path}`;
    const strictResponse = process.env.NODE_ENV === 'test';
    const wrapped = async function (this: unknown, ctx: Context): Promise<unknown> {
      // the route's template labels the request metrics (a bare test context has no state)
      if (ctx.state) (ctx.state as { route?: string }).route = def.path;
      const principal = await authenticate(def, ctx);
      if (options.beforeInput) await options.beforeInput(ctx, this as C);
      const input = parseInput(def, ctx) as RouteParsed<R>;
      const result = await handler.call(this, input, new AuthContext(principal), ctx);
      const checked = def.response.safeParse(result);
      // signed-in answers are personal: keep them out of shared caches
      if (def.auth !== 'public') ctx.set('cache-control', 'no-store');
      if (checked.success) {
        ctx.status = 200;
        // the parsed copy drops fields the contract does not name (nothing leaks by accident)
        return checked.data;
      }
      const issues = issuesToDetails(checked.error.issues);
      if (strictResponse) throw new ResponseDriftError(name, issues);
      // reported, and still nothing the contract does not name goes out
      ctx.logger.error(new ResponseDriftError(name, issues));
      return pruneToSchema(def.response, result);
    };
    descriptor.value = wrapped as unknown as T;
    RequestMapping({ path: def.path, requestMethod: def.method.toLowerCase(), summary: def.summary })(target, key, descriptor);
    bound.push({ def, controller: (target as { constructor: { name: string } }).constructor.name, method: key });
  };
}

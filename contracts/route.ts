/**
 * One source of truth for every HTTP contract: the server validates requests and builds the
 * OpenAPI document from these definitions; the clients (mini-program, ops page, sidebar) take
 * their request/response types from the very same objects.
 */
import { z } from 'zod';

export type StaffRole = 'hq_admin' | 'store_manager' | 'group_owner' | 'staff';
export const STAFF_ROLES = ['hq_admin', 'store_manager', 'group_owner', 'staff'] as const;
/** The role sets routes name (one definition each). */
export const HQ_ONLY = ['hq_admin'] as const;
export const STORE_OPS = ['hq_admin', 'store_manager'] as const;
/** Store ops plus group owners (who see their own customers). */
export const OPS_AND_OWNERS = ['hq_admin', 'store_manager', 'group_owner'] as const;

/** public: anyone; member: a mini-program session; staff: an ops/sidebar session (optionally limited to roles). */
export type RouteAuth = 'public' | 'member' | 'staff';

export interface RouteDef<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** koa-style path, e.g. /api/admin/members/:memberId */
  path: string;
  auth: RouteAuth;
  roles?: readonly StaffRole[];
  /** Staff whose password must be changed first may call this route (all others answer PASSWORD_CHANGE_REQUIRED). */
  allowPasswordChangePending?: boolean;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
}

export function defineRoute<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(def: RouteDef<P, Q, B, R>): RouteDef<P, Q, B, R> {
  return def;
}

type Out<T> = T extends z.ZodType ? z.output<T> : never;
type In<T> = T extends z.ZodType ? z.input<T> : never;
type Drop<T> = { [K in keyof T as T[K] extends undefined | never ? never : K]: T[K] };

/** What a client passes to call a route (input side of the schemas). */
export type RouteInput<R> = R extends RouteDef<infer P, infer Q, infer B, z.ZodType> ? Drop<{ params: In<P>; query: In<Q>; body: In<B> }> : never;
/** What the server handler receives after validation (output side). */
export type RouteParsed<R> = R extends RouteDef<infer P, infer Q, infer B, z.ZodType> ? { params: Out<P>; query: Out<Q>; body: Out<B> } : never;
/** What the route answers with on success. */
export type RouteResponse<R> = R extends RouteDef<z.ZodType, z.ZodType, z.ZodType, infer Res> ? z.output<Res> : never;

/** Fill a koa-style path with params: /a/:id -> /a/42 */
export function buildPath(path: string, params?: Record<string, string | number>): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path param ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** Shared pagination query and envelope. */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

/**
 * Times cross the wire as ISO-8601 strings (UTC `Z`, or with an offset); clients show them in
 * Asia/Shanghai (contracts/calendar.ts). Validated, so a plain "2026-12-05" or free text is a clean 400.
 */
export const IsoDateTime = z.iso.datetime({ offset: true }).describe('ISO-8601 timestamp (UTC or with offset)');
/** A Shanghai calendar day "YYYY-MM-DD". */
export const IsoDate = z.iso.date().describe('YYYY-MM-DD, an Asia/Shanghai calendar day');

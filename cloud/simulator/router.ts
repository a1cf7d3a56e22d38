/** The tiny request/response model the faces are written against (node:http underneath). */
import type { IncomingHttpHeaders } from 'http';
import type { FaceName, SimState } from './state';

export interface SimRequest {
  method: string;
  /** Path relative to the face prefix (or to /__sim for control routes). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  /** Values of ':name' segments of the route path. */
  params?: Record<string, string>;
}

export interface SimResult {
  status?: number;
  json?: unknown;
  text?: string;
  /** Binary body (e.g. a wxacode PNG); give its content-type in headers. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

export interface SimRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handle(req: SimRequest): SimResult | Promise<SimResult>;
}

/** One stand-in host: API routes under `prefix`, control routes under `/__sim/<name>`. */
export interface SimFace {
  name: FaceName;
  /** e.g. '/wecom' standing in for https://qyapi.weixin.qq.com */
  prefix: string;
  routes: SimRoute[];
  control: SimRoute[];
  /** Body answered for an injected errcode on this face. */
  faultBody(errcode: number): unknown;
  reset(): void;
}

export type FaceFactory<O> = (state: SimState, opts: O) => SimFace;

export function json(body: unknown, status = 200): SimResult {
  return { status, json: body };
}

export function badRequest(message: string): SimResult {
  return { status: 400, json: { error: message } };
}

/** Reads a string field from a JSON body, or undefined. */
export function field(body: unknown, name: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

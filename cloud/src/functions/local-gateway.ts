/**
 * A local stand-in for the API gateway in front of the HTTP function: a plain HTTP server that
 * turns each real request into the gateway's event, invokes the function's handler and writes its
 * answer back — what FC does in the cloud. Used by the function tests and for trying a function
 * build on a laptop.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { randomUUID } from 'crypto';
import type { FcContext, GatewayEvent, GatewayResult } from './http-entry';

export function fcContext(handler = 'index.handler'): FcContext {
  return { requestId: randomUUID(), function: { name: 'api', handler }, service: { name: 'community-private-domain-hub' }, logger: console };
}

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i;

export async function toGatewayEvent(req: http.IncomingMessage): Promise<GatewayEvent> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const bytes = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://gateway');
  const queryParameters: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    queryParameters[key] = all.length > 1 ? all : all[0];
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  // like FC's gateway: text bodies as text, anything else (multipart photos) base64
  const text = TEXT_TYPES.test(headers['content-type'] ?? '');
  return {
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    queryParameters,
    pathParameters: {},
    body: bytes.length ? (text ? bytes.toString('utf8') : bytes.toString('base64')) : undefined,
    isBase64Encoded: bytes.length > 0 && !text,
    clientIP: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
  };
}

export function writeGatewayResult(res: http.ServerResponse, r: GatewayResult): void {
  const body = r.isBase64Encoded ? Buffer.from(r.body ?? '', 'base64') : Buffer.from(r.body ?? '', 'utf8');
  res.statusCode = r.statusCode;
  for (const [k, v] of Object.entries(r.headers ?? {})) if (k.toLowerCase() !== 'content-length' && v !== undefined) res.setHeader(k, v as string | string[]);
  res.setHeader('content-length', String(body.length));
  res.end(body);
}

export async function startLocalGateway(
  invoke: (event: GatewayEvent, context: FcContext) => Promise<GatewayResult>,
  port = 0,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    toGatewayEvent(req)
      .then((event) => invoke(event, fcContext()))
      .then((r) => writeGatewayResult(res, r))
      .catch((err) => {
        res.statusCode = 502;
        res.end(String((err as Error)?.message ?? err));
      });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const addr = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${addr.port}`, close: () => new Promise((r) => server.close(() => r())) };
}

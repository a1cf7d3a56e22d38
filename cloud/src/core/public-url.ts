/**
 * Outbound fetches of URLs staff typed (素材库 files sent to WeCom as media) must not reach the
 * server's own network: every address the socket may connect to must be public unicast.
 * Development and tests may allow loopback (the local simulator and this server serve test files).
 *
 * The check sits in the socket's own DNS lookup (`lookup` on a dedicated http(s) Agent): the
 * addresses checked are the addresses connected to, so a DNS answer that changes between a check
 * and the connection (rebinding) has nothing to slip through. A host written as an IP literal is
 * never looked up, so it is checked before the request. Redirects are followed here, one hop at a
 * time, each through the same agent. The agents keep no sockets alive, so a socket opened by
 * another part of the server (to an internal host) is never reused for a staff-typed URL.
 */
import * as dns from 'dns';
import * as http from 'http';
import * as https from 'https';
import type { LookupFunction } from 'net';
import * as ipaddr from 'ipaddr.js';

export function isPublicAddress(address: string, allowLoopback = false): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return range === 'unicast' || (allowLoopback && range === 'loopback');
}

export class NotPublicError extends Error {
  readonly code = 'ENOTPUBLIC';
  constructor(host: string) {
    super(`${host} is not a public address`);
  }
}

/** The resolver under the check (dns.lookup; tests pass one that answers differently each time). */
export type Resolve = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * A `net` lookup that fails unless every address the host resolves to is public: the socket
 * connects only to what this returns.
 */
export function publicOnlyLookup(allowLoopback: boolean, resolve: Resolve = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      const cb = callback as (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
      if (err) return cb(err, '', 0);
      if (!addresses.length || !addresses.every((a) => isPublicAddress(a.address, allowLoopback))) return cb(new NotPublicError(hostname), '', 0);
      if (options.all) return cb(null, addresses);
      return cb(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** Throws when the URL is not http(s) or its host is an IP literal that is not public. */
export function assertPublicUrl(url: URL, allowLoopback = false): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('only http(s) URLs');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host) && !isPublicAddress(host, allowLoopback)) throw new NotPublicError(host);
}

export interface PublicFetchOptions {
  allowLoopback: boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  resolve?: Resolve;
}

export interface PublicFetchResult {
  status: number;
  contentType: string;
  data: Buffer;
  /** The URL of the last hop (its path names the file). */
  url: URL;
}

/**
 * GET a URL typed by staff: public addresses only (checked when connecting, every redirect hop),
 * at most `maxBytes` of body (never buffers more), within `timeoutMs` in all.
 */
export async function fetchPublic(url: string, o: PublicFetchOptions): Promise<PublicFetchResult> {
  const lookup = publicOnlyLookup(o.allowLoopback, o.resolve);
  const agents = { 'http:': new http.Agent({ lookup, keepAlive: false }), 'https:': new https.Agent({ lookup, keepAlive: false }) };
  const signal = AbortSignal.timeout(o.timeoutMs);
  let u = new URL(url);
  try {
    for (let hop = 0; hop <= (o.maxRedirects ?? 3); hop++) {
      assertPublicUrl(u, o.allowLoopback);
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const get = u.protocol === 'https:' ? https.get : http.get;
        get(u, { agent: agents[u.protocol as 'http:' | 'https:'], signal, headers: { accept: '*/*' } }, resolve).on('error', reject);
      });
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        u = new URL(res.headers.location, u);
        continue;
      }
      if (Number(res.headers['content-length']) > o.maxBytes) {
        res.destroy();
        throw new Error('too large');
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > o.maxBytes) {
          res.destroy();
          throw new Error('too large');
        }
        chunks.push(chunk);
      }
      return { status, contentType: String(res.headers['content-type'] ?? 'application/octet-stream').split(';')[0], data: Buffer.concat(chunks), url: u };
    }
    throw new Error('too many redirects');
  } finally {
    agents['http:'].destroy();
    agents['https:'].destroy();
  }
}

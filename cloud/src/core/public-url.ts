/**
 * Outbound fetches of URLs staff typed (素材库 files sent to WeCom as media) must not reach the
 * server's own network: every address the host resolves to must be public unicast. Development and
 * tests may allow loopback (the local simulator and this server serve the test files).
 * A DNS answer could still change between this check and the connection (rebinding); the fetch
 * does not follow redirects on its own, so every hop is checked here.
 */
import { lookup } from 'dns/promises';
import * as ipaddr from 'ipaddr.js';

export function isPublicAddress(address: string, allowLoopback = false): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return range === 'unicast' || (allowLoopback && range === 'loopback');
}

/** Throws when the URL is not http(s) or its host resolves to any non-public address. */
export async function assertPublicUrl(url: URL, allowLoopback = false): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('only http(s) URLs');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  if (!addresses.length || !addresses.every((a) => isPublicAddress(a, allowLoopback))) throw new Error(`${host} is not a public address`);
}

/** TRUSTED_PROXIES: X-Forwarded-For counts only when it comes through a trusted proxy, hop by hop. */
import type { IncomingMessage } from 'http';
import { clientIpResolver } from '../src/core/client-ip.middleware';

const req = (peer: string, xff?: string) =>
  ({ socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;

test('no trusted proxies: the socket peer is the client, whatever the header says', () => {
  const ip = clientIpResolver([]);
  expect(ip(req('203.0.113.9', '1.2.3.4'))).toBe('203.0.113.9');
});

test('trusted balancer: its X-Forwarded-For names the client; a client cannot prepend its own', () => {
  const ip = clientIpResolver(['10.0.0.0/8']);
  expect(ip(req('10.1.2.3', '198.51.100.7'))).toBe('198.51.100.7');
  // the client sent "X-Forwarded-For: 1.2.3.4" itself; the balancer appended the real peer
  expect(ip(req('10.1.2.3', '1.2.3.4, 198.51.100.7'))).toBe('198.51.100.7');
  // from outside the trusted range the header is ignored
  expect(ip(req('203.0.113.9', '1.2.3.4'))).toBe('203.0.113.9');
  // a chain of trusted hops is walked back to the first untrusted address
  expect(ip(req('10.1.2.3', '198.51.100.7, 10.9.9.9'))).toBe('198.51.100.7');
});

/** Staff-typed URLs the server fetches (素材库 media) must not reach its own network. */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { LookupAddress } from 'dns';
import { assertPublicUrl, fetchPublic, isPublicAddress, type Resolve } from '../../src/core/public-url';

test('only public unicast addresses pass; loopback only when allowed (development and tests)', () => {
  for (const a of [
    '10.0.0.5',
    '172.16.3.4',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    'fd00::1',
    'fe80::1',
    '::',
    '::ffff:10.0.0.1',
    'not-an-ip',
  ]) {
    expect([a, isPublicAddress(a, true)]).toEqual([a, false]);
  }
  expect(isPublicAddress('127.0.0.1')).toBe(false);
  expect(isPublicAddress('::1')).toBe(false);
  expect(isPublicAddress('127.0.0.1', true)).toBe(true);
  expect(isPublicAddress('::ffff:127.0.0.1', true)).toBe(true);
  for (const a of ['8.8.8.8', '203.119.24.1', '2400:3200::1', '::ffff:8.8.4.4']) expect([a, isPublicAddress(a)]).toEqual([a, true]);
});

test('URLs: IP literals that are not public and other schemes are refused before connecting', () => {
  expect(() => assertPublicUrl(new URL('http://169.254.169.254/latest/meta-data/'))).toThrow(/not a public address/);
  expect(() => assertPublicUrl(new URL('http://[::1]:7001/x'))).toThrow(/not a public address/);
  expect(() => assertPublicUrl(new URL('file:///etc/passwd'))).toThrow(/http/);
  expect(() => assertPublicUrl(new URL('http://127.0.0.1:7001/api/files/a.jpg'), true)).not.toThrow();
  expect(() => assertPublicUrl(new URL('https://8.8.8.8/a.png'))).not.toThrow();
});

describe('fetching: the address checked is the address connected to', () => {
  let server: http.Server;
  let port = 0;
  const hits: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(`${req.headers.host}${req.url}`);
      if (req.url === '/poster.png') res.writeHead(200, { 'content-type': 'image/png; x=1' }).end(Buffer.alloc(64, 1));
      else if (req.url === '/to-private') res.writeHead(302, { location: 'http://10.0.0.7/secret' }).end();
      else if (req.url === '/to-metadata-name') res.writeHead(301, { location: 'http://metadata.example/latest/meta-data/' }).end();
      else if (req.url === '/to-poster') res.writeHead(302, { location: '/poster.png' }).end();
      else if (req.url === '/big') res.writeHead(200).end(Buffer.alloc(10_000));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    hits.length = 0;
  });

  /** A DNS server stand-in: each name answers the next address of its list on every lookup. */
  function dnsAnswers(table: Record<string, string[]>): Resolve & { asked: string[] } {
    const asked: string[] = [];
    const resolve = ((hostname: string, _o: unknown, cb: (err: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) => {
      asked.push(hostname);
      const list = table[hostname];
      if (!list) return cb(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      const address = list.length > 1 ? list.shift()! : list[0];
      setImmediate(() => cb(null, [{ address, family: address.includes(':') ? 6 : 4 }]));
    }) as Resolve & { asked: string[] };
    resolve.asked = asked;
    return resolve;
  }

  test('a name that resolves to a private address when connecting is refused, and nothing is sent', async () => {
    // the rebinding trick: public for whoever checks first, loopback when the socket connects
    const resolve = dnsAnswers({ 'rebind.example': ['8.8.8.8', '127.0.0.1'] });
    resolve('rebind.example', { all: true }, () => undefined); // a check made before connecting would see 8.8.8.8
    await expect(fetchPublic(`http://rebind.example:${port}/poster.png`, { allowLoopback: false, maxBytes: 1000, timeoutMs: 5000, resolve })).rejects.toThrow(
      /rebind.example is not a public address/,
    );
    expect(resolve.asked).toEqual(['rebind.example', 'rebind.example']);
    expect(hits).toEqual([]);
  });

  test('the socket connects to what the checked lookup answered (a made-up name reaches the loopback server when loopback is allowed)', async () => {
    const resolve = dnsAnswers({ 'files.example': ['127.0.0.1'] });
    const res = await fetchPublic(`http://files.example:${port}/to-poster`, { allowLoopback: true, maxBytes: 1000, timeoutMs: 5000, resolve });
    expect(res).toMatchObject({ status: 200, contentType: 'image/png' });
    expect(res.data).toEqual(Buffer.alloc(64, 1));
    expect(res.url.pathname).toBe('/poster.png');
    expect(hits).toEqual([`files.example:${port}/to-poster`, `files.example:${port}/poster.png`]);
    // without loopback allowed the same name is refused
    await expect(fetchPublic(`http://files.example:${port}/poster.png`, { allowLoopback: false, maxBytes: 1000, timeoutMs: 5000, resolve })).rejects.toThrow(
      /not a public address/,
    );
  });

  test('every redirect hop is checked: to a private IP literal, to a name that resolves to the metadata address', async () => {
    const resolve = dnsAnswers({ 'files.example': ['127.0.0.1'], 'metadata.example': ['169.254.169.254'] });
    await expect(fetchPublic(`http://files.example:${port}/to-private`, { allowLoopback: true, maxBytes: 1000, timeoutMs: 5000, resolve })).rejects.toThrow(
      /10.0.0.7 is not a public address/,
    );
    await expect(
      fetchPublic(`http://files.example:${port}/to-metadata-name`, { allowLoopback: true, maxBytes: 1000, timeoutMs: 5000, resolve }),
    ).rejects.toThrow(/metadata.example is not a public address/);
    expect(resolve.asked.filter((h) => h === 'metadata.example')).toHaveLength(1);
  });

  test('a body over the limit is refused', async () => {
    const resolve = dnsAnswers({ 'files.example': ['127.0.0.1'] });
    await expect(fetchPublic(`http://files.example:${port}/big`, { allowLoopback: true, maxBytes: 1000, timeoutMs: 5000, resolve })).rejects.toThrow(
      /too large/,
    );
  });
});

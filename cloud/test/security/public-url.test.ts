/** Staff-typed URLs the server fetches (素材库 media) must not reach its own network. */
import { assertPublicUrl, isPublicAddress } from '../../src/core/public-url';

test('only public unicast addresses pass; loopback only when allowed (development and tests)', () => {
  for (const a of ['10.0.0.5', '172.16.3.4', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', 'fd00::1', 'fe80::1', '::', '::ffff:10.0.0.1', 'not-an-ip']) {
    expect([a, isPublicAddress(a, true)]).toEqual([a, false]);
  }
  expect(isPublicAddress('127.0.0.1')).toBe(false);
  expect(isPublicAddress('::1')).toBe(false);
  expect(isPublicAddress('127.0.0.1', true)).toBe(true);
  expect(isPublicAddress('::ffff:127.0.0.1', true)).toBe(true);
  for (const a of ['8.8.8.8', '203.119.24.1', '2400:3200::1', '::ffff:8.8.4.4']) expect([a, isPublicAddress(a)]).toEqual([a, true]);
});

test('URLs: the metadata address, a private host and other schemes are refused', async () => {
  await expect(assertPublicUrl(new URL('http://169.254.169.254/latest/meta-data/'))).rejects.toThrow(/not a public address/);
  await expect(assertPublicUrl(new URL('http://[::1]:7001/x'))).rejects.toThrow(/not a public address/);
  await expect(assertPublicUrl(new URL('http://localhost:7001/x'))).rejects.toThrow(/not a public address/);
  await expect(assertPublicUrl(new URL('file:///etc/passwd'))).rejects.toThrow(/http/);
  await expect(assertPublicUrl(new URL('http://127.0.0.1:7001/api/files/a.jpg'), true)).resolves.toBeUndefined();
  await expect(assertPublicUrl(new URL('https://8.8.8.8/a.png'))).resolves.toBeUndefined();
});

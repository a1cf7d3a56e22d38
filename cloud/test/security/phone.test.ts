/**
 * Phone numbers at rest: AES-256-GCM ciphertext with its key id plus a keyed digest; found by the
 * whole number only; masked in lists; the full number only through an audited reveal for HQ and the
 * member's own store manager; existing clear numbers are migrated; a new key re-encrypts old rows;
 * account deletion erases both columns.
 */
import { createHash } from 'crypto';
import { identity } from '../../../contracts';
import { CURRENT_PRIVACY_VERSION } from '../../../contracts/identity';
import { JobRunner } from '../../src/core/jobs';
import { decryptPii, encryptPii, parseKeyring, phoneDigest } from '../../src/core/pii';
import { Member } from '../../src/modules/identity/entities/member.entity';
import { PhoneAccess } from '../../src/modules/identity/entities/phone-access.entity';
import { encryptClearPhones } from '../../src/modules/identity/phone';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeMember, makeStaff, makeStore } from '../helpers/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function staffToken(role: 'hq_admin' | 'store_manager' | 'group_owner', storeId: number | null) {
  const s = await makeStaff(t, { role, storeId });
  return (await t.client().call(identity.staffLogin, { body: { username: s.username, password: s.password } })).token;
}

const raw = async (id: number) =>
  (await (await db(t)).manager.query('SELECT phone, phone_enc, phone_digest FROM member WHERE id = ?', [id]))[0] as {
    phone: string | null;
    phone_enc: string | null;
    phone_digest: string | null;
  };

test('ciphertext with a key id, and a digest, in the database; the clear number nowhere', async () => {
  const m = await makeMember(t, { phone: '13900001111' });
  const r = await raw(m.id);
  expect(r.phone).toBeNull();
  expect(r.phone_enc).toMatch(/^v1\.dev\.[A-Za-z0-9_-]+$/);
  expect(r.phone_enc).not.toContain('1390000');
  expect(r.phone_digest).toBe(phoneDigest('13900001111'));
  // two encryptions of one number differ (random IV): equal numbers are not visible as equal
  expect(encryptPii('13900001111')).not.toBe(encryptPii('13900001111'));
  expect((await (await db(t)).manager.findOneByOrFail(Member, { id: m.id })).phone).toBe('13900001111');
});

test('tampered ciphertext or an unknown key id is refused, not read as garbage', () => {
  const enc = encryptPii('13900002222')!;
  // a character well inside the payload (the last base64 characters may only carry padding bits)
  const at = enc.length - 8;
  const flipped = enc.slice(0, at) + (enc[at] === 'A' ? 'B' : 'A') + enc.slice(at + 1);
  expect(() => decryptPii(flipped)).toThrow();
  expect(() => decryptPii(enc.replace('v1.dev.', 'v1.gone.'))).toThrow(/unknown key/);
  expect(() => parseKeyring('short:AAAA')).toThrow(/32 bytes/);
});

test('lists mask; the full number only through the audited reveal, in scope', async () => {
  const a = await makeStore(t);
  const b = await makeStore(t);
  const m = await makeMember(t, { storeId: a.id, nickname: '号码测试', phone: '13700003333' });
  const hq = await staffToken('hq_admin', null);
  const mgrA = await staffToken('store_manager', a.id);
  const mgrB = await staffToken('store_manager', b.id);
  const owner = await staffToken('group_owner', a.id);
  const list = await t.client(mgrA).call(identity.listMembers, { query: { q: '13700003333' } });
  expect(list.items.map((i) => [i.id, i.phoneMasked])).toEqual([[m.id, '137****3333']]);
  expect(JSON.stringify(list)).not.toContain('13700003333');
  const d = await db(t);
  const before = await d.manager.count(PhoneAccess);
  await expect(t.client(mgrB).call(identity.revealMemberPhone, { params: { memberId: m.id }, body: { reason: '回访' } })).rejects.toMatchObject({
    status: 404,
  });
  await expect(t.client(owner).call(identity.revealMemberPhone, { params: { memberId: m.id }, body: { reason: '回访' } })).rejects.toMatchObject({
    status: 403,
  });
  expect(await d.manager.count(PhoneAccess)).toBe(before);
  expect(await t.client(mgrA).call(identity.revealMemberPhone, { params: { memberId: m.id }, body: { reason: '电话回访预订' } })).toEqual({
    phone: '13700003333',
  });
  expect(await t.client(hq).call(identity.revealMemberPhone, { params: { memberId: m.id }, body: { reason: '投诉处理' } })).toEqual({ phone: '13700003333' });
  const log = await d.manager.find(PhoneAccess, { where: { memberId: m.id }, order: { id: 'ASC' } });
  expect(log.map((l) => l.reason)).toEqual(['电话回访预订', '投诉处理']);
});

test('clear numbers from before are encrypted by the migration step', async () => {
  const m = await makeMember(t);
  const d = await db(t);
  await d.manager.query('UPDATE member SET phone = ?, phone_enc = NULL, phone_digest = NULL WHERE id = ?', ['13600004444', m.id]);
  expect(await encryptClearPhones(d.manager)).toBeGreaterThanOrEqual(1);
  const r = await raw(m.id);
  expect(r.phone).toBeNull();
  expect(decryptPii(r.phone_enc)).toBe('13600004444');
  expect(r.phone_digest).toBe(phoneDigest('13600004444'));
});

test('a new key: old rows still read, and the job re-encrypts them under it', async () => {
  const m = await makeMember(t, { phone: '13500005555' });
  const saved = process.env.PII_ENC_KEYS;
  const devKey = createHash('sha256').update('dev-pii-encryption-key-change-me').digest('base64');
  process.env.PII_ENC_KEYS = `k2:${Buffer.alloc(32, 9).toString('base64')},dev:${devKey}`;
  try {
    expect((await raw(m.id)).phone_enc).toMatch(/^v1\.dev\./);
    await (await t.container.getAsync(JobRunner)).runNow('identity.pii-rekey');
    const r = await raw(m.id);
    expect(r.phone_enc).toMatch(/^v1\.k2\./);
    expect((await (await db(t)).manager.findOneByOrFail(Member, { id: m.id })).phone).toBe('13500005555');
  } finally {
    if (saved === undefined) delete process.env.PII_ENC_KEYS;
    else process.env.PII_ENC_KEYS = saved;
  }
});

test('the member sees their own number; deleting the account erases ciphertext and digest', async () => {
  const { code } = await t.wechatCode();
  const { token, member } = await t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } });
  await (await db(t)).manager.update(Member, { id: member.id }, { phone: '13400006666', phoneDigest: phoneDigest('13400006666') });
  expect((await t.client(token).call(identity.getMyData)).member.phone).toBe('13400006666');
  await t.client(token).call(identity.deleteMe, { body: { confirm: true } });
  expect(await raw(member.id)).toEqual({ phone: null, phone_enc: null, phone_digest: null });
});

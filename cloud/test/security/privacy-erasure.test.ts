/**
 * Account deletion erases the member's uploads (full size and thumbnail: their URLs answer 404) and
 * their voter IPs; IPs older than 30 days are dropped by a job; uploads have a per-member quota
 * counted in the database.
 */
import { contest as api, identity } from '../../../contracts';
import { ContestVote } from '../../src/modules/contest/entities/vote.entity';
import { ReferralAttribution } from '../../src/modules/referral/entities/referral.entity';
import { Upload } from '../../src/modules/uploads/entities/upload.entity';
import { UPLOAD_QUOTA } from '../../src/modules/uploads/upload.service';
import { approvedEntry, drain, jpeg, memberToken, publishedContest, runJob, staffToken, upload } from '../contest/kit';
import { startTestApp, type TestApp } from '../helpers/app';
import { db } from '../helpers/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

test('deleting the account erases every photo and thumbnail: the URLs answer 404 afterwards', async () => {
  const m = await memberToken(t);
  const a = await upload(t, m.token, await jpeg(800, 600));
  const b = await upload(t, m.token, await jpeg(300, 300, '#36c'));
  const urls = [a.body.url, a.body.thumbUrl, b.body.url, b.body.thumbUrl] as string[];
  for (const u of urls) expect((await t.http().get(u)).status).toBe(200);
  // someone else's photo stays
  const other = await memberToken(t);
  const kept = await upload(t, other.token, await jpeg());

  await t.client(m.token).call(identity.deleteMe, { body: { confirm: true } });
  await drain(t);
  for (const u of urls) expect([u, (await t.http().get(u)).status]).toEqual([u, 404]);
  expect(await (await db(t)).manager.count(Upload, { where: { ownerType: 'member', ownerId: m.id } })).toBe(0);
  expect((await t.http().get(kept.body.url)).status).toBe(200);
});

test('voter IPs: erased with the account, and dropped after 30 days for everyone', async () => {
  const ops = await staffToken(t, 'hq_admin');
  const c = await publishedContest(t, ops.token);
  const { entry } = await approvedEntry(t, c.id);
  const voterA = await memberToken(t);
  const voterB = await memberToken(t);
  await t.http().post(`/api/entries/${entry.id}/votes`).set('authorization', `Bearer ${voterA.token}`).set('x-forwarded-for', '1.2.3.4').send({});
  await t.client(voterB.token).call(api.castVote, { params: { entryId: entry.id } });
  await drain(t);
  const d = await db(t);
  const ipOf = async (memberId: number) => (await d.manager.findOneByOrFail(ContestVote, { memberId })).ip;
  expect(await ipOf(voterA.id)).not.toBeNull();
  await t.client(voterA.token).call(identity.deleteMe, { body: { confirm: true } });
  await drain(t);
  expect(await ipOf(voterA.id)).toBeNull();

  expect(await ipOf(voterB.id)).not.toBeNull();
  await runJob(t, 'contest.vote-ip-retention', new Date(Date.now() + 29 * 86_400_000));
  expect(await ipOf(voterB.id)).not.toBeNull();
  await runJob(t, 'contest.vote-ip-retention', new Date(Date.now() + 31 * 86_400_000));
  expect(await ipOf(voterB.id)).toBeNull();
});

test('uploads per member are capped per hour (counted in the database), before the bytes are read', async () => {
  const m = await memberToken(t);
  const d = await db(t);
  const now = new Date();
  await d.manager.insert(
    Upload,
    Array.from({ length: UPLOAD_QUOTA.member.perHour }, (_, i) => ({
      name: `${String(i).padStart(2, '0')}${'a'.repeat(22)}.jpg`,
      thumbName: null,
      mime: 'image/jpeg',
      bytes: 1,
      width: 1,
      height: 1,
      kind: 'image' as const,
      ownerType: 'member' as const,
      ownerId: m.id,
      createdAt: now,
    })),
  );
  const res = await upload(t, m.token, await jpeg());
  expect([res.status, res.body.code]).toEqual([429, 'RATE_LIMITED']);
  // another member is unaffected
  expect((await upload(t, (await memberToken(t)).token, await jpeg())).status).toBe(200);
});

test('an invitee IP kept for the referral same-address rule is dropped after 30 days', async () => {
  const d = await db(t);
  const m = await memberToken(t);
  await d.manager.insert(ReferralAttribution, {
    memberId: m.id,
    storeId: null,
    source: 'organic',
    referrerId: null,
    touchId: null,
    shareId: null,
    detail: null,
    exclusion: null,
    deviceId: 'dev-1',
    ip: '1.2.3.4',
    registeredAt: new Date(),
    touchedAt: null,
    convertedAt: null,
    conversion: null,
    conversionRef: null,
  });
  const ipOf = async () => (await d.manager.findOneByOrFail(ReferralAttribution, { memberId: m.id })).ip;
  await runJob(t, 'referral.ip-retention', new Date(Date.now() + 29 * 86_400_000));
  expect(await ipOf()).toBe('1.2.3.4');
  await runJob(t, 'referral.ip-retention', new Date(Date.now() + 31 * 86_400_000));
  expect(await ipOf()).toBeNull();
});

/**
 * The class door code turns: it is HMAC-signed with SIGNING_SECRET over the session and a time step,
 * accepted within a short window (plus clock skew), and refused afterwards — a screenshot from
 * yesterday, the fixed QR of earlier releases or a code moved to another session checks nobody in.
 */
import * as api from '../../../contracts/classes';
import { ClassSession } from '../../src/modules/classes/entities/class-session.entity';
import { doorStep, parseCheckInCode, signDoorCode, verifyDoorCode } from '../../src/modules/classes/codes';
import { ClassesSettings } from '../../src/modules/classes/settings';
import { CheckInService } from '../../src/modules/classes/checkin.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeStore } from '../helpers/fixtures';
import { classBody, memberToken, staffToken } from '../classes/kit';

const rule = { periodSeconds: 30, skewSeconds: 20 };
const secret = 'a-long-enough-signing-secret';

describe('door code (pure)', () => {
  const t0 = Date.UTC(2026, 11, 5, 10, 0, 0);
  const code = (at: number, sessionId = 7, token = 'session-token-aaaaaaaa', key = secret) => {
    const parsed = parseCheckInCode(signDoorCode(key, sessionId, token, at, rule).qrPayload);
    if (parsed?.kind !== 'door') throw new Error('not a door code');
    return parsed;
  };

  test('valid during its period and within the skew either side; expired after', () => {
    const c = code(t0);
    const start = doorStep(t0, rule) * 30_000;
    expect(verifyDoorCode(secret, c, 'session-token-aaaaaaaa', t0, rule)).toBe('ok');
    expect(verifyDoorCode(secret, c, 'session-token-aaaaaaaa', start + 30_000 + 19_000, rule)).toBe('ok');
    expect(verifyDoorCode(secret, c, 'session-token-aaaaaaaa', start - 19_000, rule)).toBe('ok');
    expect(verifyDoorCode(secret, c, 'session-token-aaaaaaaa', start + 30_000 + 21_000, rule)).toBe('expired');
    expect(verifyDoorCode(secret, c, 'session-token-aaaaaaaa', start - 21_000, rule)).toBe('expired');
    // yesterday's screenshot
    expect(verifyDoorCode(secret, code(t0 - 86_400_000), 'session-token-aaaaaaaa', t0, rule)).toBe('expired');
  });

  test('it changes every period and cannot be forged, moved or re-dated', () => {
    const a = signDoorCode(secret, 7, 'tok-aaaaaaaaaaaaaaaa', t0, rule);
    const b = signDoorCode(secret, 7, 'tok-aaaaaaaaaaaaaaaa', t0 + 30_000, rule);
    expect(a.qrPayload).not.toBe(b.qrPayload);
    expect(b.refreshAt - a.refreshAt).toBe(30_000);
    expect(a.refreshAt).toBeGreaterThan(t0);
    expect(a.refreshAt - t0).toBeLessThanOrEqual(30_000);
    const c = code(t0, 7, 'tok-aaaaaaaaaaaaaaaa');
    expect(verifyDoorCode('another-secret-of-length', c, 'tok-aaaaaaaaaaaaaaaa', t0, rule)).toBe('forged');
    expect(verifyDoorCode(secret, { ...c, sessionId: 8 }, 'tok-aaaaaaaaaaaaaaaa', t0, rule)).toBe('forged');
    expect(verifyDoorCode(secret, { ...c, step: c.step + 2 }, 'tok-aaaaaaaaaaaaaaaa', t0 + 60_000, rule)).toBe('forged');
    expect(verifyDoorCode(secret, c, 'tok-bbbbbbbbbbbbbbbb', t0, rule)).toBe('forged');
    expect(verifyDoorCode(secret, { ...c, mac: c.mac.slice(0, 21) }, 'tok-aaaaaaaaaaaaaaaa', t0, rule)).toBe('forged');
    // the fixed QR of earlier releases and junk after the prefix are not door codes
    expect(parseCheckInCode('hubclass:s:AbCdEfGhIjKlMnOpQrStUvWx')).toEqual({ kind: 'stale_door' });
    expect(parseCheckInCode('hubclass:s:../../etc')).toEqual({ kind: 'stale_door' });
    expect(parseCheckInCode('hubclass:s:0.1.AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
  });
});

describe('door code (API)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 180_000);
  afterAll(() => t?.close());

  test('the ops screen gets a fresh signed code; members check in with it, not with an old or foreign one', async () => {
    const store = await makeStore(t);
    const other = await makeStore(t);
    const manager = await staffToken(t, 'store_manager', store.id);
    const outsider = await staffToken(t, 'store_manager', other.id);
    const created = (await t
      .client(manager.token)
      .call(api.opsCreateClass, { body: classBody(store.id, { inMinutes: 30, registrationClosesMinutesBefore: 0 }) })) as {
      sessions: Array<{ id: number }>;
    };
    const second = (await t
      .client(manager.token)
      .call(api.opsCreateClass, { body: classBody(store.id, { inMinutes: 40, registrationClosesMinutesBefore: 0 }) })) as {
      sessions: Array<{ id: number }>;
    };
    const sessionId = created.sessions[0].id;
    const [a, b, c] = await Promise.all([memberToken(t), memberToken(t), memberToken(t)]);
    for (const m of [a, b, c]) await t.client(m.token).call(api.register, { params: { sessionId }, body: { adults: 1 } });
    await t.client(c.token).call(api.register, { params: { sessionId: second.sessions[0].id }, body: { adults: 1 } });

    const before = Date.now();
    const door = await t.client(manager.token).call(api.opsSessionCode, { params: { sessionId } });
    expect(door.qrPayload).toMatch(new RegExp(`^hubclass:s:${sessionId}\\.\\d+\\.[A-Za-z0-9_-]{22}$`));
    const settings = await t.container.getAsync(ClassesSettings);
    const period = settings.doorCodeRule().periodSeconds;
    expect(Date.parse(door.refreshAt)).toBeGreaterThan(before - 1000);
    expect(door.refreshInSeconds).toBeLessThanOrEqual(period);
    // another store's manager does not get it
    await expect(t.client(outsider.token).call(api.opsSessionCode, { params: { sessionId } })).rejects.toMatchObject({ status: 404 });

    expect(await t.client(a.token).call(api.memberCheckIn, { body: { code: door.qrPayload } })).toMatchObject({ result: 'checked_in', method: 'member_scan' });

    // yesterday's screenshot: genuinely signed, but for a step long gone
    const token = (await (await db(t)).manager.findOneByOrFail(ClassSession, { id: sessionId })).checkinToken;
    const yesterday = signDoorCode(settings.signingSecret(), sessionId, token, Date.now() - 86_400_000, settings.doorCodeRule()).qrPayload;
    await expect(t.client(b.token).call(api.memberCheckIn, { body: { code: yesterday } })).rejects.toMatchObject({
      status: 410,
      code: 'CLASS_CHECKIN_CODE_EXPIRED',
    });
    // the fixed QR earlier releases printed
    await expect(t.client(b.token).call(api.memberCheckIn, { body: { code: `hubclass:s:${token}` } })).rejects.toMatchObject({
      status: 410,
      code: 'CLASS_CHECKIN_CODE_EXPIRED',
    });
    // this session's signature on another session's id
    const moved = door.qrPayload.replace(`hubclass:s:${sessionId}.`, `hubclass:s:${second.sessions[0].id}.`);
    await expect(t.client(c.token).call(api.memberCheckIn, { body: { code: moved } })).rejects.toMatchObject({
      status: 404,
      code: 'CLASS_CHECKIN_CODE_INVALID',
    });
    // a code photographed now stops working a period and the skew later
    const checkin = await t.container.getAsync(CheckInService);
    const later = new Date(Date.parse(door.refreshAt) + settings.doorCodeRule().skewSeconds * 1000 + 1000);
    await expect(checkin.byMember(b.id, door.qrPayload, later)).rejects.toMatchObject({ code: 'CLASS_CHECKIN_CODE_EXPIRED' });
    // the next code shown at the door works
    const next = signDoorCode(settings.signingSecret(), sessionId, token, later.getTime(), settings.doorCodeRule()).qrPayload;
    expect(await checkin.byMember(b.id, next, later)).toMatchObject({ result: 'checked_in' });
    // staff cannot use a door code as a member's code
    await expect(t.client(manager.token).call(api.opsCheckIn, { body: { code: door.qrPayload } })).rejects.toMatchObject({
      code: 'CLASS_CHECKIN_CODE_INVALID',
    });
  }, 120_000);
});

/**
 * Classes screens (issue 5), part 1: the 课程 tab, the session list (by date / store, seats left,
 * the member's own status) and the session page with the household registration, the subscribe
 * dialog on the register tap (weapp only) and the waitlist.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
// the stand-in's record of useShareAppMessage handlers (tests/miniprogram/stubs/taro.ts)
import { shareHandlers } from './stubs/taro';
import ClassesTab from '../../src/pages/classes/index';
import ClassListPage from '../../src/packages/classes/list/index';
import ClassDetailPage from '../../src/packages/classes/detail/index';
import { addDays, ymdOf } from '../../src/packages/classes/shared/format';
import { setToken } from '../../src/api/client';
import { resetSessionForTests } from '../../src/api/session';
import { installFakeApi, sampleMember } from './fakeApi';
import { __storage } from './stubs/taro';
import { blockedStanding, familyDetail, freeStanding, installTaroExtras, registration, sessionCard, sessionDetail, templates } from './classes-fixtures';

jest.mock('@tarojs/components', () => {
  const actual = jest.requireActual('@tarojs/components');
  const React = jest.requireActual('react');
  const field = (tag: string) => (props: Record<string, any>) =>
    React.createElement(tag, {
      'data-testid': props['data-testid'],
      className: props.className,
      value: props.value ?? '',
      placeholder: props.placeholder,
      onChange: (e: { target: { value: string } }) => props.onInput?.({ detail: { value: e.target.value } }),
    });
  return { ...actual, Input: field('input'), Textarea: field('textarea') };
});

const me = { 'GET /api/me': [200, sampleMember] as [number, unknown] };

beforeEach(() => {
  __storage.clear();
  resetSessionForTests();
  process.env.TARO_ENV = 'weapp';
  setToken('tok-7');
});

describe('课程 tab', () => {
  it('opens the session list and 我的活动 in the classes subpackage', () => {
    installTaroExtras();
    render(<ClassesTab />);
    expect(screen.queryByText('即将上线')).toBeNull();
    fireEvent.click(screen.getByTestId('classes-entry-list'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/classes/list/index' });
    fireEvent.click(screen.getByTestId('classes-entry-mine'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/classes/mine/index' });
  });
});

describe('session list', () => {
  const sessions = [
    sessionCard(),
    sessionCard({
      id: 12,
      title: '小小面点师',
      type: 'family_event',
      startsAt: '2026-11-26T06:00:00.000Z',
      endsAt: '2026-11-26T07:30:00.000Z',
      adultSeats: 6,
      childSeats: 6,
      adultSeatsLeft: 0,
      childSeatsLeft: 0,
      waitlistCount: 2,
      myRegistration: { id: 90, status: 'waitlisted', waitlistPosition: 3 },
    }),
    // 23:30 on 27 Nov UTC is 07:30 on 28 Nov in Shanghai: grouped under the 28th.
    sessionCard({
      id: 13,
      title: '妈妈早茶会',
      type: 'community_ritual',
      startsAt: '2026-11-27T23:30:00.000Z',
      endsAt: '2026-11-28T01:00:00.000Z',
      isSeries: true,
    }),
  ];

  it('groups sessions by Shanghai day with seats left, waitlist and the member’s status', async () => {
    const fake = installFakeApi({
      ...me,
      'GET /api/classes/stores': [200, { items: [{ id: 1, name: '滨江店', upcomingSessions: 3 }] }],
      'GET /api/classes/me/standing': [200, freeStanding],
      'GET /api/classes/sessions': [200, { items: sessions }],
    });
    installTaroExtras();
    render(<ClassListPage />);
    expect((await screen.findByTestId('session-seats-11')).textContent).toBe('成人余4位');
    expect(screen.getByTestId('session-seats-12').textContent).toBe('成人已满 · 儿童已满 · 2户候补中');
    expect(screen.getByTestId('session-mine-12').textContent).toBe('候补第3位');
    expect(screen.getByTestId('day-group-2026-11-26').textContent).toContain('11月26日 周四');
    expect(screen.getByTestId('day-group-2026-11-26').textContent).toContain('10:00–11:30');
    expect(screen.getByTestId('day-group-2026-11-28').textContent).toContain('妈妈早茶会');
    expect(screen.getByTestId('day-group-2026-11-28').textContent).toContain('07:30–09:00');
    expect(screen.queryByTestId('classes-blocked')).toBeNull();

    const first = fake.callsTo('GET /api/classes/sessions')[0];
    expect(first.url).toContain(`from=${ymdOf()}`);
    expect(first.url).toContain('days=14');
    expect(first.headers.authorization).toBe('Bearer tok-7');

    fireEvent.click(screen.getByTestId('session-card-12'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/classes/detail/index?id=12' });
  });

  it('filters by day, store and type through the query', async () => {
    const fake = installFakeApi({
      ...me,
      'GET /api/classes/stores': [
        200,
        {
          items: [
            { id: 1, name: '滨江店', upcomingSessions: 3 },
            { id: 2, name: '幸福里店', upcomingSessions: 1 },
          ],
        },
      ],
      'GET /api/classes/me/standing': [200, freeStanding],
      'GET /api/classes/sessions': [200, { items: [] }],
    });
    installTaroExtras();
    render(<ClassListPage />);
    expect(await screen.findByTestId('classes-empty')).toBeTruthy();

    const tomorrow = addDays(ymdOf(), 1);
    fireEvent.click(screen.getByTestId(`day-${tomorrow}`));
    await waitFor(() => expect(fake.callsTo('GET /api/classes/sessions')).toHaveLength(2));
    expect(fake.callsTo('GET /api/classes/sessions')[1].url).toMatch(new RegExp(`from=${tomorrow}&days=1$`));

    fireEvent.click(await screen.findByTestId('store-chip-2'));
    await waitFor(() => expect(fake.callsTo('GET /api/classes/sessions')).toHaveLength(3));
    expect(fake.callsTo('GET /api/classes/sessions')[2].url).toContain('storeId=2');

    fireEvent.click(screen.getByTestId('type-chip-family_event'));
    await waitFor(() => expect(fake.callsTo('GET /api/classes/sessions')).toHaveLength(4));
    expect(fake.callsTo('GET /api/classes/sessions')[3].url).toContain('type=family_event');
    expect(screen.getByTestId('classes-empty').textContent).toContain('没有安排活动');
  });

  it('shows why a member with no-shows cannot register', async () => {
    installFakeApi({
      ...me,
      'GET /api/classes/stores': [200, { items: [] }],
      'GET /api/classes/me/standing': [200, blockedStanding],
      'GET /api/classes/sessions': [200, { items: sessions }],
    });
    installTaroExtras();
    render(<ClassListPage />);
    expect((await screen.findByTestId('classes-blocked')).textContent).toContain('60天内有2次报名未到场，2026-12-21 前暂不能报名');
  });
});

describe('session page and registration', () => {
  it('weapp: the register tap asks for the reminder templates and passes what was accepted', async () => {
    const fake = installFakeApi({
      ...me,
      'GET /api/classes/sessions/11': [200, sessionDetail()],
      'GET /api/classes/me/standing': [200, freeStanding],
      'GET /api/classes/subscribe-templates': [200, templates],
      'POST /api/classes/sessions/11/registrations': [200, registration({ subscriptions: { reminder24h: true, reminder2h: false, promoted: false } })],
    });
    const extras = installTaroExtras({ id: '11' });
    extras.requestSubscribeMessage.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-24h': 'accept', 'tmpl-2h': 'reject' });
    render(<ClassDetailPage />);
    expect((await screen.findByTestId('detail-title')).textContent).toBe('共享厨房·手工水饺');
    expect(screen.getByTestId('detail-when').textContent).toBe('11月26日 周四 10:00–11:30');
    await waitFor(() => expect(fake.callsTo('GET /api/classes/subscribe-templates')).toHaveLength(1));

    fireEvent.click(screen.getByTestId('adults-plus'));
    expect(screen.getByTestId('adults-value').textContent).toBe('2');
    expect(screen.queryByTestId('children-plus')).toBeNull(); // no child seats in this class
    expect(screen.getByTestId('register-submit').textContent).toBe('立即报名');
    fireEvent.click(screen.getByTestId('register-submit'));

    expect(extras.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: ['tmpl-24h', 'tmpl-2h'] });
    expect((await screen.findByTestId('register-result')).textContent).toContain('报名成功');
    const [call] = fake.callsTo('POST /api/classes/sessions/11/registrations');
    expect(call.body).toEqual({ adults: 2, children: 0, childAges: [], subscribe: { reminder24h: true, reminder2h: false, promoted: false } });
    fireEvent.click(screen.getByTestId('register-go-mine'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/classes/mine/index' });
  });

  it('an arrival from a card is recorded; the share card asks for a signed token only when the member shares', async () => {
    const fake = installFakeApi({
      ...me,
      'GET /api/classes/sessions/11': [200, sessionDetail()],
      'GET /api/classes/me/standing': [200, freeStanding],
      'POST /api/referral/opens': [200, { ok: true, sharerName: '王阿姨', kind: 'class' }],
      'POST /api/referral/shares': [
        200,
        { token: 's.9.Sig', path: '/packages/classes/detail/index?id=11&rt=s.9.Sig', scene: 't=s.9.Sig', title: '王阿姨分享给你', wxacodeUrl: null },
      ],
    });
    installTaroExtras({ id: '11', rt: 'n.4.Abc' });
    render(<ClassDetailPage />);
    expect((await screen.findByTestId('detail-title')).textContent).toBe('共享厨房·手工水饺');
    await waitFor(() => expect(fake.callsTo('POST /api/referral/opens').map((c) => (c.body as { token: string }).token)).toEqual(['n.4.Abc']));
    // viewing the page makes no share; sharing does
    expect(fake.callsTo('POST /api/referral/shares')).toHaveLength(0);
    const card = shareHandlers[shareHandlers.length - 1]();
    expect(card).toMatchObject({ title: '一起来参加「共享厨房·手工水饺」', path: '/packages/classes/detail/index?id=11' });
    await expect(card.promise).resolves.toEqual({ title: '一起来参加「共享厨房·手工水饺」', path: '/packages/classes/detail/index?id=11&rt=s.9.Sig' });
    expect(fake.callsTo('POST /api/referral/shares').map((c) => c.body)).toEqual([{ kind: 'class', contentId: 11, deviceId: expect.any(String) }]);
  });

  it('family event: children’s ages are required; a full session puts the household on the waitlist', async () => {
    const full = familyDetail({ adultSeatsLeft: 0, childSeatsLeft: 0, waitlistCount: 2 });
    const fake = installFakeApi({
      ...me,
      'GET /api/classes/sessions/21': [200, full],
      'GET /api/classes/me/standing': [200, freeStanding],
      'GET /api/classes/subscribe-templates': [200, templates],
      'POST /api/classes/sessions/21/registrations': [
        200,
        registration({
          id: 502,
          status: 'waitlisted',
          waitlistPosition: 3,
          adults: 1,
          children: 2,
          childAges: [5, 8],
          checkIn: null,
          subscriptions: { reminder24h: true, reminder2h: true, promoted: true },
        }),
      ],
    });
    const extras = installTaroExtras({ id: '21' });
    extras.requestSubscribeMessage.mockResolvedValueOnce({ 'tmpl-promoted': 'accept', 'tmpl-24h': 'accept', 'tmpl-2h': 'accept' });
    render(<ClassDetailPage />);
    // One adult and one child to start with at a family event.
    expect((await screen.findByTestId('children-value')).textContent).toBe('1');
    fireEvent.click(screen.getByTestId('children-plus'));
    expect(screen.getByTestId('register-waitlist-hint')).toBeTruthy();
    expect(screen.getByTestId('register-submit').textContent).toBe('加入候补');

    fireEvent.change(screen.getByTestId('child-age-0'), { target: { value: '5' } });
    fireEvent.click(screen.getByTestId('register-submit'));
    expect(screen.getByTestId('register-error').textContent).toBe('请填写每个孩子的年龄（0–17岁）');
    expect(extras.requestSubscribeMessage).not.toHaveBeenCalled();
    expect(fake.callsTo('POST /api/classes/sessions/21/registrations')).toHaveLength(0);

    fireEvent.change(screen.getByTestId('child-age-1'), { target: { value: '8' } });
    await waitFor(() => expect(fake.callsTo('GET /api/classes/subscribe-templates')).toHaveLength(1));
    fireEvent.click(screen.getByTestId('register-submit'));
    // Waitlisted: the promotion notice is asked for too (3 templates, one dialog).
    expect(extras.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: ['tmpl-promoted', 'tmpl-24h', 'tmpl-2h'] });
    expect((await screen.findByTestId('register-position')).textContent).toBe('候补第3位');
    expect(screen.getByTestId('register-result').textContent).toContain('补上后会通过微信通知你');
    expect(fake.callsTo('POST /api/classes/sessions/21/registrations')[0].body).toEqual({
      adults: 1,
      children: 2,
      childAges: [5, 8],
      subscribe: { reminder24h: true, reminder2h: true, promoted: true },
    });
  });

  it('h5: no subscribe dialog (the API does not exist there), nothing accepted', async () => {
    process.env.TARO_ENV = 'h5';
    const fake = installFakeApi({
      ...me,
      'GET /api/classes/sessions/11': [200, sessionDetail()],
      'GET /api/classes/me/standing': [200, freeStanding],
      'POST /api/classes/sessions/11/registrations': [200, registration({ adults: 1 })],
    });
    const extras = installTaroExtras({ id: '11' });
    render(<ClassDetailPage />);
    fireEvent.click(await screen.findByTestId('register-submit'));
    await screen.findByTestId('register-result');
    expect(extras.requestSubscribeMessage).not.toHaveBeenCalled();
    expect(fake.callsTo('GET /api/classes/subscribe-templates')).toHaveLength(0);
    expect(fake.callsTo('POST /api/classes/sessions/11/registrations')[0].body).toEqual({
      adults: 1,
      children: 0,
      childAges: [],
      subscribe: { reminder24h: false, reminder2h: false, promoted: false },
    });
  });

  it('a refused or failed subscribe dialog still registers, with nothing accepted', async () => {
    const fake = installFakeApi({
      ...me,
      'GET /api/classes/sessions/11': [200, sessionDetail()],
      'GET /api/classes/me/standing': [200, freeStanding],
      'GET /api/classes/subscribe-templates': [200, templates],
      'POST /api/classes/sessions/11/registrations': [200, registration({ adults: 1 })],
    });
    const extras = installTaroExtras({ id: '11' });
    extras.requestSubscribeMessage.mockRejectedValueOnce({ errMsg: 'requestSubscribeMessage:fail cancel', errCode: 20004 });
    render(<ClassDetailPage />);
    await waitFor(() => expect(fake.callsTo('GET /api/classes/subscribe-templates')).toHaveLength(1));
    fireEvent.click(await screen.findByTestId('register-submit'));
    await screen.findByTestId('register-result');
    expect((fake.callsTo('POST /api/classes/sessions/11/registrations')[0].body as { subscribe: unknown }).subscribe).toEqual({
      reminder24h: false,
      reminder2h: false,
      promoted: false,
    });
  });

  it('shows the server’s message when registration is refused', async () => {
    installFakeApi({
      ...me,
      'GET /api/classes/sessions/11': [200, sessionDetail()],
      'GET /api/classes/me/standing': [200, freeStanding],
      'GET /api/classes/subscribe-templates': [200, templates],
      'POST /api/classes/sessions/11/registrations': [409, { code: 'CLASS_PARTY_TOO_LARGE', message: '报名人数超过本场可容纳的名额' }],
    });
    installTaroExtras({ id: '11' });
    render(<ClassDetailPage />);
    fireEvent.click(await screen.findByTestId('register-submit'));
    expect((await screen.findByTestId('register-error')).textContent).toBe('报名人数超过本场可容纳的名额');
    expect(screen.queryByTestId('register-result')).toBeNull();
  });

  it('blocked for no-shows: the reason is shown and the button is off', async () => {
    const fake = installFakeApi({
      ...me,
      'GET /api/classes/sessions/11': [200, sessionDetail()],
      'GET /api/classes/me/standing': [200, blockedStanding],
      'GET /api/classes/subscribe-templates': [200, templates],
    });
    installTaroExtras({ id: '11' });
    render(<ClassDetailPage />);
    expect((await screen.findByTestId('detail-blocked')).textContent).toContain('2026-12-21 前暂不能报名');
    const button = screen.getByTestId('register-submit') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.click(button);
    expect(fake.callsTo('POST /api/classes/sessions/11/registrations')).toHaveLength(0);
  });

  it('already registered: no form, a way to 我的活动; closed sessions say why, paid ones say the price', async () => {
    installFakeApi({
      ...me,
      'GET /api/classes/sessions/11': [200, sessionDetail({ myRegistration: { id: 9, status: 'waitlisted', waitlistPosition: 2 } })],
      'GET /api/classes/sessions/12': [200, sessionDetail({ id: 12, registrationOpen: false })],
      'GET /api/classes/sessions/13': [200, sessionDetail({ id: 13, priceFen: 3900 })],
      'GET /api/classes/me/standing': [200, freeStanding],
      'GET /api/classes/subscribe-templates': [200, templates],
    });
    installTaroExtras({ id: '11' });
    const { unmount } = render(<ClassDetailPage />);
    expect((await screen.findByTestId('detail-mine')).textContent).toContain('你在候补第2位');
    expect(screen.queryByTestId('register-submit')).toBeNull();
    unmount();

    installTaroExtras({ id: '12' });
    const second = render(<ClassDetailPage />);
    expect((await screen.findByTestId('register-closed')).textContent).toBe('报名已截止');
    expect(screen.queryByTestId('register-submit')).toBeNull();
    second.unmount();

    installTaroExtras({ id: '13' });
    render(<ClassDetailPage />);
    // a paid session with seats: the price and the refund rule before the tap, and the button says it pays
    expect((await screen.findByTestId('register-paid-hint')).textContent).toContain('¥39/人');
    expect(screen.getByTestId('register-submit').textContent).toContain('报名并支付 ¥39');
  });

  it('series: other dates open in place', async () => {
    installFakeApi({
      ...me,
      'GET /api/classes/sessions/11': [
        200,
        sessionDetail({
          isSeries: true,
          otherSessions: [{ id: 14, startsAt: '2026-12-03T02:00:00.000Z', adultSeatsLeft: 0, childSeatsLeft: 0, registrationOpen: true }],
        }),
      ],
      'GET /api/classes/me/standing': [200, freeStanding],
      'GET /api/classes/subscribe-templates': [200, templates],
    });
    const extras = installTaroExtras({ id: '11' });
    render(<ClassDetailPage />);
    const other = await screen.findByTestId('other-session-14');
    expect(other.textContent).toContain('12月3日 10:00');
    expect(other.textContent).toContain('可候补');
    fireEvent.click(other);
    expect(extras.redirectTo).toHaveBeenCalledWith({ url: '/packages/classes/detail/index?id=14' });
  });
});

/**
 * Classes screens (issue 5), part 2: 「我的活动」 — check-in code (QR + short code), waitlist
 * position and promotion, cancel, 提醒我, rating after attending, scanning the store's code, the
 * no-show block reason, and the registration a subscribe message points at.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import MyClassesPage from '../../src/packages/classes/mine/index';
import { qrDataUrl } from '../../src/packages/classes/components/QrCode';
import { setToken } from '../../src/api/client';
import { resetSessionForTests } from '../../src/api/session';
import { installFakeApi, sampleMember } from './fakeApi';
import { __storage } from './stubs/taro';
import { blockedStanding, freeStanding, installTaroExtras, page, registration, templates } from './classes-fixtures';

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

const base = {
  'GET /api/me': [200, sampleMember] as [number, unknown],
  'GET /api/classes/me/standing': [200, freeStanding] as [number, unknown],
  'GET /api/classes/subscribe-templates': [200, templates] as [number, unknown],
};

beforeEach(() => {
  __storage.clear();
  resetSessionForTests();
  process.env.TARO_ENV = 'weapp';
  setToken('tok-7');
});

describe('我的活动', () => {
  it('confirmed: QR + short code; waitlisted: the position; promoted: told so', async () => {
    const confirmed = registration();
    const waiting = registration({
      id: 502,
      status: 'waitlisted',
      waitlistPosition: 2,
      checkIn: null,
      subscriptions: { reminder24h: false, reminder2h: false, promoted: true },
    });
    const promoted = registration({ id: 503, promotedAt: '2026-11-24T12:05:00.000Z', checkIn: { shortCode: 'H3M9TT', qrPayload: 'hubclass:r:zzzz' } });
    const fake = installFakeApi({ ...base, 'GET /api/classes/me/registrations': [200, page([confirmed, waiting, promoted])] });
    installTaroExtras();
    render(<MyClassesPage />);

    expect((await screen.findByTestId('reg-code-501')).textContent).toBe('K7P2QX');
    const img = screen.getByTestId('reg-qr-501').querySelector('img')!;
    // The QR encodes exactly the payload the server gave (the same encoder, same settings).
    expect(img.getAttribute('src')).toBe(qrDataUrl('hubclass:r:abcdefghijklmnop'));
    expect(img.getAttribute('src')).toMatch(/^data:image\/gif;base64,/);
    expect(qrDataUrl('hubclass:r:abcdefghijklmnop')).not.toBe(qrDataUrl('hubclass:r:abcdefghijklmnoq'));

    expect(screen.getByTestId('reg-status-502').textContent).toBe('候补第2位');
    expect(screen.queryByTestId('reg-checkin-502')).toBeNull();
    expect(screen.getByTestId('reg-waiting-502').textContent).toContain('并通过微信通知你');
    expect(screen.getByTestId('reg-promoted-503').textContent).toContain('候补成功！2026-11-24 20:05 已为你补上名额');
    expect(screen.queryByTestId('reg-promoted-501')).toBeNull();
    expect(fake.callsTo('GET /api/classes/me/registrations')[0].url).toContain('scope=upcoming');
  });

  it('cancel asks first, then cancels and shows the new state', async () => {
    const fake = installFakeApi({
      ...base,
      'GET /api/classes/me/registrations': [200, page([registration()])],
      'POST /api/classes/registrations/501/cancel': [
        200,
        registration({ status: 'cancelled', checkIn: null, canCancel: false, cancelledAt: '2026-11-21T02:00:00.000Z', cancelledBy: 'member' }),
      ],
    });
    installTaroExtras();
    (Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    render(<MyClassesPage />);
    fireEvent.click(await screen.findByTestId('reg-cancel-501'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledTimes(1));
    expect(fake.callsTo('POST /api/classes/registrations/501/cancel')).toHaveLength(0);

    fireEvent.click(screen.getByTestId('reg-cancel-501'));
    await waitFor(() => expect(screen.getByTestId('reg-status-501').textContent).toBe('已取消'));
    expect(fake.callsTo('POST /api/classes/registrations/501/cancel')).toHaveLength(1);
    expect(screen.queryByTestId('reg-cancel-501')).toBeNull();
    expect(screen.queryByTestId('reg-code-501')).toBeNull();
  });

  it('cancel past the deadline: the server’s message is shown', async () => {
    installFakeApi({
      ...base,
      'GET /api/classes/me/registrations': [200, page([registration()])],
      'POST /api/classes/registrations/501/cancel': [409, { code: 'CLASS_CANCEL_CLOSED', message: '已过取消截止时间，无法取消报名' }],
    });
    installTaroExtras();
    render(<MyClassesPage />);
    fireEvent.click(await screen.findByTestId('reg-cancel-501'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已过取消截止时间，无法取消报名' })));
  });

  it('提醒我 (weapp) records the templates the member accepts', async () => {
    const fake = installFakeApi({
      ...base,
      'GET /api/classes/me/registrations': [200, page([registration()])],
      'POST /api/classes/registrations/501/subscriptions': [200, registration({ subscriptions: { reminder24h: true, reminder2h: true, promoted: false } })],
    });
    const extras = installTaroExtras();
    extras.requestSubscribeMessage.mockResolvedValueOnce({ 'tmpl-24h': 'accept', 'tmpl-2h': 'accept' });
    render(<MyClassesPage />);
    await waitFor(() => expect(fake.callsTo('GET /api/classes/subscribe-templates')).toHaveLength(1));
    fireEvent.click(await screen.findByTestId('reg-remind-501'));
    expect(extras.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: ['tmpl-24h', 'tmpl-2h'] });
    await waitFor(() => expect(screen.queryByTestId('reg-remind-501')).toBeNull());
    expect(fake.callsTo('POST /api/classes/registrations/501/subscriptions')[0].body).toEqual({ reminder24h: true, reminder2h: true, promoted: false });
  });

  it('h5 has no 提醒我 button', async () => {
    process.env.TARO_ENV = 'h5';
    installFakeApi({ ...base, 'GET /api/classes/me/registrations': [200, page([registration()])] });
    installTaroExtras();
    render(<MyClassesPage />);
    await screen.findByTestId('reg-code-501');
    expect(screen.queryByTestId('reg-remind-501')).toBeNull();
  });

  it('past: rate an attended session once, with stars and a comment', async () => {
    const attended = registration({ status: 'attended', checkIn: null, canCancel: false, checkedInAt: '2026-11-26T01:55:00.000Z', canRate: true });
    const fake = installFakeApi({
      ...base,
      'GET /api/classes/me/registrations': (call) => [200, page(call.url.includes('scope=past') ? [attended] : [])],
      'POST /api/classes/registrations/501/rating': [
        200,
        { ...attended, canRate: false, rating: { stars: 4, comment: '饺子皮擀得很开心', at: '2026-11-26T05:00:00.000Z' } },
      ],
    });
    installTaroExtras();
    render(<MyClassesPage />);
    expect(await screen.findByTestId('mine-empty')).toBeTruthy();
    fireEvent.click(screen.getByTestId('mine-tab-past'));
    expect((await screen.findByTestId('reg-checked-501')).textContent).toBe('已于 2026-11-26 09:55 签到');

    fireEvent.click(screen.getByTestId('reg-rate-submit-501'));
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请先选择星级' }));
    expect(fake.callsTo('POST /api/classes/registrations/501/rating')).toHaveLength(0);

    fireEvent.click(screen.getByTestId('reg-stars-501-4'));
    fireEvent.change(screen.getByTestId('reg-comment-501'), { target: { value: '  饺子皮擀得很开心 ' } });
    fireEvent.click(screen.getByTestId('reg-rate-submit-501'));
    expect((await screen.findByTestId('reg-rating-501')).textContent).toContain('饺子皮擀得很开心');
    expect(screen.getByTestId('reg-rating-501').textContent).toContain('★★★★☆');
    expect(fake.callsTo('POST /api/classes/registrations/501/rating')[0].body).toEqual({ stars: 4, comment: '饺子皮擀得很开心' });
    expect(screen.queryByTestId('reg-rate-501')).toBeNull();
  });

  it('weapp: scanning the store’s session code checks the member in', async () => {
    const fake = installFakeApi({
      ...base,
      'GET /api/classes/me/registrations': [200, page([registration()])],
      'POST /api/classes/check-in': [
        200,
        {
          result: 'checked_in',
          registrationId: 501,
          sessionId: 11,
          title: '共享厨房·手工水饺',
          startsAt: '2026-11-26T02:00:00.000Z',
          memberNickname: '王阿姨',
          adults: 2,
          children: 0,
          checkedInAt: '2026-11-26T01:58:00.000Z',
          checkedInBy: null,
          method: 'member_scan',
        },
      ],
    });
    const extras = installTaroExtras();
    extras.scanCode.mockResolvedValueOnce({ result: 'hubclass:s:11.59012345.AbCdEfGhIjKlMnOpQrStUv', errMsg: 'scanCode:ok' });
    render(<MyClassesPage />);
    fireEvent.click(await screen.findByTestId('mine-scan-button'));
    expect((await screen.findByTestId('mine-scan-result')).textContent).toBe('签到成功：共享厨房·手工水饺');
    expect(extras.scanCode).toHaveBeenCalledWith({ onlyFromCamera: true, scanType: ['qrCode'] });
    expect(fake.callsTo('POST /api/classes/check-in')[0].body).toEqual({ code: 'hubclass:s:11.59012345.AbCdEfGhIjKlMnOpQrStUv' });
    // The list is reloaded so the card shows 已签到.
    await waitFor(() => expect(fake.callsTo('GET /api/classes/me/registrations')).toHaveLength(2));
  });

  it('weapp: backing out of the scanner sends nothing', async () => {
    const fake = installFakeApi({ ...base, 'GET /api/classes/me/registrations': [200, page([])] });
    const extras = installTaroExtras();
    extras.scanCode.mockRejectedValueOnce({ errMsg: 'scanCode:fail cancel' });
    render(<MyClassesPage />);
    fireEvent.click(await screen.findByTestId('mine-scan-button'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已取消' })));
    expect(fake.callsTo('POST /api/classes/check-in')).toHaveLength(0);
  });

  it('h5: the store code is typed into a field; a wrong code shows the server’s message', async () => {
    process.env.TARO_ENV = 'h5';
    const fake = installFakeApi({
      ...base,
      'GET /api/classes/me/registrations': [200, page([])],
      'POST /api/classes/check-in': [404, { code: 'CLASS_CHECKIN_CODE_INVALID', message: '签到码无效，请核对后再试' }],
    });
    installTaroExtras();
    render(<MyClassesPage />);
    expect(screen.queryByTestId('mine-scan-button')).toBeNull();
    fireEvent.change(await screen.findByTestId('mine-scan-input'), { target: { value: ' hubclass:s:nope ' } });
    fireEvent.click(screen.getByTestId('mine-scan-submit'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '签到码无效，请核对后再试' })));
    expect(fake.callsTo('POST /api/classes/check-in')[0].body).toEqual({ code: 'hubclass:s:nope' });
  });

  it('a photo of an old door code: the server’s 「已过期」 message is shown and nothing else happens', async () => {
    process.env.TARO_ENV = 'h5';
    const fake = installFakeApi({
      ...base,
      'GET /api/classes/me/registrations': [200, page([])],
      'POST /api/classes/check-in': [410, { code: 'CLASS_CHECKIN_CODE_EXPIRED', message: '签到码已过期，请扫描门口屏幕上正在显示的签到码' }],
    });
    installTaroExtras();
    render(<MyClassesPage />);
    fireEvent.change(await screen.findByTestId('mine-scan-input'), { target: { value: 'hubclass:s:11.59000000.AbCdEfGhIjKlMnOpQrStUv' } });
    fireEvent.click(screen.getByTestId('mine-scan-submit'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '签到码已过期，请扫描门口屏幕上正在显示的签到码' })));
    expect(screen.queryByTestId('mine-scan-result')).toBeNull();
    expect(fake.callsTo('GET /api/classes/me/registrations')).toHaveLength(1);
  });

  it('shows the no-show block with its reason and the sessions missed', async () => {
    installFakeApi({ ...base, 'GET /api/classes/me/standing': [200, blockedStanding], 'GET /api/classes/me/registrations': [200, page([])] });
    installTaroExtras();
    render(<MyClassesPage />);
    const box = await screen.findByTestId('mine-blocked');
    expect(box.textContent).toContain('60天内有2次报名未到场，2026-12-21 前暂不能报名');
    expect(box.textContent).toContain('妈妈早茶会（11月19日 10:00）');
  });

  it('opened from a subscribe message: that registration is pinned on top', async () => {
    const promoted = registration({ id: 777, promotedAt: '2026-11-24T12:05:00.000Z' });
    const fake = installFakeApi({
      ...base,
      'GET /api/classes/registrations/777': [200, promoted],
      'GET /api/classes/me/registrations': [200, page([registration(), promoted])],
    });
    installTaroExtras({ registrationId: '777' });
    render(<MyClassesPage />);
    const focus = await screen.findByTestId('mine-focus');
    expect(focus.textContent).toContain('候补成功');
    await screen.findByTestId('reg-501');
    // Not listed twice.
    expect(screen.getAllByTestId('reg-777')).toHaveLength(1);
    expect(fake.callsTo('GET /api/classes/registrations/777')).toHaveLength(1);
  });

  it("a paid class: 待支付 with the amount and the time left, wx.requestPayment with the server's parameters, then paid", async () => {
    const expiresAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const payment = { amountFen: 3900, status: 'unpaid' as const, expiresAt, paidAt: null, refundFen: 0, refundedAt: null };
    const unpaid = registration({ status: 'unpaid', checkIn: null, payment });
    const paid = registration({ payment: { ...payment, status: 'paid', expiresAt: null, paidAt: '2026-11-20T02:01:00.000Z' } });
    let settled = false;
    const fake = installFakeApi({
      ...base,
      'GET /api/classes/me/registrations': [200, page([unpaid])],
      'POST /api/classes/registrations/501/pay': [
        200,
        {
          tradeNo: 'CL2611200001',
          requestPayment: { appId: 'wx1', timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx9', signType: 'RSA', paySign: 'sig' },
          simulatorCashierUrl: null,
        },
      ],
      'GET /api/classes/registrations/501': () => [200, settled ? paid : unpaid],
    });
    installTaroExtras();
    (Taro as unknown as Record<string, unknown>).requestPayment = jest.fn(async () => {
      settled = true;
      return { errMsg: 'requestPayment:ok' };
    });
    render(<MyClassesPage />);
    expect((await screen.findByTestId('reg-unpaid-501')).textContent).toMatch(/待支付 ¥39，名额保留至 .*（剩 (09|10):\d\d）/);
    expect(screen.getByTestId('reg-status-501').textContent).toBe('待支付');
    expect(screen.queryByTestId('reg-checkin-501')).toBeNull();
    fireEvent.click(screen.getByTestId('reg-pay-501'));
    await waitFor(() =>
      expect(Taro.requestPayment).toHaveBeenCalledWith({ timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx9', signType: 'RSA', paySign: 'sig' }),
    );
    expect((await screen.findByTestId('reg-payment-501')).textContent).toBe('已支付 ¥39');
    expect(screen.getByTestId('reg-code-501').textContent).toBe('K7P2QX');
    expect(fake.callsTo('POST /api/classes/registrations/501/pay')).toHaveLength(1);
  });
});

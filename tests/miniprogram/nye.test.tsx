/**
 * 年夜饭 (issue 14): the tab shows the campaign menu with the contest dish's credit and 为你推荐;
 * 「我的订单」 shows the pickup code once paid and the countdown while unpaid; paying in weapp calls
 * wx.requestPayment with the server's signed parameters.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import NyeTab from '../../src/pages/nye/index';
import NyeOrdersPage from '../../src/packages/nye/orders/index';
import { setToken } from '../../src/api/client';
import { resetSessionForTests } from '../../src/api/session';
import { installFakeApi, sampleMember } from './fakeApi';
import { __storage } from './stubs/taro';

const me = { 'GET /api/me': [200, sampleMember] as [number, unknown] };
const campaign = {
  id: 1,
  name: '2027 年夜饭',
  saleStartsAt: '2026-12-01T00:00:00.000Z',
  saleEndsAt: '2099-01-01T00:00:00.000Z',
  cancelCutoffAt: '2099-01-01T00:00:00.000Z',
  storeIds: [3],
  status: 'published',
  createdAt: '2026-12-01T00:00:00.000Z',
};
const item = (id: number, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  campaignId: 1,
  kind: 'chef_dish',
  theme: '经典传承',
  name,
  description: '',
  priceFen: 8800,
  photoUrl: null,
  allergens: [],
  servings: null,
  contents: [],
  stockTotal: 10,
  stockLeft: 10,
  perMemberLimit: 2,
  dailyCap: null,
  dish: null,
  onSale: true,
  ...extra,
});
const order = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 9,
  orderNo: 'NY2612050001',
  status,
  statusLabel: status === 'paid' ? '待取货' : '待支付',
  campaignId: 1,
  campaignName: '2027 年夜饭',
  memberId: 7,
  storeId: 3,
  storeName: '幸福里店',
  slot: { id: 1, day: '2027-02-05', startsAt: '2027-02-05T02:00:00.000Z', endsAt: '2027-02-05T04:00:00.000Z' },
  lines: [{ itemId: 1, name: '王阿姨的拿手蛋饺', kind: 'chef_dish', qty: 1, unitPriceFen: 8800, amountFen: 8800 }],
  totalFen: 8800,
  expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
  paidAt: null,
  pickupCode: null,
  pickupQr: null,
  cancelCutoffAt: '2099-01-01T00:00:00.000Z',
  canCancel: true,
  refundFen: 0,
  refundedAt: null,
  pickedUpAt: null,
  pickedUpByName: null,
  createdAt: '2026-12-05T02:00:00.000Z',
  ...extra,
});

beforeEach(() => {
  __storage.clear();
  resetSessionForTests();
  process.env.TARO_ENV = 'weapp';
  setToken('tok-7');
});

test('the 年夜饭 tab shows the menu by theme, the author credit and 为你推荐', async () => {
  installFakeApi({
    ...me,
    'GET /api/preorder/menu': [
      200,
      {
        campaign,
        onSale: true,
        stores: [{ id: 3, name: '幸福里店' }],
        sections: [
          { theme: '经典传承', items: [item(1, '王阿姨的拿手蛋饺', { dish: { dishId: 5, authorDisplayName: '王阿姨', entryId: 12, contestId: 2 } })] },
          { theme: '四世同堂', items: [item(2, '四世同堂', { kind: 'package', servings: 8 })] },
        ],
        recommended: { itemIds: [2], reason: '为全家团圆推荐', rule: '…' },
      },
    ],
  });
  render(<NyeTab />);
  expect((await screen.findByTestId('nye-credit-1')).textContent).toContain('王阿姨的拿手菜');
  expect(screen.queryByText(/即将上线/)).toBeNull();
  expect(screen.getByTestId('nye-recommended').textContent).toContain('为全家团圆推荐');
  expect(screen.getByTestId('nye-rec-2').textContent).toContain('四世同堂');
  expect(screen.getAllByTestId('nye-section')).toHaveLength(2);
  fireEvent.click(screen.getByTestId('nye-my-orders'));
  expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/nye/orders/index' });
});

test('我的订单: countdown and wx.requestPayment while unpaid; the pickup code once paid', async () => {
  let paid = false;
  const api = installFakeApi({
    ...me,
    'GET /api/preorder/orders': () => [
      200,
      {
        items: [paid ? order('paid', { pickupCode: '123456', pickupQr: 'hubnye:123456', paidAt: '2026-12-05T02:01:00.000Z' }) : order('pending_payment')],
        total: 1,
        page: 1,
        pageSize: 50,
      },
    ],
    'POST /api/preorder/orders/9/pay': [
      200,
      {
        orderNo: 'NY2612050001',
        requestPayment: { appId: 'wx1', timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx123', signType: 'RSA', paySign: 'sig' },
        simulatorCashierUrl: null,
      },
    ],
  });
  (Taro as unknown as Record<string, unknown>).requestPayment = jest.fn(async () => {
    paid = true;
    return { errMsg: 'requestPayment:ok' };
  });
  render(<NyeOrdersPage />);
  expect((await screen.findByTestId('nye-countdown-9')).textContent).toMatch(/^(09|10):\d\d$/);
  fireEvent.click(screen.getByTestId('nye-pay-9'));
  await waitFor(() =>
    expect(Taro.requestPayment).toHaveBeenCalledWith({ timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx123', signType: 'RSA', paySign: 'sig' }),
  );
  expect((await screen.findByTestId('nye-code-9')).textContent).toContain('123456');
  expect(api.callsTo('POST /api/preorder/orders/9/pay')).toHaveLength(1);
});

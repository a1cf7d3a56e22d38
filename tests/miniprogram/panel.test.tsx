/**
 * 顾客顾问团 page: the badge for panel members, sign-up, and the structured review form (the
 * submit stays off until taste and value are scored; the answers go to the server as given).
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import PanelPage from '../../src/packages/panel/home/index';
import { setToken } from '../../src/api/client';
import { resetSessionForTests } from '../../src/api/session';
import { installFakeApi, sampleMember } from './fakeApi';
import { __storage } from './stubs/taro';

jest.mock('@tarojs/components', () => {
  const actual = jest.requireActual('@tarojs/components');
  const React = jest.requireActual('react');
  const field = (tag: string) => (props: Record<string, any>) =>
    React.createElement(tag, {
      'data-testid': props['data-testid'],
      className: props.className,
      value: props.value ?? '',
      onChange: (e: { target: { value: string } }) => props.onInput?.({ detail: { value: e.target.value } }),
    });
  return { ...actual, Input: field('input'), Textarea: field('textarea') };
});

const round = {
  id: 4,
  title: '新品试吃会',
  product: '手工荠菜水饺',
  description: '',
  startsAt: '2026-12-10T06:00:00.000Z',
  place: '滨江店',
  capacity: 10,
  signedUp: 3,
  attended: 0,
  reviews: 0,
  status: 'open',
  mine: 'none',
  reviewed: false,
};

beforeEach(() => {
  __storage.clear();
  resetSessionForTests();
  process.env.TARO_ENV = 'weapp';
  setToken('tok-7');
});

it('a non-member sees what the panel is, without rounds', async () => {
  installFakeApi({ 'GET /api/me': [200, sampleMember], 'GET /api/community/panel/me': [200, { member: false, badge: null, moderator: false, rounds: [] }] });
  render(<PanelPage />);
  await screen.findByTestId('panel-not-member');
  expect(screen.queryByTestId('panel-badge')).toBeNull();
});

it('a panel member sees the badge, signs up and submits the review', async () => {
  const fake = installFakeApi({
    'GET /api/me': [200, sampleMember],
    'GET /api/community/panel/me': [200, { member: true, badge: '顾客顾问团', moderator: false, rounds: [round] }],
    'POST /api/community/panel/rounds/4/signup': [200, { ...round, signedUp: 4, mine: 'signed' }],
    'POST /api/community/panel/rounds/4/review': [200, { ...round, signedUp: 4, mine: 'signed', reviewed: true }],
  });
  render(<PanelPage />);
  expect((await screen.findByTestId('panel-badge')).textContent).toContain('顾客顾问团');
  fireEvent.click(screen.getByTestId('panel-signup'));
  fireEvent.click(await screen.findByTestId('panel-review-open'));
  const submit = screen.getByTestId('panel-review-submit');
  expect(submit.hasAttribute('disabled') && submit.getAttribute('disabled') !== 'false').toBe(true);
  fireEvent.click(screen.getByTestId('panel-taste-5'));
  fireEvent.click(screen.getByTestId('panel-value-3'));
  fireEvent.click(screen.getByTestId('panel-buy-no'));
  fireEvent.change(screen.getByTestId('panel-comment'), { target: { value: '偏咸' } });
  fireEvent.click(screen.getByTestId('panel-review-submit'));
  await screen.findByText('已提交评价，谢谢你的建议！');
  await waitFor(() => expect(fake.callsTo('POST /api/community/panel/rounds/4/review')).toHaveLength(1));
  expect(fake.callsTo('POST /api/community/panel/rounds/4/review')[0].body).toEqual({ taste: 5, value: 3, wouldBuy: 'no', comment: '偏咸' });
});

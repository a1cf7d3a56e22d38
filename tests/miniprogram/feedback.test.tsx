/**
 * Feedback subpackage (issue 20): 「意见箱」 shows the waiting ratings, the store's answers and the
 * personalisation switch, and sends a note; the rating page sends stars, recommendation and word
 * for its prompt.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import FeedbackBoxPage from '../../src/packages/feedback/box/index';
import RatePage from '../../src/packages/feedback/rate/index';
import { setToken } from '../../src/api/client';
import { resetSessionForTests } from '../../src/api/session';
import { installFakeApi, sampleMember } from './fakeApi';
import { __storage } from './stubs/taro';
import { installTaroExtras } from './classes-fixtures';

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
  const Switch = (props: Record<string, any>) =>
    React.createElement('input', {
      type: 'checkbox',
      'data-testid': props['data-testid'],
      checked: !!props.checked,
      onChange: (e: { target: { checked: boolean } }) => props.onChange?.({ detail: { value: e.target.checked } }),
    });
  return { ...actual, Input: field('input'), Textarea: field('textarea'), Switch };
});

const answered = {
  id: 41,
  source: 'class',
  title: '课程：手工水饺',
  rating: 1,
  comment: '老师讲得太快了',
  status: 'answered',
  answer: '下期改为8人小班',
  answeredAt: '2026-12-05T03:00:00.000Z',
  createdAt: '2026-12-04T03:00:00.000Z',
};

beforeEach(() => {
  __storage.clear();
  resetSessionForTests();
  process.env.TARO_ENV = 'weapp';
  setToken('tok-7');
});

it('意见箱: waiting ratings, the store’s answer, a note sent with stars and recommendation, the personalisation switch', async () => {
  const fake = installFakeApi({
    'GET /api/me': [200, sampleMember],
    'GET /api/feedback/prompts': [200, { items: [{ id: 9, kind: 'pickup', title: '12月5日 提货（订单 NYE-1）', createdAt: '2026-12-05T02:00:00.000Z' }] }],
    'GET /api/feedback/mine': [200, { items: [answered] }],
    'GET /api/me/personalisation': [200, { personalised: true }],
    'PUT /api/me/personalisation': (c) => [200, c.body],
    'GET /api/feedback/subscribe-templates': [200, { rating: 'tmpl-rate', answer: 'tmpl-answer', credits: { rating: 0, answer: 1 } }],
    'POST /api/feedback/subscribe-accepts': (c) => [200, { rating: (c.body as { rating: boolean }).rating ? 1 : 0, answer: 2 }],
    'POST /api/feedback': (c) => [
      200,
      {
        ...answered,
        id: 42,
        source: 'box',
        title: '意见箱',
        rating: 4,
        comment: (c.body as { comment: string }).comment,
        status: 'new',
        answer: null,
        answeredAt: null,
      },
    ],
  });
  const extras = installTaroExtras();
  render(<FeedbackBoxPage />);
  expect(await screen.findByText('12月5日 提货（订单 NYE-1）')).toBeTruthy();
  expect((await screen.findByTestId('fb-answer-41')).textContent).toContain('下期改为8人小班');

  fireEvent.change(screen.getByTestId('fb-note-text'), { target: { value: '门口停车太难了' } });
  fireEvent.click(screen.getByTestId('fb-note-stars-4'));
  fireEvent.click(screen.getByTestId('fb-recommend-7'));
  fireEvent.click(screen.getByTestId('fb-note-submit'));
  await waitFor(() => expect(fake.callsTo('POST /api/feedback')).toHaveLength(1));
  expect(fake.callsTo('POST /api/feedback')[0].body).toEqual({ comment: '门口停车太难了', rating: 4, recommend: 7 });

  fireEvent.click(await screen.findByTestId('fb-personalised'));
  await waitFor(() => expect(fake.callsTo('PUT /api/me/personalisation')[0]?.body).toEqual({ personalised: false }));

  // 「提醒我」: both feedback templates in one dialog; what was accepted goes to the server
  expect((await screen.findByTestId('fb-subscribe')).textContent).toContain('还可提醒 0 次评价、1 次回复');
  extras.requestSubscribeMessage.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-rate': 'accept', 'tmpl-answer': 'accept' });
  fireEvent.click(screen.getByTestId('fb-subscribe-ask'));
  expect(extras.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: ['tmpl-rate', 'tmpl-answer'] });
  await waitFor(() => expect(fake.callsTo('POST /api/feedback/subscribe-accepts')[0]?.body).toEqual({ rating: true, answer: true }));
  await waitFor(() => expect(screen.getByTestId('fb-subscribe').textContent).toContain('还可提醒 1 次评价、2 次回复'));
});

it('the rating page sends the prompt’s stars, recommendation and word, then thanks the member', async () => {
  const fake = installFakeApi({
    'GET /api/me': [200, sampleMember],
    'GET /api/feedback/subscribe-templates': [200, { rating: 'tmpl-rate', answer: 'tmpl-answer', credits: { rating: 0, answer: 0 } }],
    'POST /api/feedback/subscribe-accepts': [200, { rating: 0, answer: 1 }],
    'POST /api/feedback': (c) => [
      200,
      { ...answered, id: 43, source: 'pickup', rating: (c.body as { rating: number }).rating, status: 'new', answer: null, answeredAt: null },
    ],
  });
  const extras = installTaroExtras({ promptId: '9', title: encodeURIComponent('12月5日 提货') });
  extras.requestSubscribeMessage.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-answer': 'accept' });
  render(<RatePage />);
  await waitFor(() => expect(fake.callsTo('GET /api/feedback/subscribe-templates')).toHaveLength(1));
  expect(await screen.findByText('12月5日 提货，满意吗？')).toBeTruthy();
  fireEvent.click(screen.getByTestId('fb-rate-submit'));
  expect(fake.callsTo('POST /api/feedback')).toHaveLength(0); // no stars yet
  fireEvent.click(screen.getByTestId('fb-rate-stars-2'));
  fireEvent.click(screen.getByTestId('fb-recommend-3'));
  fireEvent.change(screen.getByTestId('fb-rate-comment'), { target: { value: '排队太久' } });
  fireEvent.click(screen.getByTestId('fb-rate-submit'));
  await screen.findByTestId('fb-rate-done');
  expect(fake.callsTo('POST /api/feedback')[0].body).toEqual({ promptId: 9, rating: 2, comment: '排队太久', recommend: 3 });
  // with a word, the member is asked to be told of the store's answer
  expect(extras.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: ['tmpl-answer'] });
  await waitFor(() => expect(fake.callsTo('POST /api/feedback/subscribe-accepts')[0]?.body).toEqual({ rating: false, answer: true }));
});

/**
 * Subscribe-message consent for feedback (weapp only; the h5 preview has no such API): 「评价提醒」
 * after a class, a pickup or a shop, and 「反馈回复通知」 when the store answers. WeChat shows the
 * dialog only straight from a tap, so `ask` calls wx.requestSubscribeMessage before any await; what
 * was accepted is reported to the server, which sends one message per accept.
 */
import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { acceptFeedbackSubscribe, feedbackSubscribeTemplates } from '@contracts/feedback';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';

export type FeedbackTemplates = RouteResponse<typeof feedbackSubscribeTemplates>;
export type FeedbackNoticeWish = 'rating' | 'answer';

export const isWeapp = () => process.env.TARO_ENV === 'weapp';

/** The template ids and the accepts left (null until loaded, and always on h5). */
export function useFeedbackTemplates(ready: boolean): [FeedbackTemplates | null, (t: FeedbackTemplates) => void] {
  const [templates, setTemplates] = useState<FeedbackTemplates | null>(null);
  useEffect(() => {
    if (ready && isWeapp()) api.call(feedbackSubscribeTemplates).then(setTemplates, () => undefined);
  }, [ready]);
  return [templates, setTemplates];
}

/** Ask for the wanted templates in one dialog; resolves with the accepts left after reporting (null: nothing accepted). */
export function askFeedbackSubscribe(templates: FeedbackTemplates | null, wanted: FeedbackNoticeWish[]): Promise<FeedbackTemplates['credits'] | null> {
  if (!isWeapp() || !templates || !wanted.length) return Promise.resolve(null);
  let pending: Promise<unknown>;
  try {
    pending = Taro.requestSubscribeMessage({ tmplIds: wanted.map((k) => templates[k]) } as Parameters<typeof Taro.requestSubscribeMessage>[0]);
  } catch {
    return Promise.resolve(null);
  }
  return pending.then(
    async (res) => {
      const answer = (res ?? {}) as Record<string, unknown>;
      const body = {
        rating: wanted.includes('rating') && answer[templates.rating] === 'accept',
        answer: wanted.includes('answer') && answer[templates.answer] === 'accept',
      };
      if (!body.rating && !body.answer) return null;
      return api.call(acceptFeedbackSubscribe, { body });
    },
    () => null,
  );
}

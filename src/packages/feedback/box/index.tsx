/**
 * 「意见箱」: waiting ratings (after a pickup or a shop) first, then a note any time (with an
 * optional star rating and 0–10 recommendation), the member's own feedback with the store's
 * answers, the way to 「你说我改」, and the personalisation switch (arrival notices and
 * suggestions to staff).
 */
import { useEffect, useState } from 'react';
import { Button, Switch, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import {
  getPersonalisation,
  listMyFeedback,
  listMyPrompts,
  setPersonalisation,
  submitFeedback,
  SOURCE_LABELS,
  STATUS_LABELS,
  type FeedbackPrompt,
  type MyFeedback,
} from '@contracts/feedback';
import { api } from '../../../api/client';
import { ROUTES } from '../../../api/routes';
import { showError } from '../../../api/errors';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { formatShanghai } from '../../../utils/time';
import Gate from '../components/Gate';
import StarPicker, { RecommendScale } from '../components/StarPicker';
import '../feedback.css';
import type { UploadedImage } from '@contracts/uploads';
import { PhotoPicker } from '../components/PhotoPicker';
import { askFeedbackSubscribe, useFeedbackTemplates } from '../components/subscribe';

export default function FeedbackBoxPage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  // what waits for a rating and what the member sent, again each time the page is shown (back from 评价)
  const box = useRemote<{ prompts: FeedbackPrompt[]; mine: MyFeedback[] }>(
    async () => {
      const [p, m] = await Promise.all([api.call(listMyPrompts), api.call(listMyFeedback)]);
      return { prompts: p.items, mine: m.items };
    },
    [],
    { enabled: ready, everyShow: true },
  );
  const prompts = box.data?.prompts ?? [];
  const load = box.reload;
  const [personalised, setPersonalised] = useState<boolean | null>(null);
  const [templates, setTemplates] = useFeedbackTemplates(ready);

  useEffect(() => {
    if (!ready) return;
    api.call(getPersonalisation).then(
      (r) => setPersonalised(r.personalised),
      () => undefined,
    );
  }, [ready]);

  if (!ready) {
    return (
      <View className="page" data-testid="page-feedback-box">
        <Gate session={session} />
      </View>
    );
  }

  return (
    <View className="page" data-testid="page-feedback-box">
      {prompts.length > 0 && (
        <View className="card" data-testid="fb-prompts">
          <Text className="card-title">待评价</Text>
          {prompts.map((p) => (
            <View key={p.id} className="fb-prompt">
              <Text>{p.title}</Text>
              <Button
                className="btn-plain"
                size="mini"
                data-testid={`fb-prompt-${p.id}`}
                onClick={() => void Taro.navigateTo({ url: `${ROUTES.feedbackRate}?promptId=${p.id}&title=${encodeURIComponent(p.title)}` })}
              >
                去评价
              </Button>
            </View>
          ))}
        </View>
      )}

      <NoteForm onSent={() => void load()} />

      <View className="card" data-testid="fb-mine">
        <Text className="card-title">我的反馈</Text>
        <RemoteFrame remote={box} isEmpty={(b) => b.mine.length === 0} empty={<Text className="muted">还没有提交过反馈</Text>}>
          {({ mine }) =>
            mine.map((f) => (
              <View key={f.id} className="fb-item" data-testid={`fb-mine-${f.id}`}>
                <View>
                  <Text className="fb-tag">{SOURCE_LABELS[f.source]}</Text>
                  <Text className="muted">{formatShanghai(f.createdAt)}</Text>
                  <Text className="fb-tag"> {STATUS_LABELS[f.status]}</Text>
                </View>
                {f.title && <Text className="muted">{f.title}</Text>}
                <View>
                  {f.rating ? <Text>{'★'.repeat(f.rating)} </Text> : null}
                  <Text>{f.comment ?? ''}</Text>
                </View>
                {f.answer && (
                  <View className="fb-answer" data-testid={`fb-answer-${f.id}`}>
                    <Text className="fb-answer-title">门店回复</Text>
                    <Text>{f.answer}</Text>
                  </View>
                )}
              </View>
            ))
          }
        </RemoteFrame>
      </View>

      <View className="card fb-links">
        <Text>看看门店根据大家的意见做了哪些改变</Text>
        <Button className="btn-plain" size="mini" data-testid="fb-go-changes" onClick={() => void Taro.navigateTo({ url: ROUTES.feedbackChanges })}>
          你说我改
        </Button>
      </View>

      {templates && (
        <View className="card" data-testid="fb-subscribe">
          <Text className="card-title">消息提醒</Text>
          <Text className="muted">
            上课、提货、购物后提醒我评价，门店回复时通知我（微信每次允许可收到一条，还可提醒 {templates.credits.rating} 次评价、{templates.credits.answer}{' '}
            次回复）
          </Text>
          <Button
            className="btn-plain"
            size="mini"
            data-testid="fb-subscribe-ask"
            onClick={() => {
              // the dialog must open straight from the tap: no await before this call
              void askFeedbackSubscribe(templates, ['rating', 'answer']).then((credits) => {
                if (credits) setTemplates({ ...templates, credits });
              }, showError);
            }}
          >
            提醒我
          </Button>
        </View>
      )}

      {personalised !== null && (
        <View className="card">
          <View className="fb-switch-row">
            <Text>到店个性化服务</Text>
            <Switch
              checked={personalised}
              data-testid="fb-personalised"
              onChange={async (e) => {
                try {
                  setPersonalised((await api.call(setPersonalisation, { body: { personalised: e.detail.value } })).personalised);
                } catch (err) {
                  showError(err);
                }
              }}
            />
          </View>
          <Text className="muted">开启后，你到店（出示会员码、签到、提货）时，当班店员会收到你的会员信息和推荐建议；关闭后不再提醒店员。</Text>
        </View>
      )}
    </View>
  );
}

function NoteForm({ onSent }: { onSent(): void }) {
  const [comment, setComment] = useState('');
  const [photos, setPhotos] = useState<UploadedImage[]>([]);
  const [rating, setRating] = useState(0);
  const [recommend, setRecommend] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const text = comment.trim();
    if (!text) {
      void Taro.showToast({ title: '请写下你的意见', icon: 'none' });
      return;
    }
    setBusy(true);
    try {
      await api.call(submitFeedback, {
        body: {
          comment: text,
          ...(rating ? { rating } : {}),
          ...(recommend !== null ? { recommend } : {}),
          ...(photos.length ? { photoIds: photos.map((p) => p.id) } : {}),
        },
      });
      setComment('');
      setPhotos([]);
      setRating(0);
      setRecommend(null);
      void Taro.showToast({ title: '已收到，谢谢你', icon: 'success' });
      onSent();
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="card" data-testid="fb-note">
      <Text className="card-title">意见箱</Text>
      <Text className="muted">商品、服务、价格、环境，想说什么都可以，店长会认真看每一条。</Text>
      <Textarea
        className="fb-input"
        placeholder="写下你的意见或建议（最多500字）"
        maxlength={500}
        value={comment}
        data-testid="fb-note-text"
        onInput={(e) => setComment(e.detail.value)}
      />
      <PhotoPicker photos={photos} onChange={setPhotos} testId="fb-note-photos" />
      <Text className="muted">整体满意度（选填）</Text>
      <StarPicker value={rating} onChange={setRating} testId="fb-note-stars" />
      <Text className="muted">你会向亲友推荐我们吗？0 = 不会，10 = 一定会（选填）</Text>
      <RecommendScale value={recommend} onChange={setRecommend} />
      <Button className="btn-primary" disabled={busy || undefined} data-testid="fb-note-submit" onClick={() => void submit()}>
        提交
      </Button>
    </View>
  );
}

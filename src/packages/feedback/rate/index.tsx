/** One-tap rating of a moment (a pickup, a shop): stars, then optionally a word and a 0–10 recommendation. */
import { useState } from 'react';
import { Button, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { submitFeedback } from '@contracts/feedback';
import { api } from '../../../api/client';
import { ROUTES } from '../../../api/routes';
import { showError } from '../../../api/errors';
import { useSession } from '../../../api/useSession';
import Gate from '../components/Gate';
import StarPicker, { RecommendScale } from '../components/StarPicker';
import '../feedback.css';
import type { UploadedImage } from '@contracts/uploads';
import { PhotoPicker } from '../components/PhotoPicker';
import { askFeedbackSubscribe, useFeedbackTemplates } from '../components/subscribe';

export default function RatePage() {
  const session = useSession({ autoLogin: true });
  const params = Taro.getCurrentInstance().router?.params ?? {};
  const promptId = Number(params.promptId);
  const title = params.title ? decodeURIComponent(params.title) : '这次体验';
  const [rating, setRating] = useState(0);
  const [recommend, setRecommend] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [photos, setPhotos] = useState<UploadedImage[]>([]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [templates] = useFeedbackTemplates(session.status === 'ready');

  if (session.status !== 'ready') {
    return (
      <View className="page" data-testid="page-feedback-rate">
        <Gate session={session} />
      </View>
    );
  }
  if (!Number.isInteger(promptId) || promptId <= 0) {
    return (
      <View className="page" data-testid="page-feedback-rate">
        <View className="card">
          <Text className="error-text">评价链接无效，请从「意见箱」进入</Text>
        </View>
      </View>
    );
  }
  const submit = async () => {
    if (!rating) {
      void Taro.showToast({ title: '请先选择星级', icon: 'none' });
      return;
    }
    // with a word to answer: ask (from this tap, before any await) to be told when the store replies
    if (comment.trim()) void askFeedbackSubscribe(templates, ['answer']);
    setBusy(true);
    try {
      const text = comment.trim();
      await api.call(submitFeedback, {
        body: {
          promptId,
          rating,
          ...(text ? { comment: text } : {}),
          ...(recommend !== null ? { recommend } : {}),
          ...(photos.length ? { photoIds: photos.map((p) => p.id) } : {}),
        },
      });
      setDone(true);
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="page" data-testid="page-feedback-rate">
      {done ? (
        <View className="card" data-testid="fb-rate-done">
          <Text className="card-title">谢谢你的评价</Text>
          <Text className="muted">店长会看到你的意见，回复会显示在「意见箱 · 我的反馈」里。</Text>
          <Button className="btn-plain" onClick={() => void Taro.redirectTo({ url: ROUTES.feedbackBox })}>
            查看我的反馈
          </Button>
        </View>
      ) : (
        <View className="card">
          <Text className="card-title">{title}，满意吗？</Text>
          <StarPicker value={rating} onChange={setRating} testId="fb-rate-stars" />
          <Text className="muted">你会向亲友推荐我们吗？（选填）</Text>
          <RecommendScale value={recommend} onChange={setRecommend} />
          <Textarea
            className="fb-input"
            placeholder="说说哪里好、哪里可以更好（选填）"
            maxlength={500}
            value={comment}
            data-testid="fb-rate-comment"
            onInput={(e) => setComment(e.detail.value)}
          />
          <PhotoPicker photos={photos} onChange={setPhotos} testId="fb-rate-photos" />
          <Button className="btn-primary" disabled={busy || undefined} data-testid="fb-rate-submit" onClick={() => void submit()}>
            提交评价
          </Button>
        </View>
      )}
    </View>
  );
}

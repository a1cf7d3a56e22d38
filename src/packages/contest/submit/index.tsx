/**
 * Submit an entry (or edit one while it waits for review / after it was turned down): title,
 * display name, story, ingredients and steps (one per line), 1–9 photos uploaded one by one.
 */
import { useEffect, useState } from 'react';
import { Button, Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { ENTRY_LIMITS, EntryInput, getContest, myEntries, submitEntry, updateMyEntry } from '@contracts/contest';
import { api } from '../../../api/client';
import { errorMessage, isApiError } from '../../../api/errors';
import { ensureLogin } from '../../../api/session';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import { FairPlay, FormField, Loading, PendingPage } from '../components';
import { fileUrl, intParam, lines, newRequestId, pageParams, pageUrl, pickPhotos, uploadPhoto } from '../lib';
import '../contest.css';

interface FormPhoto {
  uploadId: number;
  thumbUrl: string;
}

interface FormState {
  title: string;
  displayName: string;
  story: string;
  ingredients: string;
  steps: string;
}

const EMPTY: FormState = { title: '', displayName: '', story: '', ingredients: '', steps: '' };

export default function SubmitPage() {
  const [params] = useState(pageParams);
  const contestId = intParam(params.contestId);
  const entryId = intParam(params.entryId);
  const session = useSession({ autoLogin: true });
  const [form, setForm] = useState<FormState>(EMPTY);
  const [photos, setPhotos] = useState<FormPhoto[]>([]);
  const [uploading, setUploading] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [requestId, setRequestId] = useState(newRequestId);
  const signedIn = session.status === 'ready';

  // The contest, and when editing the entry's current text (which must still be editable).
  const remote = useRemote(
    async () => {
      const contest = await api.call(getContest, { params: { contestId: contestId! } });
      if (!entryId) return { contest, edit: null };
      const mine = await api.call(myEntries, { query: { contestId: contestId! } });
      const e = mine.items.find((x) => x.id === entryId);
      if (!e) throw new Error('作品不存在或已删除');
      if (!e.canEdit) throw new Error(e.status === 'approved' ? '作品已通过审核，不能再修改' : '征集已结束，不能再修改');
      return { contest, edit: e };
    },
    [contestId, entryId],
    { enabled: signedIn && !!contestId, errorText: (err) => (err instanceof Error && !isApiError(err) ? err.message : errorMessage(err)) },
  );
  const loaded = remote.data;
  const contest = loaded?.contest ?? null;
  useEffect(() => {
    if (!loaded) return;
    const e = loaded.edit;
    if (e) {
      setForm({ title: e.title, displayName: e.displayName, story: e.story, ingredients: e.ingredients.join('\n'), steps: e.steps.join('\n') });
      setPhotos(e.photos.map((p) => ({ uploadId: p.uploadId, thumbUrl: p.thumbUrl })));
    } else {
      setForm((f) => (f.displayName ? f : { ...f, displayName: session.member?.nickname?.slice(0, ENTRY_LIMITS.displayNameMax) ?? '' }));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per loaded value
  }, [loaded]);

  const set = (key: keyof FormState) => (e: { detail: { value: string } }) => {
    const value = e.detail.value;
    setForm((f) => ({ ...f, [key]: value }));
  };

  const onAddPhotos = async () => {
    if (uploading) return;
    const room = ENTRY_LIMITS.photosMax - photos.length;
    if (room <= 0) return;
    let picked;
    try {
      picked = await pickPhotos(room);
    } catch (err) {
      if (!/cancel/i.test(String((err as { errMsg?: string })?.errMsg ?? ''))) setPhotoError('没能读取这张照片，请换一张 JPG、PNG 或 WebP 格式的图片');
      return;
    }
    setFormError(null);
    setPhotoError(null);
    const added: FormPhoto[] = [];
    try {
      for (let i = 0; i < picked.length; i++) {
        setUploading(`正在上传 ${i + 1}/${picked.length}`);
        const up = await uploadPhoto(picked[i].path, picked[i].size);
        added.push({ uploadId: up.id, thumbUrl: up.thumbUrl });
        setPhotos((prev) => [...prev, { uploadId: up.id, thumbUrl: up.thumbUrl }].slice(0, ENTRY_LIMITS.photosMax));
      }
    } catch (err) {
      // a rejected photo says which and why, next to the photos (not only at the bottom)
      const why = isApiError(err, 'UPLOAD_TYPE_NOT_ALLOWED', 'UPLOAD_INVALID')
        ? `第 ${added.length + 1} 张不是可用的照片：只支持 JPG、PNG、WebP 格式的图片，请换一张`
        : isApiError(err, 'PAYLOAD_TOO_LARGE')
          ? `第 ${added.length + 1} 张照片太大：每张不超过 8 MB，请换一张`
          : errorMessage(err);
      setPhotoError(`${added.length ? `已上传 ${added.length} 张；` : ''}${why}`);
    } finally {
      setUploading(null);
    }
  };

  const removePhoto = (uploadId: number) => setPhotos((prev) => prev.filter((p) => p.uploadId !== uploadId));

  const onSubmit = async () => {
    if (saving || uploading || !contestId) return;
    const input = {
      title: form.title,
      displayName: form.displayName,
      story: form.story,
      ingredients: lines(form.ingredients),
      steps: lines(form.steps),
      photoIds: photos.map((p) => p.uploadId),
    };
    const parsed = EntryInput.safeParse(input);
    if (!parsed.success) {
      setFormError(parsed.error.issues[0]?.message ?? '请检查填写的内容');
      return;
    }
    setFormError(null);
    setSaving(true);
    try {
      const member = await ensureLogin();
      if (!member) return;
      const saved = entryId
        ? await api.call(updateMyEntry, { params: { entryId }, body: parsed.data })
        : await api.call(submitEntry, { params: { contestId }, body: { ...parsed.data, clientRequestId: requestId } });
      setRequestId(newRequestId());
      void Taro.showToast({ title: saved.status === 'approved' ? '投稿成功，已展示' : '已提交，等待审核', icon: 'none' });
      void Taro.redirectTo({ url: pageUrl('mine', { contestId }) });
    } catch (err) {
      const detail = isApiError(err, 'VALIDATION_FAILED') ? err.details?.[0]?.message : undefined;
      setFormError(detail ? `${err instanceof Error ? err.message : ''}：${detail}` : errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  if (!contestId || remote.error) {
    return <PendingPage testId="page-contest-submit" missing={!contestId && '没有找到这个活动'} remote={remote} />;
  }
  if (!signedIn || !contest) {
    return (
      <View className="page" data-testid="page-contest-submit">
        {session.status === 'error' ? <Text className="error-text">{session.error}</Text> : <Loading />}
      </View>
    );
  }

  const busy = saving || !!uploading;
  return (
    <View className="page" data-testid="page-contest-submit">
      <View className="card">
        <Text className="card-title">{entryId ? '修改作品' : `投稿：${contest.title}`}</Text>
        {!contest.submissionOpen && <Text className="notice">作品征集未开始或已结束</Text>}
        <Text className="muted">提交后由门店审核，通过后展示给邻居们。每人本次活动最多投稿 {ENTRY_LIMITS.perMemberPerContest} 个作品。</Text>
      </View>

      <View className="card">
        <FormField label="菜名" testId="submit-title" value={form.title} maxlength={ENTRY_LIMITS.titleMax} placeholder="例如：蛋饺" onInput={set('title')} />
        <FormField
          label="署名"
          testId="submit-display-name"
          value={form.displayName}
          maxlength={ENTRY_LIMITS.displayNameMax}
          placeholder="例如：王阿姨"
          onInput={set('displayName')}
          hint="入选后菜品会以这个名字署名，例如「王阿姨的拿手蛋饺」"
        />
        <FormField
          multiline
          label="这道菜的故事"
          testId="submit-story"
          value={form.story}
          maxlength={ENTRY_LIMITS.storyMax}
          placeholder="它是谁教你做的？为什么过年一定要有它？"
          onInput={set('story')}
        />
        <FormField
          multiline
          label="食材"
          testId="submit-ingredients"
          value={form.ingredients}
          maxlength={ENTRY_LIMITS.itemMax * ENTRY_LIMITS.ingredientsMax}
          placeholder={'每行一种，例如：\n鸡蛋 6个\n猪肉末 200克'}
          onInput={set('ingredients')}
          hint={`已填 ${lines(form.ingredients).length} 种`}
        />
        <FormField
          multiline
          label="做法"
          testId="submit-steps"
          value={form.steps}
          maxlength={ENTRY_LIMITS.itemMax * ENTRY_LIMITS.stepsMax}
          placeholder={'每行一步，例如：\n肉末加葱姜调味\n小火摊蛋皮，包入肉馅'}
          onInput={set('steps')}
          hint={`已填 ${lines(form.steps).length} 步`}
        />
        <View className="field">
          <Text className="field-label">
            照片（{photos.length}/{ENTRY_LIMITS.photosMax}）
          </Text>
          <View className="uploader" data-testid="submit-photos">
            {photos.map((p) => (
              <View key={p.uploadId} className="uploader-item">
                <Image className="uploader-img" src={fileUrl(p.thumbUrl)} mode="aspectFill" data-testid="submit-photo" />
                <View className="uploader-remove" data-testid={`submit-photo-remove-${p.uploadId}`} onClick={() => removePhoto(p.uploadId)}>
                  ×
                </View>
              </View>
            ))}
            {photos.length < ENTRY_LIMITS.photosMax && (
              <View className="uploader-add" data-testid="submit-add-photo" onClick={onAddPhotos}>
                <Text className="uploader-plus">+</Text>
                <Text>{uploading ?? '添加照片'}</Text>
              </View>
            )}
          </View>
          <Text className="field-hint">第一张是封面；支持 JPG、PNG、WebP，每张不超过 8 MB</Text>
          {photoError && (
            <Text className="notice" data-testid="submit-photo-error">
              {photoError}
            </Text>
          )}
        </View>
      </View>

      {formError && (
        <Text className="notice" data-testid="submit-error">
          {formError}
        </Text>
      )}
      <Button className="btn-primary" data-testid="submit-save" loading={saving || undefined} disabled={busy || undefined} onClick={onSubmit}>
        {entryId ? '保存修改' : '提交作品'}
      </Button>
      <View className="card" style={{ marginTop: '24px' }}>
        <Text className="muted">提交即表示你同意活动规则：</Text>
        <Text className="rules-text">{contest.rulesText}</Text>
        <FairPlay text={contest.fairPlayText} />
      </View>
    </View>
  );
}

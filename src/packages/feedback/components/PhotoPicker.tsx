/**
 * Up to 3 photos on a feedback note: chosen with Taro.chooseImage and uploaded at once through the
 * member upload route (type, size and the daily quota are checked there); the note sends their ids.
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import { ApiError } from '@contracts/client';
import type { ErrorCode } from '@contracts/errors';
import { FEEDBACK_MAX_PHOTOS } from '@contracts/feedback';
import { UPLOAD_FIELD, uploadMemberImage, type UploadedImage } from '@contracts/uploads';
import { apiBase, getToken } from '../../../api/client';

async function uploadImage(filePath: string): Promise<UploadedImage> {
  const token = getToken();
  let res: Taro.uploadFile.SuccessCallbackResult;
  try {
    res = await Taro.uploadFile({ url: `${apiBase}${uploadMemberImage.path}`, filePath, name: UPLOAD_FIELD, header: token ? { authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR' as ErrorCode, '照片上传失败，请检查网络后重试');
  }
  let body: (Partial<UploadedImage> & { code?: string; message?: string }) | undefined;
  try {
    body = typeof res.data === 'string' ? JSON.parse(res.data) : (res.data as typeof body);
  } catch {
    body = undefined;
  }
  if (res.statusCode >= 200 && res.statusCode < 300 && body && typeof body.id === 'number') return body as UploadedImage;
  throw new ApiError(res.statusCode || 500, (body?.code ?? 'INTERNAL') as ErrorCode, body?.message ?? '照片上传失败，请稍后再试');
}

export function PhotoPicker({ photos, onChange, testId }: { photos: UploadedImage[]; onChange(p: UploadedImage[]): void; testId: string }) {
  const [busy, setBusy] = useState(false);
  const add = async () => {
    let paths: string[];
    try {
      const r = await Taro.chooseImage({ count: FEEDBACK_MAX_PHOTOS - photos.length, sizeType: ['compressed'], sourceType: ['album', 'camera'] });
      paths = r.tempFilePaths;
    } catch {
      return; // cancelled
    }
    setBusy(true);
    const added: UploadedImage[] = [];
    try {
      for (const p of paths) added.push(await uploadImage(p));
    } catch (err) {
      void Taro.showToast({ title: err instanceof ApiError ? err.message : '照片上传失败', icon: 'none' });
    } finally {
      setBusy(false);
      if (added.length) onChange([...photos, ...added].slice(0, FEEDBACK_MAX_PHOTOS));
    }
  };
  return (
    <View className="fb-photos" data-testid={testId}>
      {photos.map((p) => (
        <View key={p.id} className="fb-photo" onClick={() => onChange(photos.filter((x) => x.id !== p.id))}>
          <Image src={p.thumbUrl} mode="aspectFill" className="fb-photo-img" />
          <Text className="fb-photo-x">×</Text>
        </View>
      ))}
      {photos.length < FEEDBACK_MAX_PHOTOS && (
        <View className="fb-photo fb-photo-add" data-testid={`${testId}-add`} onClick={() => !busy && void add()}>
          <Text>{busy ? '上传中…' : '+ 照片'}</Text>
        </View>
      )}
    </View>
  );
}

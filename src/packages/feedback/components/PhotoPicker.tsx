/**
 * Up to 3 photos on a feedback note: chosen with Taro.chooseImage and uploaded at once through the
 * member upload route (type, size and the daily quota are checked there); the note sends their ids.
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import { FEEDBACK_MAX_PHOTOS } from '@contracts/feedback';
import { ApiError } from '@contracts/client';
import type { UploadedImage } from '@contracts/uploads';
import { uploadImage } from '../../../api/upload';

const uploadPhoto = (filePath: string) => uploadImage(filePath, '照片');

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
      for (const p of paths) added.push(await uploadPhoto(p));
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

/** Helpers of the 我的 subpackage: avatar upload through Taro.uploadFile, money text. */
import Taro from '@tarojs/taro';
import { ApiError } from '@contracts/client';
import type { ErrorCode } from '@contracts/errors';
import { UPLOAD_FIELD, uploadMemberImage, type UploadedImage } from '@contracts/uploads';
import { apiBase, getToken } from '../../api/client';
import { yuan } from '../../api/cashier';

export const PAGES = {
  edit: '/packages/profile/edit/index',
  household: '/packages/profile/household/index',
  join: '/packages/profile/join/index',
  store: '/packages/profile/store/index',
  coupons: '/packages/profile/coupons/index',
} as const;

/** Upload an image the member chose (avatar); the server checks type and size. */
export async function uploadImage(filePath: string): Promise<UploadedImage> {
  const token = getToken();
  let res: Taro.uploadFile.SuccessCallbackResult;
  try {
    res = await Taro.uploadFile({ url: `${apiBase}${uploadMemberImage.path}`, filePath, name: UPLOAD_FIELD, header: token ? { authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR' as ErrorCode, '图片上传失败，请检查网络后重试');
  }
  let body: (Partial<UploadedImage> & { code?: string; message?: string }) | undefined;
  try {
    body = typeof res.data === 'string' ? JSON.parse(res.data) : (res.data as typeof body);
  } catch {
    body = undefined;
  }
  if (res.statusCode >= 200 && res.statusCode < 300 && body && typeof body.id === 'number') return body as UploadedImage;
  throw new ApiError(res.statusCode || 500, (body?.code ?? 'INTERNAL') as ErrorCode, body?.message ?? '图片上传失败，请稍后再试');
}

export { yuan };

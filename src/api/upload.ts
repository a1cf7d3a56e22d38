/**
 * One member image upload for every subpackage (avatar, feedback photos): Taro.uploadFile to the
 * member upload route, which checks type, size and the daily quota. Failures become ApiErrors with
 * the server's code and Chinese message; `noun` names the thing in the network-error text.
 */
import Taro from '@tarojs/taro';
import { ApiError } from '@contracts/client';
import type { ErrorCode } from '@contracts/errors';
import { UPLOAD_FIELD, uploadMemberImage, type UploadedImage } from '@contracts/uploads';
import { apiBase, getToken } from './client';

export async function uploadImage(filePath: string, noun = '图片'): Promise<UploadedImage> {
  const token = getToken();
  let res: Taro.uploadFile.SuccessCallbackResult;
  try {
    res = await Taro.uploadFile({
      url: `${apiBase}${uploadMemberImage.path}`,
      filePath,
      name: UPLOAD_FIELD,
      header: token ? { authorization: `Bearer ${token}` } : {},
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR' as ErrorCode, `${noun}上传失败，请检查网络后重试`);
  }
  let body: (Partial<UploadedImage> & { code?: string; message?: string }) | undefined;
  try {
    body = typeof res.data === 'string' ? JSON.parse(res.data) : (res.data as typeof body);
  } catch {
    body = undefined;
  }
  if (res.statusCode >= 200 && res.statusCode < 300 && body && typeof body.id === 'number') return body as UploadedImage;
  throw new ApiError(res.statusCode || 500, (body?.code ?? 'INTERNAL') as ErrorCode, body?.message ?? `${noun}上传失败，请稍后再试`);
}

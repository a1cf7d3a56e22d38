import Taro from '@tarojs/taro';
import { ApiError } from '@contracts/client';

/** The message to show a member for any failure: the server's Chinese message for API errors. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err && typeof err === 'object' && 'errMsg' in err) {
    const msg = String((err as { errMsg: unknown }).errMsg);
    if (/cancel/i.test(msg)) return '已取消';
    if (/privacy/i.test(msg)) return '需要先同意《隐私保护指引》';
  }
  return '系统开小差了，请稍后再试';
}

export function showError(err: unknown): void {
  void Taro.showToast({ title: errorMessage(err), icon: 'none', duration: 2500 });
}

export function isApiError(err: unknown, ...codes: string[]): err is ApiError {
  return err instanceof ApiError && (codes.length === 0 || codes.includes(err.code));
}

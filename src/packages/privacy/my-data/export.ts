/**
 * 导出JSON. h5: download a file. weapp: write a file and share it to a chat (the simplest way
 * to get a file out of a mini-program); if sharing is unavailable or fails, copy to the clipboard.
 */
import Taro from '@tarojs/taro';
import { dayKey } from '@contracts/calendar';

export function exportFileName(now = new Date()): string {
  const ymd = dayKey(now).replace(/-/g, ''); // Asia/Shanghai date for the name
  return `my-data-${ymd}.json`;
}

export async function exportJson(data: unknown): Promise<'downloaded' | 'shared' | 'copied'> {
  const json = JSON.stringify(data, null, 2);
  const fileName = exportFileName();
  if (process.env.TARO_ENV === 'h5') {
    const blob = new Blob([json], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    return 'downloaded';
  }
  try {
    const env = (globalThis as unknown as { wx?: { env?: { USER_DATA_PATH?: string } } }).wx?.env;
    const filePath = `${env?.USER_DATA_PATH ?? ''}/${fileName}`;
    Taro.getFileSystemManager().writeFileSync(filePath, json, 'utf8');
    await Taro.shareFileMessage({ filePath, fileName });
    return 'shared';
  } catch (err) {
    if (/cancel/i.test(String((err as { errMsg?: string })?.errMsg ?? ''))) throw err;
    await Taro.setClipboardData({ data: json });
    return 'copied';
  }
}

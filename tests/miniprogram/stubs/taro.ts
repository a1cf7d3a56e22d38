/**
 * Stand-in for @tarojs/taro in component tests: an in-memory storage, and jest mocks for the
 * APIs pages call. Tests drive the network through `request` (see tests/miniprogram/fakeApi.ts).
 */
const storage = new Map<string, unknown>();

export const __storage = storage;

const Taro = {
  request: jest.fn(async (_opts: unknown): Promise<{ statusCode: number; data: unknown }> => {
    throw new Error('Taro.request called without a fake API installed');
  }),
  login: jest.fn(async () => ({ code: 'wx-code-1', errMsg: 'login:ok' })),
  getStorageSync: jest.fn((key: string) => (storage.has(key) ? storage.get(key) : '')),
  setStorageSync: jest.fn((key: string, value: unknown) => {
    storage.set(key, value);
  }),
  removeStorageSync: jest.fn((key: string) => {
    storage.delete(key);
  }),
  showToast: jest.fn(async () => ({ errMsg: 'showToast:ok' })),
  showModal: jest.fn(async () => ({ confirm: true, cancel: false })),
  navigateTo: jest.fn(async () => ({ errMsg: 'navigateTo:ok' })),
  switchTab: jest.fn(async () => ({ errMsg: 'switchTab:ok' })),
  reLaunch: jest.fn(async () => ({ errMsg: 'reLaunch:ok' })),
  exitMiniProgram: jest.fn(async () => ({ errMsg: 'exitMiniProgram:ok' })),
  setClipboardData: jest.fn(async () => ({ errMsg: 'setClipboardData:ok' })),
  shareFileMessage: jest.fn(async () => ({ errMsg: 'shareFileMessage:ok' })),
  getFileSystemManager: jest.fn(() => ({ writeFileSync: jest.fn() })),
  getCurrentPages: jest.fn((): Array<{ route: string }> => [{ route: 'pages/home/index' }]),
  onNeedPrivacyAuthorization: jest.fn(),
};

export function useLaunch(fn: () => void) {
  fn();
}
export function useDidShow(_fn: () => void) {}
/** Handlers pages register with useShareAppMessage (the latest is what WeChat would call). */
export const shareHandlers: Array<() => { title: string; path: string; promise?: Promise<{ title: string; path: string }> }> = [];
export function useShareAppMessage(fn: (typeof shareHandlers)[number]) {
  shareHandlers.push(fn);
}

export default Taro;

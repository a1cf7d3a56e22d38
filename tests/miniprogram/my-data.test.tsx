import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import MyDataPage from '../../src/packages/privacy/my-data/index';
import { getToken, setToken } from '../../src/api/client';
import { getSessionState, resetSessionForTests } from '../../src/api/session';
import { installFakeApi } from './fakeApi';
import { __storage } from './stubs/taro';

const myData = {
  exportedAt: '2026-11-20T04:00:00.000Z',
  member: {
    id: 7,
    openid: 'o_test_openid_7',
    unionid: null,
    nickname: '王阿姨',
    avatarUrl: null,
    phone: null,
    tier: '金卡会员',
    storeName: '幸福里店',
    createdAt: '2026-11-01T16:30:00.000Z',
  },
  household: { id: 2, name: '王家', members: [{ nickname: '小王', relation: '儿子' }] },
  consents: [{ version: '2026-11-01', action: 'granted', at: '2026-11-01T16:30:00.000Z' }],
  sessions: [{ createdAt: '2026-11-19T23:59:00.000Z', lastSeenAt: null, userAgent: 'WeChat/8.0' }],
  wecomContacts: [{ staffName: '店长小李', addedAt: '2026-11-03T01:00:00.000Z' }],
  activity: { classRegistrations: [{ className: '包饺子', registeredAt: '2026-11-10T12:00:00.000Z' }] },
};

beforeEach(() => {
  __storage.clear();
  resetSessionForTests();
  process.env.TARO_ENV = 'weapp';
  setToken('tok-7');
});

describe('我的数据 page', () => {
  it('renders every section, with times in Asia/Shanghai', async () => {
    installFakeApi({ 'GET /api/me/data': [200, myData] });
    render(<MyDataPage />);
    expect((await screen.findByTestId('mydata-openid')).textContent).toBe('o_test_openid_7');
    expect(screen.getByTestId('mydata-nickname').textContent).toBe('王阿姨');
    // 16:30Z on 1 Nov is 00:30 on 2 Nov in Shanghai.
    expect(screen.getByTestId('mydata-created').textContent).toBe('2026-11-02 00:30');
    expect(screen.getByTestId('mydata-household').textContent).toContain('王家');
    expect(screen.getByTestId('mydata-household').textContent).toContain('小王');
    expect(screen.getByTestId('mydata-consents').textContent).toContain('同意《隐私保护指引》2026-11-01');
    expect(screen.getByTestId('mydata-sessions').textContent).toContain('2026-11-20 07:59');
    expect(screen.getByTestId('mydata-wecom').textContent).toContain('店长小李');
    expect(screen.getByTestId('mydata-activity').textContent).toContain('包饺子');
    expect(screen.getByTestId('mydata-activity').textContent).toContain('2026-11-10 20:00');
  });

  it('labels every section and field in Chinese and translates values; the export keeps machine keys', async () => {
    const data = {
      ...myData,
      activity: {
        contestEntries: [{ id: 3, title: '蛋饺', status: 'pending', rejectReason: null, votes: 0, createdAt: '2026-11-10T12:00:00.000Z' }],
        contestVotes: [{ contestId: 1, entryId: 3, day: '2026-11-11', at: '2026-11-11T01:00:00.000Z', voided: false }],
        journeys: [{ type: 'coupon', title: '老朋友回归券', amountFen: 1000, issuedAt: '2026-11-12T01:00:00.000Z', validUntil: '2026-11-19T01:00:00.000Z' }],
        someLaterSection: [{ someField: 'x', status: 'brand_new_state' }],
      },
    };
    installFakeApi({ 'GET /api/me/data': [200, data] });
    render(<MyDataPage />);
    const activity = await screen.findByTestId('mydata-activity');
    const text = activity.textContent ?? '';
    expect(text).toContain('菜谱大赛投稿（1 条）');
    expect(text).toContain('状态：待审核');
    expect(text).toContain('是否作废：否');
    expect(text).toContain('金额：10.00 元');
    expect(text).toContain('类型：优惠券');
    expect(text).toContain('时间：2026-11-11 09:00');
    expect(text).toContain('其他记录（1 条）');
    // no machine key or untranslated enumeration anywhere in the labels
    for (const el of Array.from(document.querySelectorAll('.row-label, .record-line'))) {
      const label = (el.textContent ?? '').split('：')[0];
      expect(label).not.toMatch(/[A-Za-z]/);
    }
    expect(text).not.toMatch(/pending|voided|amountFen|contestVotes|brand_new_state/);
  });

  it('shows the server message when loading fails', async () => {
    installFakeApi({ 'GET /api/me/data': [403, { code: 'ACCOUNT_DELETED', message: '该账号已注销' }] });
    render(<MyDataPage />);
    expect((await screen.findByTestId('mydata-error')).textContent).toBe('该账号已注销');
  });

  it('deletes the account only after the confirm step', async () => {
    const fake = installFakeApi({ 'GET /api/me/data': [200, myData], 'POST /api/me/delete': [200, { deleted: true }] });
    render(<MyDataPage />);
    fireEvent.click(await screen.findByTestId('mydata-delete'));
    expect(fake.callsTo('POST /api/me/delete')).toHaveLength(0);

    // Backing out keeps everything.
    fireEvent.click(screen.getByTestId('mydata-delete-cancel'));
    expect(screen.queryByTestId('mydata-delete-confirm')).toBeNull();
    expect(fake.callsTo('POST /api/me/delete')).toHaveLength(0);

    fireEvent.click(screen.getByTestId('mydata-delete'));
    fireEvent.click(screen.getByTestId('mydata-delete-confirm'));
    await waitFor(() => expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/packages/privacy/consent/index' }));
    const deletes = fake.callsTo('POST /api/me/delete');
    expect(deletes).toHaveLength(1);
    expect(deletes[0].body).toEqual({ confirm: true });
    expect(deletes[0].headers.authorization).toBe('Bearer tok-7');
    expect(getToken()).toBeNull();
    expect(getSessionState().status).toBe('needs-consent');
  });

  it('keeps the session when deletion fails', async () => {
    installFakeApi({ 'GET /api/me/data': [200, myData], 'POST /api/me/delete': [429, { code: 'RATE_LIMITED', message: '操作太频繁，请稍后再试' }] });
    render(<MyDataPage />);
    fireEvent.click(await screen.findByTestId('mydata-delete'));
    fireEvent.click(screen.getByTestId('mydata-delete-confirm'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '操作太频繁，请稍后再试' })));
    expect(getToken()).toBe('tok-7');
    expect(Taro.reLaunch).not.toHaveBeenCalled();
  });

  it('exports the JSON (weapp: file share)', async () => {
    installFakeApi({ 'GET /api/me/data': [200, myData] });
    const writeFileSync = jest.fn();
    (Taro.getFileSystemManager as jest.Mock).mockReturnValueOnce({ writeFileSync });
    render(<MyDataPage />);
    fireEvent.click(await screen.findByTestId('mydata-export'));
    await waitFor(() => expect(Taro.shareFileMessage).toHaveBeenCalled());
    const [, content] = writeFileSync.mock.calls[0];
    expect(JSON.parse(content)).toEqual(myData);
  });

  it('exports the JSON (h5: download)', async () => {
    process.env.TARO_ENV = 'h5';
    installFakeApi({ 'GET /api/me/data': [200, myData] });
    const blobs: Blob[] = [];
    (URL as unknown as { createObjectURL: (b: Blob) => string }).createObjectURL = (b: Blob) => {
      blobs.push(b);
      return 'blob:fake';
    };
    (URL as unknown as { revokeObjectURL: () => void }).revokeObjectURL = () => undefined;
    const clicked: string[] = [];
    jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    render(<MyDataPage />);
    fireEvent.click(await screen.findByTestId('mydata-export'));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]).toMatch(/^my-data-\d{8}\.json$/);
    // jsdom's Blob has no text(): read it the old way.
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(blobs[0]);
    });
    expect(JSON.parse(text)).toEqual(myData);
  });
});

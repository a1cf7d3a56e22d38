/** Submitting and editing an entry (photos through chooseImage + uploadFile), and 「我的作品」. */
jest.mock('@tarojs/taro', () => require('./contestHelpers').mockTaroModule());
jest.mock('@tarojs/components', () => require('./contestHelpers').mockComponentsModule());

import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import SubmitPage from '../../src/packages/contest/submit/index';
import MyEntriesPage from '../../src/packages/contest/mine/index';
import { setToken } from '../../src/api/client';
import { resetSessionForTests } from '../../src/api/session';
import { installFakeApi, sampleMember } from './fakeApi';
import { __storage } from './stubs/taro';
import { resetContestMocks, routerParams, sampleContest, sampleMyEntry } from './contestHelpers';

const T = Taro as unknown as { chooseImage: jest.Mock; uploadFile: jest.Mock; redirectTo: jest.Mock; navigateTo: jest.Mock };

beforeEach(() => {
  __storage.clear();
  resetSessionForTests();
  resetContestMocks();
  process.env.TARO_ENV = 'weapp';
  setToken('tok-1');
});

function uploaded(id: number) {
  return {
    id,
    url: `/api/files/p${id}.jpg`,
    thumbUrl: `/api/files/p${id}_t.jpg`,
    mime: 'image/jpeg',
    bytes: 1234,
    width: 800,
    height: 600,
    createdAt: '2026-12-01T02:00:00.000Z',
  };
}

const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('submit an entry', () => {
  it('uploads the chosen photos, checks the form, and submits it once with a request id', async () => {
    routerParams.contestId = '5';
    const fake = installFakeApi({
      'GET /api/me': [200, sampleMember],
      'GET /api/contests/5': [200, sampleContest()],
      'POST /api/contests/5/entries': (call) => [200, sampleMyEntry(40, { ...(call.body as object), status: 'pending' })],
    });
    T.chooseImage.mockResolvedValue({ tempFilePaths: ['wxfile://a.jpg', 'wxfile://b.jpg'], tempFiles: [{ size: 1000 }, { size: 2000 }] });
    let next = 101;
    T.uploadFile.mockImplementation(async () => ({ statusCode: 200, data: JSON.stringify(uploaded(next++)) }));

    render(<SubmitPage />);
    await screen.findByTestId('submit-title');
    // The member's nickname is the suggested credit.
    expect((screen.getByTestId('submit-display-name') as HTMLInputElement).value).toBe('王阿姨');

    // Nothing filled in: the contract's own message, and no request.
    fireEvent.click(screen.getByTestId('submit-save'));
    expect(screen.getByTestId('submit-error').textContent).toBe('请填写菜名');

    type('submit-title', '蛋饺');
    type('submit-story', '外婆的手艺');
    type('submit-ingredients', '鸡蛋 6个\n\n 猪肉末 200克 \n');
    type('submit-steps', '肉末调味\n摊蛋皮包馅');
    fireEvent.click(screen.getByTestId('submit-save'));
    expect(screen.getByTestId('submit-error').textContent).toBe('请至少上传1张照片');

    fireEvent.click(screen.getByTestId('submit-add-photo'));
    await waitFor(() => expect(screen.getAllByTestId('submit-photo')).toHaveLength(2));
    expect(T.chooseImage).toHaveBeenCalledWith(expect.objectContaining({ count: 9 }));
    expect(T.uploadFile).toHaveBeenCalledTimes(2);
    expect(T.uploadFile.mock.calls[0][0]).toMatchObject({
      url: '/api/uploads/images',
      filePath: 'wxfile://a.jpg',
      name: 'file',
      header: { authorization: 'Bearer tok-1' },
    });

    // Removing one keeps the other.
    fireEvent.click(screen.getByTestId('submit-photo-remove-101'));
    expect(screen.getAllByTestId('submit-photo')).toHaveLength(1);

    fireEvent.click(screen.getByTestId('submit-save'));
    await waitFor(() => expect(T.redirectTo).toHaveBeenCalledWith({ url: '/packages/contest/mine/index?contestId=5' }));
    const calls = fake.callsTo('POST /api/contests/5/entries');
    expect(calls).toHaveLength(1);
    const body = calls[0].body as Record<string, unknown>;
    expect(body).toMatchObject({
      title: '蛋饺',
      displayName: '王阿姨',
      story: '外婆的手艺',
      ingredients: ['鸡蛋 6个', '猪肉末 200克'],
      steps: ['肉末调味', '摊蛋皮包馅'],
      photoIds: [102],
    });
    expect(String(body.clientRequestId).length).toBeGreaterThanOrEqual(8);
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已提交，等待审核' }));
  });

  it("shows the server's upload error (wrong type) and keeps the form", async () => {
    routerParams.contestId = '5';
    installFakeApi({ 'GET /api/me': [200, sampleMember], 'GET /api/contests/5': [200, sampleContest()] });
    T.chooseImage.mockResolvedValue({ tempFilePaths: ['wxfile://a.gif'], tempFiles: [{ size: 10 }] });
    T.uploadFile.mockResolvedValue({ statusCode: 415, data: JSON.stringify({ code: 'UPLOAD_TYPE_NOT_ALLOWED', message: '只支持 JPG、PNG、WebP 格式的图片' }) });
    render(<SubmitPage />);
    fireEvent.click(await screen.findByTestId('submit-add-photo'));
    await waitFor(() => expect(screen.getByTestId('submit-photo-error').textContent).toBe('第 1 张不是可用的照片：只支持 JPG、PNG、WebP 格式的图片，请换一张'));
    expect(screen.queryAllByTestId('submit-photo')).toHaveLength(0);
  });

  it('refuses a photo over 8 MB before uploading it', async () => {
    routerParams.contestId = '5';
    installFakeApi({ 'GET /api/me': [200, sampleMember], 'GET /api/contests/5': [200, sampleContest()] });
    T.chooseImage.mockResolvedValue({ tempFilePaths: ['wxfile://big.jpg'], tempFiles: [{ size: 9 * 1024 * 1024 }] });
    render(<SubmitPage />);
    fireEvent.click(await screen.findByTestId('submit-add-photo'));
    await waitFor(() => expect(screen.getByTestId('submit-photo-error').textContent).toBe('第 1 张照片太大：每张不超过 8 MB，请换一张'));
    expect(T.uploadFile).not.toHaveBeenCalled();
  });

  it('edits a rejected entry: prefilled, saved with PUT', async () => {
    routerParams.contestId = '5';
    routerParams.entryId = '40';
    const fake = installFakeApi({
      'GET /api/me': [200, sampleMember],
      'GET /api/contests/5': [200, sampleContest()],
      'GET /api/me/contest-entries': [
        200,
        { items: [sampleMyEntry(40, { status: 'rejected', statusLabel: '未通过', rejectReason: '含联系方式', canEdit: true })] },
      ],
      'PUT /api/entries/40': (call) => [200, sampleMyEntry(40, { ...(call.body as object) })],
    });
    render(<SubmitPage />);
    await waitFor(() => expect((screen.getByTestId('submit-title') as HTMLInputElement).value).toBe('蛋饺'));
    expect((screen.getByTestId('submit-ingredients') as HTMLTextAreaElement).value).toBe('鸡蛋 6个\n猪肉末 200克');
    expect(screen.getAllByTestId('submit-photo')).toHaveLength(2);
    type('submit-story', '外婆的手艺（已删除联系方式）');
    fireEvent.click(screen.getByTestId('submit-save'));
    await waitFor(() => expect(fake.callsTo('PUT /api/entries/40')).toHaveLength(1));
    expect(fake.callsTo('PUT /api/entries/40')[0].body).toEqual({
      title: '蛋饺',
      displayName: '王阿姨',
      story: '外婆的手艺（已删除联系方式）',
      ingredients: ['鸡蛋 6个', '猪肉末 200克'],
      steps: ['肉末调味', '摊蛋皮包馅'],
      photoIds: [31, 32],
    });
    expect(fake.callsTo('POST /api/contests/5/entries')).toHaveLength(0);
  });

  it('will not edit an approved entry', async () => {
    routerParams.contestId = '5';
    routerParams.entryId = '40';
    installFakeApi({
      'GET /api/me': [200, sampleMember],
      'GET /api/contests/5': [200, sampleContest()],
      'GET /api/me/contest-entries': [200, { items: [sampleMyEntry(40, { status: 'approved', statusLabel: '已通过', canEdit: false })] }],
    });
    render(<SubmitPage />);
    expect((await screen.findByTestId('contest-load-error')).textContent).toBe('作品已通过审核，不能再修改');
  });
});

describe('我的作品', () => {
  it("shows each entry's status, the rejection reason, and the right actions", async () => {
    routerParams.contestId = '5';
    const fake = installFakeApi({
      'GET /api/me': [200, sampleMember],
      'GET /api/me/contest-entries': [
        200,
        {
          items: [
            sampleMyEntry(41, { title: '酱鸭', status: 'rejected', statusLabel: '未通过', rejectReason: '含联系方式或引流信息', canEdit: true }),
            sampleMyEntry(40, {
              status: 'approved',
              statusLabel: '已通过',
              canEdit: false,
              voteCount: 6,
              award: 'listed',
              awardLabel: '已上架',
              dishId: 3,
              dishName: '王阿姨的拿手蛋饺',
            }),
            sampleMyEntry(42, { title: '八宝饭', status: 'pending', statusLabel: '审核中', canEdit: true }),
          ],
        },
      ],
    });
    render(<MyEntriesPage />);
    expect((await screen.findByTestId('mine-reason-41')).textContent).toBe('未通过原因：含联系方式或引流信息');
    expect(fake.callsTo('GET /api/me/contest-entries')[0].url).toContain('contestId=5');
    expect(screen.getByTestId('mine-status-41').textContent).toBe('未通过');
    expect(screen.getByTestId('mine-status-40').textContent).toBe('已通过');
    expect(screen.getByTestId('mine-status-42').textContent).toBe('审核中');
    expect(screen.getByTestId('mine-dish-40').textContent).toBe('已上架年夜饭菜单：王阿姨的拿手蛋饺');
    expect(screen.queryByTestId('mine-edit-40')).toBeNull();
    expect(screen.getByTestId('mine-edit-41').textContent).toBe('修改后重新提交');
    fireEvent.click(screen.getByTestId('mine-edit-42'));
    expect(T.navigateTo).toHaveBeenCalledWith({ url: '/packages/contest/submit/index?contestId=5&entryId=42' });
    fireEvent.click(screen.getByTestId('mine-view-40'));
    expect(T.navigateTo).toHaveBeenCalledWith({ url: '/packages/contest/entry/index?id=40' });
  });
});

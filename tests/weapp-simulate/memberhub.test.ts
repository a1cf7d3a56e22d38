/** The member-hub pages (issue 18) rendered from the compiled weapp output by miniprogram-simulate. */
import { buttonAttrKey, createHarness, findNode, nodeText, waitFor, type Harness } from './harness';

const member = {
  id: 7,
  nickname: '王阿姨',
  avatarUrl: null,
  tier: '金卡会员',
  storeId: 3,
  storeName: '幸福里店',
  householdId: 2,
  consentVersion: '2026-12-06',
  createdAt: '2026-11-01T02:00:00.000Z',
};

const recipe = {
  id: 11,
  title: '南瓜小米粥',
  coverUrl: null,
  minutes: 20,
  difficulty: 'easy',
  servings: 2,
  tags: ['宝宝营养'],
  authorDisplayName: null,
  fromContest: false,
  favouriteCount: 3,
  intro: '软糯好消化',
  ingredients: [{ name: '南瓜', amount: '200克', product: '本地贝贝南瓜' }],
  steps: ['南瓜切块蒸熟', '和小米一起煮粥'],
  kit: { itemRef: 'kit-9', label: '买南瓜粥料理包' },
  relatedSession: { id: 31, title: '宝宝辅食课', startsAt: '2026-12-12T02:00:00.000Z', registrationOpen: true },
  favourited: false,
  publishedAt: '2026-12-01T02:00:00.000Z',
};

const household = {
  id: 2,
  name: '王家',
  childrenCount: 1,
  members: [
    { id: 7, nickname: '王阿姨', avatarUrl: null, relation: '本人', isMe: true },
    { id: 8, nickname: '王叔叔', avatarUrl: null, relation: '配偶', isMe: false },
  ],
};

let h: Harness;
beforeEach(() => {
  jest.resetModules();
  document.body.innerHTML = '';
  h = createHarness();
  h.storage.set('member_token', 'tok-stored');
  h.routes['GET /api/me'] = [200, member];
});

/** A node of the page tree whose text is exactly `label` (Taro's own template nodes, not the text leaf). */
const nodeLabelled = (root: unknown, label: string) => findNode(root, (n) => nodeText(n) === label && n.nn !== '9' && !!n.sid);

describe('member hub pages from the weapp build', () => {
  it('个人资料 uses WeChat’s avatar button and nickname input', async () => {
    const page = await h.loadPage('packages/profile/edit/index');
    await waitFor(() => page.text().includes('保存昵称'), 'the profile form');
    const tree = JSON.stringify(page.data().root);
    expect(tree).toContain('"chooseAvatar"');
    const avatar = findNode(page.data().root, (n) => n[buttonAttrKey('open-type')] === 'chooseAvatar');
    expect(avatar).toBeTruthy();
    expect(tree).toContain('"nickname"'); // <input type="nickname">
    expect(page.text()).toContain('不能包含电话、微信号等联系方式');
  });

  it('菜谱 detail shows the 料理包, the class, 收藏 and a share button', async () => {
    h.routes['GET /api/recipes/11'] = [200, recipe];
    h.routes['PUT /api/recipes/11/favourite'] = [200, { favourited: true, favouriteCount: 4 }];
    const page = await h.loadPage('packages/recipes/detail/index', { id: '11' });
    await waitFor(() => page.text().includes('南瓜小米粥'), 'the recipe');
    const text = page.text();
    expect(text).toContain('买南瓜粥料理包');
    expect(text).toContain('报名「宝宝辅食课」');
    expect(text).toContain('本地贝贝南瓜');
    expect(text).toContain('和小米一起煮粥');
    const share = nodeLabelled(page.data().root, '分享给家人朋友');
    expect(share[buttonAttrKey('open-type')]).toBe('share');
    await page.tap('收藏（3）');
    await waitFor(() => page.text().includes('已收藏（4）'), 'the saved state');
    expect(h.requests.find((r) => r.path === '/api/recipes/11/favourite')?.method).toBe('PUT');
  });

  it('我的家庭 lists the family and makes an invitation card to share', async () => {
    h.routes['GET /api/me/household'] = [200, { household }];
    h.routes['POST /api/me/household/invites'] = [
      200,
      {
        token: 'tok123456',
        householdName: '王家',
        inviterNickname: '王阿姨',
        expiresAt: '2026-12-12T02:00:00.000Z',
        path: '/packages/profile/join/index?token=tok123456',
      },
    ];
    const page = await h.loadPage('packages/profile/household/index');
    await waitFor(() => page.text().includes('王家（2 人）'), 'the household');
    expect(page.text()).toContain('王叔叔');
    await page.tap('生成邀请卡片');
    await waitFor(() => page.text().includes('邀请你加入「王家」'), 'the invitation card');
    const share = nodeLabelled(page.data().root, '发给家人');
    expect(share[buttonAttrKey('open-type')]).toBe('share');
    expect(page.text()).toContain('2026-12-12 10:00');
  });

  it('加入家庭 shows who invites and accepts', async () => {
    h.routes['GET /api/me'] = [200, { ...member, householdId: null }];
    h.routes['GET /api/household-invites/tok123456'] = [
      200,
      {
        householdName: '王家',
        inviterNickname: '王阿姨',
        memberCount: 1,
        expiresAt: '2026-12-12T02:00:00.000Z',
        alreadyMember: false,
        inOtherHousehold: false,
      },
    ];
    const page = await h.loadPage('packages/profile/join/index', { token: 'tok123456' });
    await waitFor(() => page.text().includes('王阿姨 邀请你加入「王家」'), 'the invitation');
    expect(page.text()).toContain('加入家庭');
  });

  it('我的优惠券 lists the journey coupons with their rule, validity and the till code as a QR', async () => {
    h.routes['GET /api/me/coupons'] = [
      200,
      {
        items: [
          {
            id: 5,
            code: 'Q5ABC123',
            title: '老朋友回归券',
            amountFen: 1000,
            minSpendFen: 5000,
            validUntil: '2026-12-10T16:00:00.000Z',
            status: 'issued',
            issuedAt: '2026-12-03T02:00:00.000Z',
          },
        ],
        total: 1,
        page: 1,
        pageSize: 50,
      },
    ];
    const page = await h.loadPage('packages/profile/coupons/index');
    await waitFor(() => page.text().includes('老朋友回归券'), 'the coupon');
    expect(page.text()).toContain('¥10');
    expect(page.text()).toContain('满 ¥50 可用');
    expect(page.text()).toContain('有效期至 2026-12-11 00:00');
    expect(page.text()).toContain('券码 Q5ABC123 · 到店结账时出示使用');
    await page.tap('出示券码');
    await waitFor(() => page.text().includes('收起券码'), 'the code opened');
    expect(JSON.stringify(page.data().root)).toContain('data:image/'); // the QR drawn as an image
  });

  it('我的 shows the 顾问团 badge and the entries to 会员码, 订单, 奖励 and 顾问团', async () => {
    h.routes['GET /api/community/panel/me'] = [200, { member: true, badge: '顾客顾问团', moderator: true, rounds: [] }];
    const page = await h.loadPage('pages/me/index');
    await waitFor(() => page.text().includes('🏅 顾客顾问团 · 群管理员'), 'the badge');
    for (const entry of ['会员码', '我的订单', '我的奖励', '顾客顾问团', '我的优惠券', '我的收藏', '我的家庭', '常去门店'])
      expect(page.text()).toContain(entry);
    expect(page.text()).toContain('你的徽章：顾客顾问团');
  });

  it('首页 shows the next pickup from the pre-order module', async () => {
    h.routes['GET /api/home/feed'] = [200, { banners: [], highlights: [] }];
    h.routes['GET /api/preorder/next-pickup'] = [
      200,
      {
        order: {
          id: 9,
          orderNo: 'NYE9',
          status: 'paid',
          statusLabel: '待自提',
          storeId: 3,
          storeName: '幸福里店',
          slot: { id: 4, day: '2027-02-05', startsAt: '2027-02-05T02:00:00.000Z', endsAt: '2027-02-05T04:00:00.000Z' },
          lines: [{ itemId: 1, name: '佛跳墙', qty: 1, unitPriceFen: 16800, amountFen: 16800 }],
          totalFen: 16800,
          pickupCode: '123456',
        },
      },
    ];
    const page = await h.loadPage('pages/home/index');
    await waitFor(() => page.text().includes('待自提订单'), 'the next pickup');
    expect(page.text()).toContain('佛跳墙×1');
    expect(page.text()).toContain('取货码 123456');
  });

  it('常去门店, 我的收藏 and the recipe list render', async () => {
    h.routes['GET /api/stores'] = [200, { items: [{ id: 3, name: '幸福里店', address: '幸福路 1 号', distanceM: null }] }];
    const store = await h.loadPage('packages/profile/store/index');
    await waitFor(() => store.text().includes('幸福路 1 号'), 'the stores');
    expect(store.text()).toContain('当前');

    h.routes['GET /api/me/favourites'] = [200, { items: [recipe] }];
    const fav = await h.loadPage('packages/recipes/favourites/index');
    await waitFor(() => fav.text().includes('南瓜小米粥'), 'the saved recipe');

    h.routes['GET /api/recipes'] = [200, { items: [recipe], total: 1, page: 1, pageSize: 50 }];
    const list = await h.loadPage('packages/recipes/list/index', { tag: '宝宝营养' });
    await waitFor(() => list.text().includes('20 分钟 · 简单'), 'the list');
  });
});

// Tab pages live in the main package (a WeChat rule); every feature gets its own subpackage so
// the main package stays small. Add contest/classes/nye/referral subpackages with their first page.
export default defineAppConfig({
  pages: ['pages/home/index', 'pages/recipes/index', 'pages/classes/index', 'pages/nye/index', 'pages/me/index'],
  subPackages: [
    {
      root: 'packages/privacy',
      pages: ['consent/index', 'my-data/index'],
    },
    {
      root: 'packages/classes',
      pages: ['list/index', 'detail/index', 'mine/index'],
    },
    {
      root: 'packages/feedback',
      pages: ['box/index', 'rate/index', 'changes/index'],
    },
    {
      root: 'packages/nye',
      pages: ['order/index', 'orders/index'],
    },
    {
      root: 'packages/wallet',
      pages: ['code/index', 'purchases/index'],
    },
    {
      root: 'packages/contest',
      pages: ['home/index', 'entry/index', 'submit/index', 'mine/index', 'leaderboard/index', 'rules/index'],
    },
    {
      root: 'packages/recipes',
      pages: ['detail/index', 'list/index', 'favourites/index'],
    },
    {
      root: 'packages/profile',
      pages: ['edit/index', 'household/index', 'join/index', 'store/index', 'coupons/index'],
    },
    {
      root: 'packages/panel',
      pages: ['home/index'],
    },
    {
      root: 'packages/referral',
      pages: ['invite/index', 'rewards/index', 'join/index'],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '社区会员中心',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f6f4ef',
  },
  // Icons are drawn by assets/tabbar/make-icons.mjs (about 0.5 KB each).
  tabBar: {
    color: '#7a7a7a',
    selectedColor: '#c8381f',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/home/index', text: '首页', iconPath: 'assets/tabbar/home.png', selectedIconPath: 'assets/tabbar/home-active.png' },
      { pagePath: 'pages/recipes/index', text: '菜谱', iconPath: 'assets/tabbar/recipes.png', selectedIconPath: 'assets/tabbar/recipes-active.png' },
      { pagePath: 'pages/classes/index', text: '课程', iconPath: 'assets/tabbar/classes.png', selectedIconPath: 'assets/tabbar/classes-active.png' },
      { pagePath: 'pages/nye/index', text: '年夜饭', iconPath: 'assets/tabbar/nye.png', selectedIconPath: 'assets/tabbar/nye-active.png' },
      { pagePath: 'pages/me/index', text: '我的', iconPath: 'assets/tabbar/me.png', selectedIconPath: 'assets/tabbar/me-active.png' },
    ],
  },
  // 常去门店 sorts stores by distance: wx.getLocation must be declared, with its purpose.
  requiredPrivateInfos: ['getLocation'],
  permission: { 'scope.userLocation': { desc: '用于按距离为你排序门店，选择常去门店' } },
  // Privacy APIs wait for the member's consent (wx.onNeedPrivacyAuthorization, see api/privacy.ts).
  __usePrivacyCheck__: true,
  lazyCodeLoading: 'requiredComponents',
});

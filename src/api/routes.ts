/** Page paths in one place so navigation and tests agree. */
export const ROUTES = {
  home: '/pages/home/index',
  recipes: '/pages/recipes/index',
  classes: '/pages/classes/index',
  nye: '/pages/nye/index',
  me: '/pages/me/index',
  consent: '/packages/privacy/consent/index',
  myData: '/packages/privacy/my-data/index',
  contestHome: '/packages/contest/home/index',
  contestEntry: '/packages/contest/entry/index',
  contestSubmit: '/packages/contest/submit/index',
  contestMine: '/packages/contest/mine/index',
  contestLeaderboard: '/packages/contest/leaderboard/index',
  contestRules: '/packages/contest/rules/index',
  classList: '/packages/classes/list/index',
  classDetail: '/packages/classes/detail/index',
  classMine: '/packages/classes/mine/index',
} as const;

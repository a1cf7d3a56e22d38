/** Contest pages members browse: the 菜谱 tab, contest home, entry detail (vote, share, poster), leaderboard, rules. */
jest.mock('@tarojs/taro', () => require('./contestHelpers').mockTaroModule());
jest.mock('@tarojs/components', () => require('./contestHelpers').mockComponentsModule());

import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { FAIR_PLAY_TEXT } from '../../contracts/contest';
import RecipesPage from '../../src/pages/recipes/index';
import ContestHomePage from '../../src/packages/contest/home/index';
import EntryPage from '../../src/packages/contest/entry/index';
import LeaderboardPage from '../../src/packages/contest/leaderboard/index';
import RulesPage from '../../src/packages/contest/rules/index';
import { setToken } from '../../src/api/client';
import { ensureLogin, resetSessionForTests } from '../../src/api/session';
import { installFakeApi, sampleMember } from './fakeApi';
import { __storage } from './stubs/taro';
import { reachBottomHandlers, resetContestMocks, routerParams, sampleCard, sampleContest, sampleEntry, sampleVotes, shareHandlers } from './contestHelpers';

const page = <T,>(items: T[], total: number, p = 1, pageSize = 10) => ({ items, total, page: p, pageSize });

beforeEach(() => {
  __storage.clear();
  resetSessionForTests();
  resetContestMocks();
  process.env.TARO_ENV = 'weapp';
});

async function signIn() {
  setToken('tok-1');
  await act(async () => {
    await ensureLogin();
  });
}

describe('菜谱 tab', () => {
  it('lists published contests and opens one', async () => {
    installFakeApi({ 'GET /api/contests': [200, page([sampleContest()], 1, 1, 20)] });
    render(<RecipesPage />);
    const card = await screen.findByTestId('recipes-contest-5');
    expect(card.textContent).toContain('晒出你家的传家年夜菜');
    expect(card.textContent).toContain('征集与投票中');
    expect(card.textContent).toContain('12 个作品');
    expect(screen.queryByText(/即将上线/)).toBeNull();
    fireEvent.click(card);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/contest/home/index?id=5' });
  });

  it('says so when there is no contest, and shows a load error with retry', async () => {
    let fail = true;
    installFakeApi({
      'GET /api/contests': () => (fail ? [500, { code: 'INTERNAL', message: '系统开小差了，请稍后再试' }] : [200, page([], 0, 1, 20)]),
    });
    render(<RecipesPage />);
    expect((await screen.findByTestId('recipes-error')).textContent).toBe('系统开小差了，请稍后再试');
    fail = false;
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByTestId('recipes-empty')).toBeTruthy();
  });
});

describe('contest home', () => {
  it('shows the rules and the fair-play text up front, then pages the 热门 list and switches to 最新', async () => {
    routerParams.id = '5';
    const fake = installFakeApi({
      'GET /api/contests/5': [200, sampleContest()],
      'GET /api/contests/5/entries': (call) => {
        const q = new URL(call.url, 'http://x').searchParams;
        if (q.get('sort') === 'new') return [200, page([sampleCard(9)], 1)];
        return q.get('page') === '2' ? [200, page([sampleCard(3)], 3, 2)] : [200, page([sampleCard(1), sampleCard(2)], 3)];
      },
    });
    render(<ContestHomePage />);
    const rules = await screen.findByTestId('contest-rules');
    expect(rules.textContent).toContain('上传你家年夜菜的照片、做法和故事。');
    expect(rules.textContent).toContain('每位会员每天可投 3 票，同一作品每天最多 1 票');
    expect(screen.getByTestId('fair-play').textContent).toBe(FAIR_PLAY_TEXT);
    expect(screen.getByTestId('contest-phase').textContent).toBe('征集与投票中');

    await screen.findByTestId('entry-card-1');
    expect(screen.getByTestId('entry-card-votes-1').textContent).toBe('9 票');
    const more = screen.getByTestId('entry-list-more');
    expect(more.textContent).toContain('2/3');
    fireEvent.click(more);
    await screen.findByTestId('entry-card-3');
    expect(screen.getAllByTestId(/^entry-card-\d+$/).map((e) => e.dataset.testid)).toEqual(['entry-card-1', 'entry-card-2', 'entry-card-3']);
    expect(screen.queryByTestId('entry-list-more')).toBeNull();
    // Scrolling to the bottom with everything loaded asks for nothing more.
    reachBottomHandlers[reachBottomHandlers.length - 1]();
    expect(fake.callsTo('GET /api/contests/5/entries')).toHaveLength(2);

    fireEvent.click(screen.getByTestId('tab-new'));
    await screen.findByTestId('entry-card-9');
    expect(screen.queryByTestId('entry-card-1')).toBeNull();
    const last = fake.callsTo('GET /api/contests/5/entries').pop()!;
    expect(last.url).toContain('sort=new');
    expect(last.url).toContain('page=1');

    fireEvent.click(screen.getByTestId('entry-card-9'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/contest/entry/index?id=9' });
  });

  it('signs a returning member in silently, shows the votes left today and the credited winners', async () => {
    routerParams.id = '5';
    installFakeApi({
      'GET /api/me': [200, sampleMember],
      'GET /api/contests/5': [
        200,
        sampleContest({
          winners: [
            {
              entryId: 1,
              title: '蛋饺',
              displayName: '王阿姨',
              thumbUrl: null,
              finalRank: 1,
              award: 'listed',
              awardLabel: '已上架',
              dishId: 4,
              dishName: '王阿姨的拿手蛋饺',
            },
          ],
        }),
      ],
      'GET /api/contests/5/entries': [200, page([sampleCard(1)], 1)],
      'GET /api/contests/5/my-votes': [200, sampleVotes({ usedToday: 1, remainingToday: 2 })],
    });
    // A returning member (stored token) is signed in silently on open.
    setToken('tok-1');
    render(<ContestHomePage />);
    await waitFor(() => expect(screen.getByTestId('contest-votes-left').textContent).toBe('今天还可以投 2 票（每天 3 票）'));
    expect(screen.getByTestId('winner-dish-1').textContent).toBe('年夜饭菜单：王阿姨的拿手蛋饺');
    expect(screen.getByTestId('winner-award-1').textContent).toBe('已上架');
  });

  it('hides 我要投稿 once submissions closed', async () => {
    routerParams.id = '5';
    installFakeApi({
      'GET /api/contests/5': [200, sampleContest({ submissionOpen: false, phase: 'voting', phaseLabel: '投票中' })],
      'GET /api/contests/5/entries': [200, page([], 0)],
    });
    render(<ContestHomePage />);
    await screen.findByTestId('contest-rules');
    expect(screen.queryByTestId('contest-submit')).toBeNull();
    expect((await screen.findByTestId('entry-list-empty')).textContent).toBe('还没有展示的作品');
  });
});

describe('entry detail', () => {
  function entryApi(over: Record<string, unknown> = {}) {
    return {
      'GET /api/me': [200, sampleMember] as [number, unknown],
      'GET /api/entries/12': [200, sampleEntry(12, { voteCount: 4 })] as [number, unknown],
      'GET /api/contests/5': [200, sampleContest()] as [number, unknown],
      'GET /api/contests/5/my-votes': [200, sampleVotes({ usedToday: 2, remainingToday: 1 })] as [number, unknown],
      'GET /api/entries/12/share': [
        200,
        {
          title: '王阿姨的蛋饺',
          path: '/packages/contest/entry/index?id=12&rt=c.7.AbCdEfGh12',
          imageUrl: '/api/files/a_t.jpg',
          scene: 'e=12&t=c.7.AbCdEfGh12',
          wxacodeUrl: '/api/files/code-12-7.png',
          posterLines: ['王阿姨的蛋饺', '晒出你家的传家年夜菜'],
        },
      ] as [number, unknown],
      ...over,
    };
  }

  it('shows photos, story, ingredients and steps, and votes with the allowance shown', async () => {
    routerParams.id = '12';
    const fake = installFakeApi({
      ...entryApi(),
      'POST /api/entries/12/votes': [200, { entryId: 12, voteCount: 5, remainingToday: 0, votesPerDay: 3 }],
    });
    await signIn();
    render(<EntryPage />);
    expect((await screen.findByTestId('entry-title')).textContent).toBe('蛋饺');
    expect(screen.getByTestId('entry-story').textContent).toBe('小时候外婆每年都做。');
    expect(screen.getByTestId('entry-ingredients').textContent).toContain('猪肉末 200克');
    expect(screen.getByTestId('entry-steps').textContent).toContain('2. 摊蛋皮包馅');
    expect(screen.getAllByTestId('entry-photo-thumb')).toHaveLength(2);
    await waitFor(() => expect(screen.getByTestId('entry-votes-left').textContent).toContain('今天还可以投 1 票'));

    fireEvent.click(screen.getByTestId('entry-vote'));
    await waitFor(() => expect(screen.getByTestId('entry-votes').textContent).toBe('5'));
    expect(screen.getByTestId('entry-vote-message').textContent).toBe('投票成功！今天还可以投 0 票');
    expect(fake.callsTo('POST /api/entries/12/votes')[0].headers.authorization).toBe('Bearer tok-1');
    await waitFor(() => expect(screen.getByTestId('entry-votes-left').textContent).toContain('今天还可以投'));
  });

  it("shows the server's limit message when the daily votes are used up", async () => {
    routerParams.id = '12';
    installFakeApi({
      ...entryApi({ 'GET /api/contests/5/my-votes': [200, sampleVotes({ usedToday: 3, remainingToday: 0 })] }),
      'POST /api/entries/12/votes': [409, { code: 'DAILY_VOTE_LIMIT', message: '今天的票已经投完了，明天再来吧' }],
    });
    await signIn();
    render(<EntryPage />);
    await waitFor(() => expect(screen.getByTestId('entry-votes-left').textContent).toContain('今天还可以投 0 票'));
    fireEvent.click(screen.getByTestId('entry-vote'));
    await waitFor(() => expect(screen.getByTestId('entry-vote-message').textContent).toBe('今天的票已经投完了，明天再来吧'));
    expect(screen.getByTestId('entry-votes').textContent).toBe('4');
  });

  it("shows the server's limit message when the allowance ran out elsewhere", async () => {
    routerParams.id = '12';
    installFakeApi({
      ...entryApi({ 'GET /api/contests/5/my-votes': [200, sampleVotes({ usedToday: 2, remainingToday: 1 })] }),
      'POST /api/entries/12/votes': [409, { code: 'DAILY_VOTE_LIMIT', message: '今天的票已经投完了，明天再来吧' }],
    });
    await signIn();
    render(<EntryPage />);
    await waitFor(() => expect(screen.getByTestId('entry-votes-left').textContent).toContain('今天还可以投 1 票'));
    fireEvent.click(screen.getByTestId('entry-vote'));
    await waitFor(() => expect(screen.getByTestId('entry-vote-message').textContent).toBe('今天的票已经投完了，明天再来吧'));
  });

  it('after a vote the button is spent: a second tap sends nothing, even without the allowance view', async () => {
    routerParams.id = '12';
    const fake = installFakeApi({
      ...entryApi({ 'GET /api/contests/5/my-votes': [500, { code: 'INTERNAL', message: '系统开小差了，请稍后再试' }] }),
      'POST /api/entries/12/votes': [200, { voteCount: 5, remainingToday: 2, votesPerDay: 3 }],
    });
    await signIn();
    render(<EntryPage />);
    await waitFor(() => expect(screen.getByTestId('entry-vote').textContent).toBe('投一票'));
    fireEvent.click(screen.getByTestId('entry-vote'));
    await waitFor(() => expect(screen.getByTestId('entry-vote').textContent).toBe('今天已投过这道菜'));
    expect((screen.getByTestId('entry-vote') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('entry-vote'));
    expect(fake.callsTo('POST /api/entries/12/votes')).toHaveLength(1);
  });

  it('disables the button for an entry already voted today', async () => {
    routerParams.id = '12';
    installFakeApi(entryApi({ 'GET /api/contests/5/my-votes': [200, sampleVotes({ usedToday: 1, remainingToday: 2, votedEntryIdsToday: [12] })] }));
    await signIn();
    render(<EntryPage />);
    await waitFor(() => expect(screen.getByTestId('entry-vote').textContent).toBe('今天已投过这道菜'));
    expect((screen.getByTestId('entry-vote') as HTMLButtonElement).disabled).toBe(true);
  });

  it("shares a card whose path carries the sharer's member id, and shows the poster with the mini-program code", async () => {
    routerParams.id = '12';
    const fake = installFakeApi(entryApi());
    await signIn();
    render(<EntryPage />);
    await screen.findByTestId('entry-title');
    await waitFor(() => expect(fake.callsTo('GET /api/entries/12/share')).toHaveLength(1));
    await waitFor(() => expect(shareHandlers[shareHandlers.length - 1]().path).toBe('/packages/contest/entry/index?id=12&rt=c.7.AbCdEfGh12'));
    const card = shareHandlers[shareHandlers.length - 1]();
    expect(card.title).toBe('王阿姨的蛋饺');
    expect(card.imageUrl).toMatch(/\/api\/files\/a_t\.jpg$/);
    expect(screen.getByTestId('entry-share').getAttribute('data-open-type')).toBe('share');

    fireEvent.click(screen.getByTestId('entry-poster'));
    const poster = await screen.findByTestId('entry-poster-view');
    expect(poster.textContent).toContain('王阿姨的蛋饺');
    expect((screen.getByTestId('entry-poster-code') as HTMLImageElement).src).toMatch(/\/api\/files\/code-12-7\.png$/);
    // Nothing on the page asks for votes or ties sharing to a reward.
    expect(document.body.textContent).not.toMatch(/拉票|助力|分享.{0,6}(得|领|解锁)/);
  });

  it('opens for a newcomer without signing in, shares the plain path, and remembers who shared it', async () => {
    routerParams.id = '12';
    routerParams.rt = 'c.y.AbCdEfGh12';
    const fake = installFakeApi({
      ...entryApi(),
      'POST /api/referral/opens': [200, { ok: true, sharerName: '王**', kind: 'contest_entry' }] as [number, unknown],
    });
    render(<EntryPage />);
    await screen.findByTestId('entry-title');
    expect(shareHandlers[shareHandlers.length - 1]().path).toBe('/packages/contest/entry/index?id=12');
    expect(fake.callsTo('GET /api/entries/12/share')).toHaveLength(0);
    expect(fake.callsTo('GET /api/me')).toHaveLength(0);
    // the signed token is checked by the server (opens) and kept for the registration
    await waitFor(() => expect(__storage.get('hub_share_token')).toMatchObject({ token: 'c.y.AbCdEfGh12' }));
    expect(fake.callsTo('POST /api/referral/opens')[0].body).toMatchObject({ token: 'c.y.AbCdEfGh12' });
  });

  it('shows the credited dish of a listed winner', async () => {
    routerParams.id = '12';
    installFakeApi(
      entryApi({
        'GET /api/entries/12': [200, sampleEntry(12, { award: 'listed', awardLabel: '已上架', finalRank: 1, dishId: 4, dishName: '王阿姨的拿手蛋饺' })],
        'GET /api/contests/5': [200, sampleContest({ phase: 'closed', phaseLabel: '已结束', votingOpen: false, submissionOpen: false })],
      }),
    );
    render(<EntryPage />);
    expect((await screen.findByTestId('entry-dish')).textContent).toBe('已上架年夜饭菜单：王阿姨的拿手蛋饺');
    expect(screen.getByTestId('entry-award').textContent).toBe('已上架');
    expect(screen.getByTestId('entry-votes-closed').textContent).toBe('投票已结束');
    expect(screen.queryByTestId('entry-vote')).toBeNull();
  });
});

describe('leaderboard and rules', () => {
  it('says the ranking is frozen after the close', async () => {
    routerParams.id = '5';
    installFakeApi({
      'GET /api/contests/5/leaderboard': [
        200,
        {
          frozen: true,
          closedAt: '2026-12-25T16:00:05.000Z',
          items: [
            { rank: 1, entryId: 1, title: '蛋饺', displayName: '王阿姨', thumbUrl: null, voteCount: 9, juryScore: null, score: 100 },
            { rank: 2, entryId: 2, title: '八宝饭', displayName: '张奶奶', thumbUrl: null, voteCount: 9, juryScore: null, score: 100 },
          ],
        },
      ],
    });
    render(<LeaderboardPage />);
    expect((await screen.findByTestId('leaderboard-state')).textContent).toBe('活动已于 2026-12-26 00:00 结束，排名已锁定');
    expect(screen.getByTestId('rank-1').textContent).toContain('蛋饺');
    expect(screen.getByTestId('rank-votes-2').textContent).toBe('9 票');
  });

  it('shows a load error with retry, then the board; a link without an id says the contest is not found', async () => {
    routerParams.id = '5';
    let fail = true;
    installFakeApi({
      'GET /api/contests/5/leaderboard': () =>
        fail ? [502, { code: 'UPSTREAM_UNAVAILABLE', message: '微信服务暂时不可用，请稍后再试' }] : [200, { frozen: false, closedAt: null, items: [] }],
    });
    const view = render(<LeaderboardPage />);
    expect((await screen.findByTestId('contest-load-error')).textContent).toBe('微信服务暂时不可用，请稍后再试');
    fail = false;
    fireEvent.click(screen.getByText('重试'));
    expect((await screen.findByTestId('leaderboard-state')).textContent).toContain('实时排名');
    expect(screen.queryByTestId('contest-load-error')).toBeNull();
    view.unmount();

    delete routerParams.id;
    render(<RulesPage />);
    expect(screen.getByTestId('page-contest-rules').textContent).toBe('没有找到这个活动');
  });

  it('states that no reward is tied to sharing or votes', async () => {
    routerParams.id = '5';
    installFakeApi({ 'GET /api/contests/5': [200, sampleContest({ votesPerDay: 2 })] });
    render(<RulesPage />);
    expect((await screen.findByTestId('rules-text')).textContent).toBe('上传你家年夜菜的照片、做法和故事。');
    expect(screen.getByTestId('fair-play').textContent).toBe(FAIR_PLAY_TEXT);
    expect(screen.getByTestId('rules-no-reward').textContent).toContain('分享作品不会获得任何奖励');
    expect(screen.getByTestId('rules-votes').textContent).toContain('每天可投 2 票');
    expect(document.body.textContent).not.toContain('拉票');
  });
});

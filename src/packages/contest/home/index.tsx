/**
 * Contest home: the rules up front, the windows, the member's votes left today, confirmed
 * winners (with their credited dish), and the approved entries by 热门 / 最新, paged.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Button, Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro';
import { getContest, listEntries, myVotes, type EntryCard } from '@contracts/contest';
import type { RouteResponse } from '@contracts/route';
import { api, getToken } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { ensureLogin } from '../../../api/session';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import { EntryCardView, FairPlay, PendingPage } from '../components';
import { fileUrl, intParam, pageParams, pageUrl, windowText } from '../lib';
import '../contest.css';

type Sort = 'hot' | 'new';
type Votes = RouteResponse<typeof myVotes>;
const PAGE_SIZE = 10;

export default function ContestHomePage() {
  const [contestId] = useState(() => intParam(pageParams().id));
  // Browsing is public (a shared card must open for a newcomer); a returning member with a stored
  // token is signed in silently so their votes left today show.
  const [hadToken] = useState(() => !!getToken());
  const [rulesOpen, setRulesOpen] = useState(false);
  const session = useSession({ autoLogin: hadToken });
  // Back from an entry or the submit page: tallies and the allowance may have changed.
  const contestRemote = useRemote(() => api.call(getContest, { params: { contestId: contestId! } }), [contestId], { enabled: !!contestId, everyShow: true });
  const contest = contestRemote.data;
  const [sort, setSort] = useState<Sort>('hot');
  const [items, setItems] = useState<EntryCard[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(0);
  const [listLoading, setListLoading] = useState(false);
  const [votes, setVotes] = useState<Votes | null>(null);
  const listSeq = useRef(0);
  const shown = useRef(false);

  /** Page 1 replaces the list (tab switch, refresh); later pages append. */
  const loadEntries = useCallback(
    async (nextSort: Sort, nextPage: number) => {
      if (!contestId) return;
      const seq = ++listSeq.current;
      setListLoading(true);
      try {
        const res = await api.call(listEntries, { params: { contestId }, query: { sort: nextSort, page: nextPage, pageSize: PAGE_SIZE } });
        if (seq !== listSeq.current) return; // a newer tab/refresh superseded this answer
        setItems((prev) => (nextPage === 1 ? res.items : [...prev, ...res.items.filter((e) => !prev.some((p) => p.id === e.id))]));
        setTotal(res.total);
        setPage(nextPage);
      } catch (err) {
        if (seq === listSeq.current) void Taro.showToast({ title: errorMessage(err), icon: 'none' });
      } finally {
        if (seq === listSeq.current) setListLoading(false);
      }
    },
    [contestId],
  );

  useEffect(() => {
    void loadEntries('hot', 1);
  }, [loadEntries]);

  useDidShow(() => {
    if (!shown.current) {
      shown.current = true;
      return;
    }
    void loadEntries(sort, 1);
  });

  const votingOpen = !!contest?.votingOpen;
  const signedIn = session.status === 'ready';
  useEffect(() => {
    if (!contestId || !votingOpen || !signedIn) return;
    api.call(myVotes, { params: { contestId } }).then(setVotes, () => setVotes(null));
  }, [contestId, votingOpen, signedIn, items]);

  useReachBottom(() => {
    if (!listLoading && items.length < total) void loadEntries(sort, page + 1);
  });

  const switchSort = (next: Sort) => {
    if (next === sort) return;
    setSort(next);
    setItems([]);
    setTotal(0);
    void loadEntries(next, 1);
  };

  const goSubmit = async () => {
    try {
      const member = await ensureLogin();
      if (member) void Taro.navigateTo({ url: pageUrl('submit', { contestId: contestId! }) });
    } catch (err) {
      void Taro.showToast({ title: errorMessage(err), icon: 'none' });
    }
  };

  if (!contestId || !contest) {
    return <PendingPage testId="page-contest-home" missing={!contestId && '没有找到这个活动'} remote={contestRemote} />;
  }

  return (
    <View className="page" data-testid="page-contest-home">
      {contest.coverUrl && <Image className="contest-cover" src={fileUrl(contest.coverUrl)} mode="aspectFill" />}
      <View className="hero">
        <Text className="hero-title" data-testid="contest-title">
          {contest.title}
        </Text>
        <Text className="phase-tag" data-testid="contest-phase">
          {contest.phaseLabel}
        </Text>
        <Text className="hero-sub">征集：{windowText(contest.submissionStartAt, contest.submissionEndAt)}</Text>
        <Text className="hero-sub">投票：{windowText(contest.voteStartAt, contest.voteEndAt)}</Text>
      </View>

      {contest.winners.length > 0 && (
        <View className="card" data-testid="contest-winners">
          <Text className="card-title">获奖作品</Text>
          {contest.winners.map((w) => (
            <View
              key={w.entryId}
              className="rank-row"
              data-testid={`winner-${w.entryId}`}
              onClick={() => void Taro.navigateTo({ url: pageUrl('entry', { id: w.entryId }) })}
            >
              <Text className="rank-no">{w.finalRank ?? '—'}</Text>
              {w.thumbUrl ? <Image className="rank-img" src={fileUrl(w.thumbUrl)} mode="aspectFill" /> : <View className="rank-img" />}
              <View className="rank-main">
                <Text className="entry-card-title">{w.title}</Text>
                <Text className="muted">{w.displayName}</Text>
                <View>
                  <Text className="award-tag" data-testid={`winner-award-${w.entryId}`}>
                    {w.awardLabel}
                  </Text>
                </View>
                {w.dishName && (
                  <Text className="muted" data-testid={`winner-dish-${w.entryId}`}>
                    年夜饭菜单：{w.dishName}
                  </Text>
                )}
              </View>
            </View>
          ))}
        </View>
      )}

      <View className="action-bar">
        {contest.submissionOpen && (
          <Button className="btn-primary" data-testid="contest-submit" onClick={goSubmit}>
            我要投稿
          </Button>
        )}
        <Button className="btn-plain" data-testid="contest-mine" onClick={() => void Taro.navigateTo({ url: pageUrl('mine', { contestId: contest.id }) })}>
          我的作品
        </Button>
        <Button
          className="btn-plain"
          data-testid="contest-leaderboard"
          onClick={() => void Taro.navigateTo({ url: pageUrl('leaderboard', { id: contest.id }) })}
        >
          排行榜
        </Button>
      </View>

      {contest.votingOpen && (
        <Text className="muted" data-testid="contest-votes-left">
          {votes ? `今天还可以投 ${votes.remainingToday} 票（每天 ${votes.votesPerDay} 票）` : signedIn ? '' : `投票进行中，每天可投 ${contest.votesPerDay} 票`}
        </Text>
      )}

      <View className="tabs">
        <View className={`tab ${sort === 'hot' ? 'tab-active' : ''}`} data-testid="tab-hot" onClick={() => switchSort('hot')}>
          热门
        </View>
        <View className={`tab ${sort === 'new' ? 'tab-active' : ''}`} data-testid="tab-new" onClick={() => switchSort('new')}>
          最新
        </View>
      </View>

      <View className="entry-grid" data-testid="entry-list">
        {items.map((e) => (
          <EntryCardView key={e.id} entry={e} />
        ))}
      </View>
      {!listLoading && items.length === 0 && (
        <Text className="empty" data-testid="entry-list-empty">
          {contest.submissionOpen ? '还没有展示的作品，来投第一份稿吧' : '还没有展示的作品'}
        </Text>
      )}
      {items.length < total && (
        <Button className="btn-plain" data-testid="entry-list-more" disabled={listLoading || undefined} onClick={() => void loadEntries(sort, page + 1)}>
          {listLoading ? '正在加载…' : `加载更多（${items.length}/${total}）`}
        </Button>
      )}

      {/* The rules once, folded below the entries (the fair-play note always shows). */}
      <View className="card" data-testid="contest-rules">
        <View className="link-row" data-testid="contest-rules-toggle" onClick={() => setRulesOpen((o) => !o)}>
          <Text className="card-title">活动规则</Text>
          <Text className="chevron">{rulesOpen ? '收起 ▴' : '展开 ▾'}</Text>
        </View>
        <View style={rulesOpen ? undefined : { display: 'none' }} data-testid="contest-rules-body">
          <Text className="rules-text">{contest.rulesText}</Text>
          {contest.prizeText ? <Text className="rules-text">奖项：{contest.prizeText}</Text> : null}
          <Text className="rules-text">
            每位会员每天可投 {contest.votesPerDay} 票，同一作品每天最多 1 票。
            {contest.juryWeight > 0 ? `最终得分中评审分占 ${contest.juryWeight}%。` : ''}
          </Text>
          <View className="link-row" data-testid="contest-rules-link" onClick={() => void Taro.navigateTo({ url: pageUrl('rules', { id: contest.id }) })}>
            <Text>查看完整规则</Text>
            <Text className="chevron">›</Text>
          </View>
        </View>
        <FairPlay text={contest.fairPlayText} />
      </View>
    </View>
  );
}

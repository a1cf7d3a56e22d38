/** Ranking: live while voting, frozen once the contest closed (ties: who reached the tally first). */
import { useState } from 'react';
import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { leaderboard } from '@contracts/contest';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { useRemote } from '../../../api/useRemote';
import { RemotePage } from '../components';
import { fileUrl, intParam, pageParams, pageUrl } from '../lib';
import { formatShanghai } from '../../../utils/time';
import '../contest.css';

type Board = RouteResponse<typeof leaderboard>;

export default function LeaderboardPage() {
  const [contestId] = useState(() => intParam(pageParams().id));
  const remote = useRemote(() => api.call(leaderboard, { params: { contestId: contestId! }, query: { limit: 50 } }), [contestId], { enabled: !!contestId });
  return (
    <RemotePage testId="page-contest-leaderboard" remote={remote} missing={!contestId && '没有找到这个活动'}>
      {(board: Board) => {
        const withJury = board.items.some((i) => i.juryScore !== null);
        return (
          <>
            <View className="card">
              <Text className="card-title">排行榜</Text>
              <Text className="muted" data-testid="leaderboard-state">
                {board.frozen ? `活动已于 ${formatShanghai(board.closedAt)} 结束，排名已锁定` : '实时排名，票数相同时先达到该票数的作品在前'}
              </Text>
              {board.items.length === 0 && <Text className="empty">还没有上榜的作品</Text>}
              {board.items.map((item) => (
                <View
                  key={item.entryId}
                  className="rank-row"
                  data-testid={`rank-${item.rank}`}
                  onClick={() => void Taro.navigateTo({ url: pageUrl('entry', { id: item.entryId }) })}
                >
                  <Text className="rank-no">{item.rank}</Text>
                  {item.thumbUrl ? <Image className="rank-img" src={fileUrl(item.thumbUrl)} mode="aspectFill" /> : <View className="rank-img" />}
                  <View className="rank-main">
                    <Text className="entry-card-title">{item.title}</Text>
                    <Text className="muted">{item.displayName}</Text>
                    {withJury && <Text className="muted">{` · 评审分 ${item.juryScore ?? '—'} · 综合 ${item.score.toFixed(1)}`}</Text>}
                  </View>
                  <Text className="rank-votes" data-testid={`rank-votes-${item.entryId}`}>
                    {item.voteCount} 票
                  </Text>
                </View>
              ))}
            </View>
          </>
        );
      }}
    </RemotePage>
  );
}

/**
 * The full rules: the contest's own text, the windows and vote limits, the prize, and the
 * fair-play text (no reward for sharing or for votes gathered by sharing).
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { ENTRY_LIMITS, getContest, type ContestDetail } from '@contracts/contest';
import { api } from '../../../api/client';
import { useRemote } from '../../../api/useRemote';
import { FairPlay, RemotePage } from '../components';
import { intParam, pageParams, windowText } from '../lib';
import '../contest.css';

export default function RulesPage() {
  const [contestId] = useState(() => intParam(pageParams().id));
  const remote = useRemote(() => api.call(getContest, { params: { contestId: contestId! } }), [contestId], { enabled: !!contestId });
  return (
    <RemotePage testId="page-contest-rules" remote={remote} missing={!contestId && '没有找到这个活动'}>
      {(contest: ContestDetail) => (
        <>
          <View className="card">
            <Text className="card-title">{contest.title}</Text>
            <Text className="rules-text" data-testid="rules-text">
              {contest.rulesText}
            </Text>
          </View>
          <View className="card">
            <Text className="card-title">时间与规则</Text>
            <Text className="bullet">· 作品征集：{windowText(contest.submissionStartAt, contest.submissionEndAt)}</Text>
            <Text className="bullet">· 投票时间：{windowText(contest.voteStartAt, contest.voteEndAt)}</Text>
            <Text className="bullet">
              · 每人本次活动最多投稿 {ENTRY_LIMITS.perMemberPerContest} 个作品，每个作品 {ENTRY_LIMITS.photosMin}–{ENTRY_LIMITS.photosMax}{' '}
              张照片，经门店审核后展示。
            </Text>
            <Text className="bullet" data-testid="rules-votes">
              · 每位会员每天可投 {contest.votesPerDay} 票，同一作品每天最多 1 票，不能给自己的作品投票。
            </Text>
            {contest.juryWeight > 0 && (
              <Text className="bullet">
                · 最终得分 = 票数得分 × {100 - contest.juryWeight}% + 评审分 × {contest.juryWeight}%。
              </Text>
            )}
            <Text className="bullet">· 活动结束时排名锁定；票数相同时，先达到该票数的作品排名在前。</Text>
            {contest.prizeText ? <Text className="bullet">· 奖项：{contest.prizeText}</Text> : null}
          </View>
          <View className="card">
            <Text className="card-title">公平说明</Text>
            <FairPlay text={contest.fairPlayText} />
            <Text className="bullet" data-testid="rules-no-reward">
              · 分享作品不会获得任何奖励，也不会影响评选结果；请勿组织刷票，异常票数核实后作废。
            </Text>
          </View>
        </>
      )}
    </RemotePage>
  );
}

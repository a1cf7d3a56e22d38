/**
 * 菜谱 tab: the recipe contests (「晒出你家的传家年夜菜」). The pages themselves live in the
 * contest subpackage; this tab only lists published contests and links into it.
 */
import { useRef, useState } from 'react';
import { Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { listContests, type ContestSummary } from '@contracts/contest';
import { api, apiBase } from '../../api/client';
import { ROUTES } from '../../api/routes';
import { formatShanghai } from '../../utils/time';
import { useRemote } from '../../api/useRemote';
import { useSession } from '../../api/useSession';
import RemoteFrame from '../../components/RemoteFrame';
import RecipeHub from './RecipeHub';

const abs = (url: string) => (/^https?:\/\//.test(url) ? url : `${apiBase}${url}`);

function ContestCard({ contest }: { contest: ContestSummary }) {
  const live = contest.submissionOpen || contest.votingOpen;
  return (
    <View
      className="card"
      data-testid={`recipes-contest-${contest.id}`}
      onClick={() => void Taro.navigateTo({ url: `${ROUTES.contestHome}?id=${contest.id}` })}
    >
      {contest.coverUrl && (
        <Image src={abs(contest.coverUrl)} mode="aspectFill" style={{ width: '100%', height: '260px', borderRadius: '16px', marginBottom: '12px' }} />
      )}
      <View>
        <Text className="card-title" style={{ display: 'inline' }}>
          {contest.title}
        </Text>
        <Text className="badge">{contest.phaseLabel}</Text>
      </View>
      <Text className="muted" style={{ display: 'block' }}>
        征集 {formatShanghai(contest.submissionStartAt)} 至 {formatShanghai(contest.submissionEndAt)}
      </Text>
      <Text className="muted" style={{ display: 'block' }}>
        投票 {formatShanghai(contest.voteStartAt)} 至 {formatShanghai(contest.voteEndAt)}
      </Text>
      <View className="link-row">
        <Text>{contest.entryCount} 个作品</Text>
        <Text className="chevron">{live ? (contest.submissionOpen ? '去投稿 / 看作品 ›' : '去看看 ›') : '查看 ›'}</Text>
      </View>
    </View>
  );
}

export default function RecipesPage() {
  const remote = useRemote(async (): Promise<ContestSummary[]> => (await api.call(listContests, { query: { page: 1, pageSize: 20 } })).items, [], {
    everyShow: true,
  });
  const shown = useRef(false);
  const session = useSession({ autoLogin: true });
  const [reloadKey, setReloadKey] = useState(0);

  // back on the tab: the recipe hub reloads too
  useDidShow(() => {
    if (!shown.current) {
      shown.current = true;
      return;
    }
    setReloadKey((k) => k + 1);
  });

  return (
    <View className="page" data-testid="page-recipes">
      <View className="hero">
        <Text className="hero-title">今天做什么菜</Text>
        <Text className="hero-sub">快手菜、宝宝营养餐、邻居的拿手菜，看完就能去门店买齐</Text>
      </View>

      <RecipeHub signedIn={session.status === 'ready'} reloadKey={reloadKey} />

      <View className="card">
        <Text className="card-title">晒出你家的传家年夜菜</Text>
        <Text className="muted">每家都有一道过年必上桌的菜，讲讲它的故事</Text>
      </View>

      <RemoteFrame
        remote={remote}
        errorTestId="recipes-error"
        isEmpty={(contests) => contests.length === 0}
        empty={
          <View className="card" data-testid="recipes-empty">
            <Text className="card-title">暂时没有进行中的活动</Text>
            <Text className="muted">新的菜谱活动开始后会出现在这里。</Text>
          </View>
        }
      >
        {(contests) => contests.map((c) => <ContestCard key={c.id} contest={c} />)}
      </RemoteFrame>

      <View className="card">
        <View className="link-row" data-testid="recipes-mine" onClick={() => void Taro.navigateTo({ url: ROUTES.contestMine })}>
          <Text>我的作品</Text>
          <Text className="chevron">›</Text>
        </View>
      </View>
    </View>
  );
}

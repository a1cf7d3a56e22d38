/** 「我的作品」: the member's entries with their review status and the moderator's reason. */
import { useState } from 'react';
import { Button, Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { myEntries, type MyEntry } from '@contracts/contest';
import { api } from '../../../api/client';
import { useSession } from '../../../api/useSession';
import { useRemote } from '../../../api/useRemote';
import { Loading, RemotePage } from '../components';
import { fileUrl, intParam, pageParams, pageUrl } from '../lib';
import { formatShanghai } from '../../../utils/time';
import '../contest.css';

export default function MyEntriesPage() {
  const [contestId] = useState(() => intParam(pageParams().contestId));
  const session = useSession({ autoLogin: true });
  const signedIn = session.status === 'ready';
  const remote = useRemote(async () => (await api.call(myEntries, { query: contestId ? { contestId } : {} })).items, [contestId], {
    enabled: signedIn,
    // back from editing an entry: its status may have changed
    everyShow: true,
  });

  if (!signedIn) {
    return (
      <View className="page" data-testid="page-contest-mine">
        {session.status === 'error' ? <Text className="error-text">{session.error}</Text> : <Loading />}
      </View>
    );
  }
  return (
    <RemotePage testId="page-contest-mine" remote={remote}>
      {(items: MyEntry[]) => (
        <>
          {items.length === 0 && (
            <View className="card">
              <Text className="empty" data-testid="mine-empty">
                还没有投稿
              </Text>
              {contestId && (
                <Button className="btn-primary" onClick={() => void Taro.redirectTo({ url: pageUrl('submit', { contestId }) })}>
                  去投稿
                </Button>
              )}
            </View>
          )}
          {items.map((e) => (
            <View key={e.id} className="card" data-testid={`mine-entry-${e.id}`}>
              <View className="rank-row" style={{ paddingTop: 0 }}>
                {e.coverThumbUrl ? <Image className="rank-img" style={{ marginLeft: 0 }} src={fileUrl(e.coverThumbUrl)} mode="aspectFill" /> : null}
                <View className="rank-main">
                  <View>
                    <Text className="card-title" style={{ display: 'inline' }}>
                      {e.title}
                    </Text>
                    <Text className={`status-tag status-${e.status}`} data-testid={`mine-status-${e.id}`}>
                      {e.statusLabel}
                    </Text>
                  </View>
                  <Text className="muted" style={{ display: 'block' }}>
                    {e.contestTitle} · 署名 {e.displayName}
                  </Text>
                  <Text className="muted" style={{ display: 'block' }}>
                    更新于 {formatShanghai(e.updatedAt)}
                  </Text>
                </View>
              </View>
              {e.status === 'rejected' && e.rejectReason && (
                <Text className="notice" data-testid={`mine-reason-${e.id}`}>
                  未通过原因：{e.rejectReason}
                </Text>
              )}
              {e.status === 'pending' && <Text className="muted">门店正在审核，通过后会展示在活动页。</Text>}
              {e.status === 'approved' && (
                <Text className="muted" style={{ display: 'block' }}>
                  已获得 {e.voteCount} 票{e.finalRank !== null ? ` · 最终第 ${e.finalRank} 名` : ''}
                </Text>
              )}
              {e.awardLabel && <Text className="award-tag">{e.awardLabel}</Text>}
              {e.dishName && (
                <Text className="notice" data-testid={`mine-dish-${e.id}`}>
                  已上架年夜饭菜单：{e.dishName}
                </Text>
              )}
              <View className="action-bar" style={{ marginTop: '16px', marginBottom: 0 }}>
                {e.canEdit && (
                  <Button
                    className="btn-plain"
                    data-testid={`mine-edit-${e.id}`}
                    onClick={() => void Taro.navigateTo({ url: pageUrl('submit', { contestId: e.contestId, entryId: e.id }) })}
                  >
                    {e.status === 'rejected' ? '修改后重新提交' : '修改'}
                  </Button>
                )}
                {e.status === 'approved' && (
                  <Button className="btn-plain" data-testid={`mine-view-${e.id}`} onClick={() => void Taro.navigateTo({ url: pageUrl('entry', { id: e.id }) })}>
                    查看
                  </Button>
                )}
              </View>
            </View>
          ))}
        </>
      )}
    </RemotePage>
  );
}

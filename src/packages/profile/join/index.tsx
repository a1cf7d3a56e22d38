/** What a family member's invitation card opens: who invites, to which household; accept. */
import { useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { acceptHouseholdInvite, getHouseholdInvite, HOUSEHOLD_RELATIONS } from '@contracts/household';
import { getMe } from '@contracts/identity';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { openConsent, updateMember } from '../../../api/session';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { ChoiceChips } from '../../../components/ChoiceChips';
import { pageParams } from '../../../utils/page';
import { PAGES } from '../lib';
import '../profile.css';

type Preview = RouteResponse<typeof getHouseholdInvite>;

export default function JoinHouseholdPage() {
  const session = useSession({ autoLogin: true });
  const token = pageParams().token ?? '';
  const invite = useRemote<Preview>(() => api.call(getHouseholdInvite, { params: { token } }), [token], { enabled: !!token && session.status === 'ready' });
  // the accept action's own error (the invite's load error is the frame's)
  const [error, setError] = useState<string | null>(null);
  const [relation, setRelation] = useState<(typeof HOUSEHOLD_RELATIONS)[number] | null>(null);
  const [busy, setBusy] = useState(false);

  const accept = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await api.call(acceptHouseholdInvite, { params: { token }, body: relation ? { relation } : {} });
      try {
        updateMember(await api.call(getMe));
      } catch {
        // shown on the next load
      }
      void Taro.redirectTo({ url: PAGES.household });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page" data-testid="page-household-join">
      {(session.status === 'needs-consent' || session.status === 'declined') && (
        <View className="card">
          <Text className="card-title">先成为会员</Text>
          <Text className="muted">阅读并同意《隐私保护指引》后即可加入家人的家庭。</Text>
          <Button className="btn-primary" onClick={openConsent}>
            阅读隐私保护指引
          </Button>
        </View>
      )}
      {error && (
        <View className="card">
          <Text className="error-text" data-testid="join-error">
            {error}
          </Text>
        </View>
      )}
      {session.status === 'ready' || !token ? (
        <RemoteFrame remote={invite} missing={!token && '邀请链接不完整，请让家人重新分享'} errorTestId="join-error">
          {(preview) => (
            <View className="card" data-testid="join-card">
              <Text className="card-title" data-testid="join-title">
                {preview.inviterNickname ?? '家人'} 邀请你加入「{preview.householdName}」
              </Text>
              <Text className="muted">现在有 {preview.memberCount} 位家人。加入后，报名课程可以按家庭报名。</Text>
              {preview.alreadyMember ? (
                <Button className="btn-primary" onClick={() => void Taro.redirectTo({ url: PAGES.household })}>
                  你已在这个家庭，去看看
                </Button>
              ) : preview.inOtherHousehold ? (
                <Text className="error-text">你已经在另一个家庭里了，请先在「我的家庭」退出后再加入。</Text>
              ) : (
                <>
                  <Text className="card-title">我是 TA 的</Text>
                  <ChoiceChips
                    choices={HOUSEHOLD_RELATIONS.filter((r) => r !== '本人').map((r) => ({ value: r, label: r }))}
                    value={relation}
                    onChoose={setRelation}
                    chipTestId={(r) => `join-relation-${r}`}
                  />
                  <Button
                    className="btn-primary"
                    data-testid="join-accept"
                    loading={busy || undefined}
                    disabled={busy || undefined}
                    onClick={() => void accept()}
                  >
                    加入家庭
                  </Button>
                </>
              )}
            </View>
          )}
        </RemoteFrame>
      ) : null}
    </View>
  );
}

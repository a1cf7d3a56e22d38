/**
 * 我的家庭: create one, invite family with a share card (any of them may accept within 7 days),
 * say how many children live at home (宝宝营养 recommendations, class forms), leave.
 */
import { useState } from 'react';
import { Button, Image, Input, Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import {
  createHousehold,
  createHouseholdInvite,
  getMyHousehold,
  HOUSEHOLD_RELATIONS,
  leaveHousehold,
  updateHousehold,
  type HouseholdView,
} from '@contracts/household';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { showError } from '../../../api/errors';
import { updateMember } from '../../../api/session';
import { getMe } from '@contracts/identity';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { ChoiceChips } from '../../../components/ChoiceChips';
import { formatShanghai } from '../../../utils/time';
import { fileUrl } from '../../../utils/page';
import '../profile.css';

const CHILDREN_CHOICES = [0, 1, 2, 3].map((n) => ({ value: n, label: n === 0 ? '没有' : `${n} 个` }));

type Invite = RouteResponse<typeof createHouseholdInvite>;
const isWeapp = process.env.TARO_ENV === 'weapp';

async function refreshMember() {
  try {
    updateMember(await api.call(getMe));
  } catch {
    // the page already shows the household; the cached member catches up on the next load
  }
}

export default function HouseholdPage() {
  const session = useSession({ autoLogin: true });
  // { household: null } is a member without a household; no value yet is still loading
  const remote = useRemote(async (): Promise<{ household: HouseholdView | null }> => await api.call(getMyHousehold), [], {
    enabled: session.status === 'ready',
  });
  const household = remote.data ? remote.data.household : undefined;
  const setHousehold = (next: HouseholdView | null) => remote.setData({ household: next });
  const [name, setName] = useState('');
  const [children, setChildren] = useState(0);
  const [invite, setInvite] = useState<Invite | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);

  useShareAppMessage(() => ({
    title: `${invite?.inviterNickname ?? '家人'}邀请你加入「${invite?.householdName ?? '我们家'}」`,
    path: invite?.path ?? '/pages/home/index',
  }));

  const run = async (work: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    try {
      await work();
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const onCreate = () =>
    run(async () => {
      const res = await api.call(createHousehold, { body: { name: name.trim() || '我们家', childrenCount: children } });
      setHousehold(res.household);
      void refreshMember();
    });

  const onChildren = (n: number) =>
    run(async () => {
      setHousehold((await api.call(updateHousehold, { body: { childrenCount: n } })).household);
    });

  const onRelation = (relation: (typeof HOUSEHOLD_RELATIONS)[number]) =>
    run(async () => {
      setHousehold((await api.call(updateHousehold, { body: { relation } })).household);
    });

  const onInvite = () =>
    run(async () => {
      setInvite(await api.call(createHouseholdInvite));
    });

  const onLeave = () =>
    run(async () => {
      await api.call(leaveHousehold);
      setConfirmLeave(false);
      setInvite(null);
      setHousehold(null);
      void refreshMember();
      void Taro.showToast({ title: '已退出家庭', icon: 'none' });
    });

  if (household === undefined || remote.error) {
    return (
      <View className="page" data-testid="page-household">
        <RemoteFrame remote={remote}>{() => null}</RemoteFrame>
      </View>
    );
  }

  if (household === null) {
    return (
      <View className="page" data-testid="page-household">
        <View className="card" data-testid="household-create">
          <Text className="card-title">创建我的家庭</Text>
          <Text className="muted">家人各用自己的微信，加入同一个家庭后：报名课程时按家庭报名，推荐也会照顾到家里的孩子。</Text>
          <Input
            className="field"
            data-testid="household-name"
            value={name}
            maxlength={20}
            placeholder="家庭名称，例如：王家"
            onInput={(e) => setName(e.detail.value)}
          />
          <Text className="card-title">家里有几个孩子</Text>
          <ChoiceChips choices={CHILDREN_CHOICES} value={children} onChoose={setChildren} chipTestId={(n) => `household-children-${n}`} />
          <Button
            className="btn-primary"
            data-testid="household-create-submit"
            loading={busy || undefined}
            disabled={busy || undefined}
            onClick={() => void onCreate()}
          >
            创建家庭
          </Button>
        </View>
      </View>
    );
  }

  const me = household.members.find((m) => m.isMe);
  return (
    <View className="page" data-testid="page-household">
      <View className="card" data-testid="household-card">
        <Text className="card-title" data-testid="household-title">
          {household.name}（{household.members.length} 人）
        </Text>
        {household.members.map((m) => (
          <View key={m.id} className="member-chip" data-testid={`household-member-${m.id}`}>
            {m.avatarUrl ? <Image className="member-avatar" src={fileUrl(m.avatarUrl)} mode="aspectFill" /> : <View className="member-avatar" />}
            <Text>{m.nickname || '未设置昵称'}</Text>
            <Text className="muted">{m.relation ?? ''}</Text>
            {m.isMe && <Text className="badge">我</Text>}
          </View>
        ))}
      </View>

      <View className="card">
        <Text className="card-title">我在家里是</Text>
        <ChoiceChips
          choices={HOUSEHOLD_RELATIONS.map((r) => ({ value: r, label: r }))}
          value={HOUSEHOLD_RELATIONS.find((r) => r === me?.relation)}
          onChoose={(r) => void onRelation(r)}
        />
        <Text className="card-title">家里有几个孩子</Text>
        <ChoiceChips
          choices={CHILDREN_CHOICES}
          value={household.childrenCount}
          onChoose={(n) => void onChildren(n)}
          chipTestId={(n) => `household-children-${n}`}
        />
      </View>

      <View className="card" data-testid="household-invite">
        <Text className="card-title">邀请家人</Text>
        <Text className="muted">生成邀请卡片发给家人，对方打开后确认即可加入，7 天内有效。</Text>
        {!invite ? (
          <Button
            className="btn-primary"
            data-testid="household-invite-create"
            loading={busy || undefined}
            disabled={busy || undefined}
            onClick={() => void onInvite()}
          >
            生成邀请卡片
          </Button>
        ) : (
          <View className="share-card" data-testid="household-invite-card">
            <Text className="card-title">邀请你加入「{invite.householdName}」</Text>
            <Text className="muted">有效期至 {formatShanghai(invite.expiresAt)}</Text>
            {isWeapp ? (
              <Button className="btn-primary" openType="share" data-testid="household-invite-share">
                发给家人
              </Button>
            ) : (
              <View>
                <Text className="muted">在微信里点右上角「…」→「转发给朋友」发出这张卡片。</Text>
                <Text className="muted" data-testid="household-invite-path" style={{ display: 'block', wordBreak: 'break-all' }}>
                  {invite.path}
                </Text>
              </View>
            )}
          </View>
        )}
      </View>

      <Button className="btn-danger" data-testid="household-leave" onClick={() => setConfirmLeave(true)}>
        退出家庭
      </Button>
      {confirmLeave && (
        <View className="mask">
          <View className="dialog" data-testid="household-leave-dialog">
            <Text className="card-title">确认退出「{household.name}」？</Text>
            <Text>退出后家人仍在这个家庭里，你可以再创建或加入别的家庭。</Text>
            <Button className="btn-danger" data-testid="household-leave-confirm" disabled={busy || undefined} onClick={() => void onLeave()}>
              确认退出
            </Button>
            <Button className="btn-plain" onClick={() => setConfirmLeave(false)}>
              再想想
            </Button>
          </View>
        </View>
      )}
    </View>
  );
}

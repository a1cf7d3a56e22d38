/**
 * 顾客顾问团: the member's panel badge (and group-moderator role), the panel rounds (e.g. 新品试吃会)
 * with sign-up, and the structured review form after taking part; reviews reach HQ's product team.
 */
import { useState } from 'react';
import { Button, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { myPanel, reviewPanelRound, signUpPanelRound, WOULD_BUY_LABELS, type ReviewAnswers } from '@contracts/community';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { showError } from '../../../api/errors';
import { useRemote } from '../../../api/useRemote';
import RemoteFrame from '../../../components/RemoteFrame';
import { ensureLogin, openConsent } from '../../../api/session';
import { useSession } from '../../../api/useSession';
import { formatShanghai } from '../../../utils/time';
import '../panel.css';

type Panel = RouteResponse<typeof myPanel>;
type Round = Panel['rounds'][number];

const MINE_LABEL: Record<Round['mine'], string> = { none: '', signed: '已报名', attended: '已到场', absent: '未到场' };

export default function PanelPage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const remote = useRemote((): Promise<Panel> => api.call(myPanel), [], { enabled: ready, everyShow: true });
  const setPanel = remote.setData;
  const [reviewing, setReviewing] = useState<number | null>(null);

  async function signUp(r: Round) {
    try {
      const next = await api.call(signUpPanelRound, { params: { roundId: r.id } });
      setPanel((p) => (p ? { ...p, rounds: p.rounds.map((x) => (x.id === r.id ? next : x)) } : p));
      void Taro.showToast({ title: '报名成功', icon: 'success' });
    } catch (err) {
      showError(err);
    }
  }

  if (!ready) {
    const needsConsent = session.status === 'needs-consent' || session.status === 'declined';
    return (
      <View className="panel-page">
        <View className="panel-card">
          <Text className="panel-title">登录后查看顾客顾问团</Text>
          <Button className="panel-btn" onClick={() => (needsConsent ? openConsent() : ensureLogin().catch(() => undefined))}>
            {needsConsent ? '阅读隐私保护指引' : '登录'}
          </Button>
        </View>
      </View>
    );
  }

  return (
    <View className="panel-page" data-testid="panel-page">
      <RemoteFrame
        remote={remote}
        isEmpty={(panel) => !panel.member}
        empty={
          <View className="panel-card" data-testid="panel-not-member">
            <Text className="panel-title">顾客顾问团</Text>
            <Text className="panel-muted">顾问团由经常参加活动、分享作品的会员组成，一起试吃新品、提建议。门店会邀请符合条件的会员加入。</Text>
          </View>
        }
      >
        {(panel) => (
          <>
            {panel.member && (
              <View className="panel-card panel-badge-card">
                <Text className="panel-badge" data-testid="panel-badge">
                  🏅 {panel.badge}
                </Text>
                {panel.moderator && <Text className="panel-muted">你也是社群管理员，感谢帮大家维护群里的氛围</Text>}
              </View>
            )}
            {panel.member &&
              panel.rounds.map((r) => (
                <View className="panel-card" key={r.id} data-testid="panel-round">
                  <Text className="panel-title">{r.title}</Text>
                  <Text className="panel-muted">
                    试吃新品：{r.product} · {formatShanghai(r.startsAt)}
                    {r.place ? ` · ${r.place}` : ''}
                  </Text>
                  {r.description ? <Text className="panel-text">{r.description}</Text> : null}
                  <Text className="panel-muted">
                    已报名 {r.signedUp}/{r.capacity}
                    {r.mine !== 'none' ? ` · ${MINE_LABEL[r.mine]}` : ''}
                  </Text>
                  {r.mine === 'none' && r.status === 'open' && (
                    <Button className="panel-btn" onClick={() => signUp(r)} disabled={r.signedUp >= r.capacity} data-testid="panel-signup">
                      {r.signedUp >= r.capacity ? '名额已满' : '报名参加'}
                    </Button>
                  )}
                  {(r.mine === 'signed' || r.mine === 'attended') && !r.reviewed && reviewing !== r.id && (
                    <Button className="panel-btn" onClick={() => setReviewing(r.id)} data-testid="panel-review-open">
                      填写试吃评价
                    </Button>
                  )}
                  {r.reviewed && <Text className="panel-ok">已提交评价，谢谢你的建议！</Text>}
                  {reviewing === r.id && (
                    <ReviewForm
                      roundId={r.id}
                      onDone={(next) => {
                        setReviewing(null);
                        setPanel((p) => (p ? { ...p, rounds: p.rounds.map((x) => (x.id === r.id ? next : x)) } : p));
                      }}
                    />
                  )}
                </View>
              ))}
          </>
        )}
      </RemoteFrame>
    </View>
  );
}

function Scale({ label, value, onChange, testId }: { label: string; value: number; onChange: (n: number) => void; testId: string }) {
  return (
    <View className="panel-scale">
      <Text className="panel-label">{label}</Text>
      <View className="panel-row">
        {[1, 2, 3, 4, 5].map((n) => (
          <View key={n} className={`panel-chip${value === n ? ' on' : ''}`} onClick={() => onChange(n)} data-testid={`${testId}-${n}`}>
            {n}
          </View>
        ))}
      </View>
    </View>
  );
}

function ReviewForm({ roundId, onDone }: { roundId: number; onDone: (r: Round) => void }) {
  const [a, setA] = useState<ReviewAnswers>({ taste: 0, value: 0, wouldBuy: 'maybe', comment: '' });
  const [busy, setBusy] = useState(false);
  const complete = a.taste > 0 && a.value > 0;
  async function submit() {
    setBusy(true);
    try {
      onDone(await api.call(reviewPanelRound, { params: { roundId }, body: a }));
      void Taro.showToast({ title: '评价已提交', icon: 'success' });
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <View className="panel-form" data-testid="panel-review-form">
      <Scale label="口味（1-5分）" value={a.taste} onChange={(taste) => setA({ ...a, taste })} testId="panel-taste" />
      <Scale label="性价比（1-5分）" value={a.value} onChange={(value) => setA({ ...a, value })} testId="panel-value" />
      <Text className="panel-label">上架后会买吗？</Text>
      <View className="panel-row">
        {(['yes', 'maybe', 'no'] as const).map((w) => (
          <View
            key={w}
            className={`panel-chip wide${a.wouldBuy === w ? ' on' : ''}`}
            onClick={() => setA({ ...a, wouldBuy: w })}
            data-testid={`panel-buy-${w}`}
          >
            {WOULD_BUY_LABELS[w]}
          </View>
        ))}
      </View>
      <Text className="panel-label">建议（选填）</Text>
      <Textarea
        className="panel-textarea"
        value={a.comment}
        maxlength={500}
        onInput={(e) => setA({ ...a, comment: e.detail.value })}
        data-testid="panel-comment"
      />
      <Button className="panel-btn" disabled={!complete || busy} onClick={submit} data-testid="panel-review-submit">
        提交评价
      </Button>
    </View>
  );
}

/**
 * One session: what, when, where, seats left, the series' other dates, and the household
 * registration form (adults, children, children's ages for family events). The register tap first
 * asks for the subscribe templates (weapp), then registers; a full session puts the household on
 * the waitlist and shows its position. A paid session holds the seat and opens the WeChat Pay
 * cashier right after registering (no waitlist: nobody pays for a maybe). The server decides
 * everything; this page explains it.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button, Image, Input, Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { ApiError } from '@contracts/client';
import { getSession, myStanding, register, subscribeTemplates, type MemberStanding, type MyRegistration, type SessionDetail } from '@contracts/classes';
import { api } from '../../../api/client';
import { getMyHousehold, type HouseholdView } from '@contracts/household';
import { errorMessage } from '../../../api/errors';
import { ROUTES } from '../../../api/routes';
import { rememberSharer, shareCard } from '../../../api/share-card';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame, { RemoteError } from '../../../components/RemoteFrame';
import LoginGate from '../components/LoginGate';
import Stepper from '../components/Stepper';
import { isFull, partyText, priceText, seatsText, sessionWhen, shortDateTime, statusLabel, typeLabel } from '../shared/format';
import { awaitConfirmed, payForRegistration, yuanText } from '../shared/pay';
import { askSubscribe, idParam, isWeapp, type NoticeWish, type TemplateIds } from '../shared/platform';
import '../classes.css';

function parseAge(text: string): number | null {
  if (!/^\d{1,2}$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= 0 && n <= 17 ? n : null;
}

export default function ClassDetailPage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const sessionId = useMemo(() => idParam('id'), []);
  const [standing, setStanding] = useState<MemberStanding | null>(null);
  const [templates, setTemplates] = useState<TemplateIds | null>(null);
  const [adults, setAdults] = useState(1);
  const [children, setChildren] = useState(0);
  const [ages, setAges] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<MyRegistration | null>(null);
  const [household, setHousehold] = useState<HouseholdView | null>(null);

  // a neighbour's card or poster brought this member here: recorded for referral (never a reward by itself)
  useEffect(() => {
    rememberSharer((Taro.getCurrentInstance?.()?.router?.params ?? {}) as Record<string, string | undefined>);
  }, []);

  // the card names the sharer through a signed token, asked for only when the member shares
  useShareAppMessage(() =>
    shareCard({
      kind: 'class',
      contentId: sessionId ?? undefined,
      title: detail ? `一起来参加「${detail.title}」` : '社区活动报名',
      path: `${ROUTES.classDetail}?id=${sessionId ?? ''}`,
      signedIn: ready,
    }),
  );

  // the first answer seeds the party, in the same render as the page (reloads after an action keep
  // what the member chose)
  const seeded = useRef(false);
  const remote = useRemote<SessionDetail>(
    async () => {
      const d = await api.call(getSession, { params: { sessionId: sessionId! } });
      if (!seeded.current) {
        seeded.current = true;
        // Start from a household the session can take: one adult, plus one child at family events.
        setAdults(Math.min(1, d.rules.maxAdults));
        const kids = d.type === 'family_event' && d.rules.childrenAllowed ? Math.min(1, d.rules.maxChildren) : 0;
        setChildren(kids);
        setAges(Array.from({ length: kids }, () => ''));
      }
      return d;
    },
    [sessionId],
    { enabled: ready && !!sessionId },
  );
  const detail = remote.data;
  const load = remote.reload;

  useEffect(() => {
    if (!ready) return;
    api.call(myStanding).then(setStanding, () => undefined);
    // the member's household (我的家庭) offers to fill the party in one tap
    api.call(getMyHousehold).then(
      (r) => setHousehold(r.household),
      () => undefined,
    );
    // The ids must be at hand before the tap: WeChat shows the dialog only from the tap itself.
    if (isWeapp()) api.call(subscribeTemplates).then(setTemplates, () => undefined);
  }, [ready]);

  const setChildCount = (n: number) => {
    setChildren(n);
    setAges((prev) => Array.from({ length: n }, (_, i) => prev[i] ?? ''));
  };

  if (!ready) {
    return (
      <View className="page" data-testid="page-class-detail">
        <LoginGate session={session} />
      </View>
    );
  }
  if (!detail) {
    return (
      <View className="page" data-testid="page-class-detail">
        <RemoteFrame remote={remote} missing={!sessionId && '没有找到这场活动'} loadingClassName="muted center-text" errorTestId="detail-error">
          {() => null}
        </RemoteFrame>
      </View>
    );
  }

  const d = detail;
  const agesRequired = d.rules.childAgesRequired && children > 0;
  const willWait = d.waitlistCount > 0 || adults > d.adultSeatsLeft || children > d.childSeatsLeft;
  const blocked = standing?.blocked ?? false;
  const closedReason =
    d.status === 'cancelled'
      ? '该场次已取消'
      : d.status === 'finished'
        ? '活动已结束'
        : !d.registrationOpen
          ? '报名已截止'
          : d.priceFen > 0 && (d.waitlistCount > 0 || (d.adultSeatsLeft <= 0 && d.childSeatsLeft <= 0))
            ? '名额已满（付费活动不设候补），请换一场'
            : null;
  const paid = d.priceFen > 0;

  const validate = (): string | null => {
    if (adults + children < 1) return '至少报名1人';
    if (agesRequired && ages.some((a) => parseAge(a) === null)) return '请填写每个孩子的年龄（0–17岁）';
    return null;
  };

  const onRegister = () => {
    if (busy || !sessionId) return;
    const invalid = validate();
    setFormError(invalid);
    if (invalid) return;
    const wanted: NoticeWish[] = willWait && !paid ? ['promoted', 'reminder24h', 'reminder2h'] : ['reminder24h', 'reminder2h'];
    // First thing in the tap handler, before any await (see askSubscribe).
    const asking = askSubscribe(templates, wanted);
    setBusy(true);
    asking
      .then((subscribe) =>
        api.call(register, {
          params: { sessionId },
          body: { adults, children, childAges: agesRequired ? ages.map((a) => parseAge(a) as number) : [], subscribe },
        }),
      )
      .then(async (reg) => {
        if (reg.status === 'unpaid') {
          setResult(reg);
          // the seat is held: straight to the cashier (an unfinished payment can be picked up below or in 我的活动)
          reg = await payAndWait(reg).catch(() => reg);
        }
        setResult(reg);
        if (reg.status !== 'unpaid') void Taro.showToast({ title: reg.status === 'waitlisted' ? '已加入候补' : '报名成功', icon: 'success' });
        void load();
      })
      .catch((err) => {
        setFormError(errorMessage(err));
        if (err instanceof ApiError && err.code === 'CLASS_MEMBER_BLOCKED') api.call(myStanding).then(setStanding, () => undefined);
        if (err instanceof ApiError && err.code === 'CLASS_ALREADY_REGISTERED') void load();
      })
      .finally(() => setBusy(false));
  };

  const payAndWait = async (reg: MyRegistration): Promise<MyRegistration> => {
    try {
      await payForRegistration(reg.id);
    } catch (err) {
      setFormError(errorMessage(err));
      throw err;
    }
    return awaitConfirmed(reg.id);
  };

  const onPayAgain = () => {
    if (!result || busy) return;
    setBusy(true);
    payAndWait(result)
      .then(
        (reg) => {
          setResult(reg);
          void load();
        },
        () => undefined,
      )
      .finally(() => setBusy(false));
  };

  const goMine = () => void Taro.navigateTo({ url: ROUTES.classMine });
  const existing = d.myRegistration;

  return (
    <View className="page" data-testid="page-class-detail">
      {remote.error && <RemoteError message={remote.error} onRetry={() => void load()} testId="detail-error" />}
      {d.coverUrl && <Image className="detail-cover" src={d.coverUrl} mode="aspectFill" />}
      <View className="card">
        <View className="session-head">
          <Text className="detail-title" data-testid="detail-title">
            {d.title}
          </Text>
          <Text className={`type-tag type-${d.type}`}>{typeLabel(d.type)}</Text>
        </View>
        <View className="row">
          <Text className="row-label">时间</Text>
          <Text className="row-value" data-testid="detail-when">
            {sessionWhen(d.startsAt, d.endsAt)}
          </Text>
        </View>
        <View className="row">
          <Text className="row-label">地点</Text>
          <Text className="row-value">
            {d.storeName ?? '门店'}
            {d.room ? ` ${d.room}` : ''}
          </Text>
        </View>
        <View className="row">
          <Text className="row-label">{d.type === 'class' ? '主讲' : '主持'}</Text>
          <Text className="row-value">{d.hostName}</Text>
        </View>
        <View className="row">
          <Text className="row-label">费用</Text>
          <Text className="row-value">{priceText(d.priceFen)}</Text>
        </View>
        <View className="row">
          <Text className="row-label">名额</Text>
          <Text className={isFull(d) ? 'row-value seats-full' : 'row-value'} data-testid="detail-seats">
            {seatsText(d)}
            {d.waitlistCount > 0 ? `（${d.waitlistCount}户候补中）` : ''}
          </Text>
        </View>
        <View className="row">
          <Text className="row-label">报名截止</Text>
          <Text className="row-value">{shortDateTime(d.registrationDeadline)}</Text>
        </View>
        <View className="row">
          <Text className="row-label">取消截止</Text>
          <Text className="row-value">{shortDateTime(d.cancellationDeadline)}</Text>
        </View>
      </View>

      {d.description ? (
        <View className="card">
          <Text className="card-title">活动介绍</Text>
          <Text className="description">{d.description}</Text>
        </View>
      ) : null}

      {result && result.status === 'unpaid' ? (
        <View className="card result result-unpaid" data-testid="register-unpaid">
          <Text className="card-title">名额已为你保留，请完成支付</Text>
          <Text className="muted">
            {yuanText(result.payment?.amountFen ?? d.priceFen)} · 请在 {result.payment?.expiresAt ? shortDateTime(result.payment.expiresAt) : '15分钟内'}{' '}
            前支付，超时名额自动释放
          </Text>
          {formError && <Text className="error-text">{formError}</Text>}
          <Button className="btn-primary" data-testid="register-pay" disabled={busy || undefined} loading={busy || undefined} onClick={onPayAgain}>
            去支付
          </Button>
          <Button className="btn-plain" onClick={goMine}>
            查看我的活动
          </Button>
        </View>
      ) : result ? (
        <View className={`card result result-${result.status}`} data-testid="register-result">
          <Text className="card-title">{result.status === 'waitlisted' ? '已加入候补' : '报名成功'}</Text>
          {result.status === 'waitlisted' ? (
            <>
              <Text className="big-number" data-testid="register-position">
                候补第{result.waitlistPosition ?? '—'}位
              </Text>
              <Text className="muted">有名额空出时，会按候补顺序自动为你补上。</Text>
              {result.subscriptions.promoted && <Text className="muted">补上后会通过微信通知你。</Text>}
            </>
          ) : (
            <Text className="muted">
              {result.payment?.status === 'paid' ? `已支付 ${yuanText(result.payment.amountFen)}。` : ''}到店时在「我的活动」出示签到码即可。
              {result.subscriptions.reminder24h || result.subscriptions.reminder2h ? '开始前会提醒你。' : ''}
            </Text>
          )}
          <Text className="muted">{partyText(result.adults, result.children)}</Text>
          <Button className="btn-primary" data-testid="register-go-mine" onClick={goMine}>
            查看我的活动
          </Button>
        </View>
      ) : existing && existing.status !== 'cancelled' ? (
        <View className="card" data-testid="detail-mine">
          <Text className="card-title">
            {existing.status === 'waitlisted' && existing.waitlistPosition ? `你在候补第${existing.waitlistPosition}位` : `你${statusLabel(existing.status)}`}
          </Text>
          <Text className="muted">签到码、取消报名都在「我的活动」里。</Text>
          <Button className="btn-plain" data-testid="detail-go-mine" onClick={goMine}>
            查看我的活动
          </Button>
        </View>
      ) : (
        <View className="card" data-testid="register-form">
          <Text className="card-title">报名</Text>
          {blocked && (
            <View className="notice notice-warn" data-testid="detail-blocked">
              <Text className="notice-title">暂时不能报名</Text>
              <Text>{standing?.reason ?? '近期多次报名未到场，暂时不能报名'}</Text>
            </View>
          )}
          {closedReason ? (
            <Text className="muted" data-testid="register-closed">
              {closedReason}
            </Text>
          ) : (
            <>
              {household && (
                <View
                  className="link-row"
                  data-testid="register-household"
                  onClick={() => {
                    setAdults(Math.min(Math.max(household.members.length, 1), d.rules.maxAdults));
                    if (d.rules.childrenAllowed) setChildCount(Math.min(household.childrenCount, d.rules.maxChildren));
                  }}
                >
                  <Text className="muted">
                    按「{household.name}」填写：家人 {household.members.length} 位{household.childrenCount ? `、孩子 ${household.childrenCount} 个` : ''}
                  </Text>
                  <Text className="chevron">一键填写 ›</Text>
                </View>
              )}
              <Stepper label="成人" hint="含你本人" value={adults} min={0} max={d.rules.maxAdults} onChange={setAdults} testId="adults" />
              {d.rules.childrenAllowed && (
                <Stepper
                  label="儿童"
                  hint={d.rules.childAgesRequired ? '亲子活动请填写孩子年龄' : undefined}
                  value={children}
                  min={0}
                  max={d.rules.maxChildren}
                  onChange={setChildCount}
                  testId="children"
                />
              )}
              {agesRequired &&
                ages.map((a, i) => (
                  <View key={i} className="age-row">
                    <Text>第{i + 1}个孩子</Text>
                    <Input
                      className="age-input"
                      type="number"
                      maxlength={2}
                      placeholder="年龄"
                      value={a}
                      data-testid={`child-age-${i}`}
                      onInput={(e) => {
                        const v = e.detail.value;
                        setAges((prev) => prev.map((x, j) => (j === i ? v : x)));
                      }}
                    />
                    <Text>岁</Text>
                  </View>
                ))}
              {paid && (
                <Text className="muted" data-testid="register-paid-hint">
                  付费活动：{yuanText(d.priceFen)}/人，报名后微信支付；{shortDateTime(d.cancellationDeadline)} 前取消全额退款。
                </Text>
              )}
              {willWait && !paid && (
                <Text className="muted" data-testid="register-waitlist-hint">
                  当前名额不足，报名后将进入候补，有名额空出时按顺序自动补上。
                </Text>
              )}
            </>
          )}
          {formError && (
            <Text className="error-text" data-testid="register-error">
              {formError}
            </Text>
          )}
          {!closedReason && (
            <Button
              className="btn-primary"
              data-testid="register-submit"
              disabled={blocked || busy || undefined}
              loading={busy || undefined}
              onClick={onRegister}
            >
              {paid ? `报名并支付 ${yuanText(d.priceFen * (adults + children))}` : willWait ? '加入候补' : '立即报名'}
            </Button>
          )}
          {!closedReason && isWeapp() && <Text className="muted small">报名时可选择接收开课提醒（微信订阅消息）。</Text>}
        </View>
      )}

      {d.otherSessions.length > 0 && (
        <View className="card" data-testid="detail-other-sessions">
          <Text className="card-title">同系列其他场次</Text>
          {d.otherSessions.map((o) => (
            <View
              key={o.id}
              className="link-row"
              data-testid={`other-session-${o.id}`}
              onClick={() => void Taro.redirectTo({ url: `${ROUTES.classDetail}?id=${o.id}` })}
            >
              <Text>{shortDateTime(o.startsAt)}</Text>
              <Text className="chevron">
                {!o.registrationOpen ? '已截止' : o.adultSeatsLeft <= 0 && o.childSeatsLeft <= 0 ? '可候补' : `余${o.adultSeatsLeft + o.childSeatsLeft}位`} ›
              </Text>
            </View>
          ))}
        </View>
      )}
    </View>
  );
}

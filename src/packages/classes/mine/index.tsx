/**
 * 「我的活动」: upcoming registrations with the check-in code (QR + short code), the waitlist
 * position, a cancel button before the deadline and a 「提醒我」 for subscribe messages; past ones
 * with the rating form after attending; scanning the store's session code to check in; and the
 * reason when no-shows block new registrations. A subscribe message opens this page with
 * ?registrationId=…, which pins that registration on top.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button, Input, Text, Textarea, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import {
  addSubscriptions,
  cancelRegistration,
  getMyRegistration,
  memberCheckIn,
  myRegistrations,
  myStanding,
  rateRegistration,
  subscribeTemplates,
  type MemberStanding,
  type MyRegistration,
} from '@contracts/classes';
import { api } from '../../../api/client';
import { showError } from '../../../api/errors';
import { ROUTES } from '../../../api/routes';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { formatShanghai } from '../../../utils/time';
import LoginGate from '../components/LoginGate';
import QrCode from '../components/QrCode';
import Stars from '../components/Stars';
import { partyText, sessionWhen, shortDateTime, statusLabel } from '../shared/format';
import { awaitConfirmed, countdown, payForRegistration, yuanText } from '../shared/pay';
import { askSubscribe, idParam, isWeapp, scanQr, type NoticeWish, type TemplateIds } from '../shared/platform';
import '../classes.css';

type Scope = 'upcoming' | 'past';
const PAGE_SIZE = 20;

export default function MyClassesPage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const focusId = useMemo(() => idParam('registrationId'), []);
  const [scope, setScope] = useState<Scope>('upcoming');
  const [focus, setFocus] = useState<MyRegistration | null>(null);
  const [standing, setStanding] = useState<MemberStanding | null>(null);
  const [templates, setTemplates] = useState<TemplateIds | null>(null);
  // the first page of the tab; back from a session page (or the app brought to front) it loads
  // again: promotions may have happened. 加载更多 appends the next page to it.
  const regs = useRemote(
    async () => {
      const res = await api.call(myRegistrations, { query: { scope, page: 1, pageSize: PAGE_SIZE } });
      return { items: res.items, total: res.total, page: 1 };
    },
    [scope],
    { enabled: ready, everyShow: true },
  );
  const { setData: setRegs, reload } = regs;
  const items = regs.data?.items ?? null;
  const [moreBusy, setMoreBusy] = useState(false);
  const more = async () => {
    const next = (regs.data?.page ?? 0) + 1;
    setMoreBusy(true);
    try {
      const res = await api.call(myRegistrations, { query: { scope, page: next, pageSize: PAGE_SIZE } });
      setRegs((prev) => (prev ? { items: [...prev.items, ...res.items], total: res.total, page: next } : prev));
    } catch (err) {
      showError(err);
    } finally {
      setMoreBusy(false);
    }
  };

  const loadFocus = useCallback(async () => {
    if (!focusId) return;
    try {
      setFocus(await api.call(getMyRegistration, { params: { registrationId: focusId } }));
    } catch {
      // An old message for a registration that is gone: the list below still shows the rest.
      setFocus(null);
    }
  }, [focusId]);

  useEffect(() => {
    if (!ready) return;
    api.call(myStanding).then(setStanding, () => undefined);
    if (isWeapp()) api.call(subscribeTemplates).then(setTemplates, () => undefined);
    void loadFocus();
  }, [ready, loadFocus]);

  // another tab: its own list (正在加载… until it arrives)
  useEffect(() => setRegs(null), [scope, setRegs]);

  // Back from a session page, or the app brought to front: the focused one may have changed too.
  const shown = useRef(false);
  useDidShow(() => {
    if (shown.current && ready) void loadFocus();
    shown.current = true;
  });

  const onChanged = (reg: MyRegistration) => {
    setRegs((prev) => (prev ? { ...prev, items: prev.items.map((r) => (r.id === reg.id ? reg : r)) } : prev));
    setFocus((prev) => (prev && prev.id === reg.id ? reg : prev));
  };

  if (!ready) {
    return (
      <View className="page" data-testid="page-class-mine">
        <LoginGate session={session} />
      </View>
    );
  }

  const list = (items ?? []).filter((r) => r.id !== focus?.id);

  return (
    <View className="page" data-testid="page-class-mine">
      {standing?.blocked && (
        <View className="notice notice-warn" data-testid="mine-blocked">
          <Text className="notice-title">暂时不能报名新活动</Text>
          <Text>{standing.reason ?? '近期多次报名未到场，暂时不能报名'}</Text>
          {standing.recentNoShows.length > 0 && (
            <Text className="muted">未到场：{standing.recentNoShows.map((n) => `${n.title}（${shortDateTime(n.startsAt)}）`).join('、')}</Text>
          )}
        </View>
      )}

      {focus && (
        <View data-testid="mine-focus">
          <Text className="group-title">消息提到的活动</Text>
          <RegistrationCard reg={focus} templates={templates} onChanged={onChanged} highlight />
        </View>
      )}

      <ScanCard onCheckedIn={() => void reload()} />

      <View className="tabs">
        {(['upcoming', 'past'] as const).map((s) => (
          <Text key={s} className={`tab${scope === s ? ' tab-on' : ''}`} data-testid={`mine-tab-${s}`} onClick={() => setScope(s)}>
            {s === 'upcoming' ? '即将参加' : '往期活动'}
          </Text>
        ))}
      </View>

      <RemoteFrame
        remote={regs}
        loadingClassName="muted center-text"
        errorTestId="mine-error"
        isEmpty={() => list.length === 0 && !focus}
        empty={
          <View className="card empty" data-testid="mine-empty">
            <Text>{scope === 'upcoming' ? '还没有报名的活动' : '还没有往期活动'}</Text>
            {scope === 'upcoming' && (
              <Button className="btn-plain" onClick={() => void Taro.navigateTo({ url: ROUTES.classList })}>
                去看看近期活动
              </Button>
            )}
          </View>
        }
      >
        {(d) => (
          <>
            {list.map((r) => (
              <RegistrationCard key={r.id} reg={r} templates={templates} onChanged={onChanged} />
            ))}
            {d.items.length < d.total && (
              <Button className="btn-plain" data-testid="mine-more" disabled={moreBusy || undefined} onClick={() => void more()}>
                加载更多
              </Button>
            )}
          </>
        )}
      </RemoteFrame>
    </View>
  );
}

/** Check in by scanning the store's session QR: the camera in weapp, a text field in the h5 preview. */
function ScanCard({ onCheckedIn }: { onCheckedIn(): void }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (text: string) => {
    if (!text.trim()) {
      void Taro.showToast({ title: '请输入签到码', icon: 'none' });
      return;
    }
    setBusy(true);
    try {
      const res = await api.call(memberCheckIn, { body: { code: text.trim() } });
      setDone(`${res.result === 'already_checked_in' ? '已经签到过了' : '签到成功'}：${res.title}`);
      setCode('');
      void Taro.showToast({ title: res.result === 'already_checked_in' ? '已签到' : '签到成功', icon: 'success' });
      onCheckedIn();
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const scan = async () => {
    try {
      await submit(await scanQr());
    } catch (err) {
      showError(err);
    }
  };

  return (
    <View className="card" data-testid="mine-scan">
      <Text className="card-title">到店签到</Text>
      <Text className="muted">扫描门店活动现场的签到二维码，或请店员扫你的签到码。</Text>
      {isWeapp() ? (
        <Button className="btn-primary" data-testid="mine-scan-button" disabled={busy || undefined} onClick={() => void scan()}>
          扫码签到
        </Button>
      ) : (
        <View className="scan-row">
          <Input
            className="scan-input"
            placeholder="输入或粘贴门店签到码"
            value={code}
            data-testid="mine-scan-input"
            onInput={(e) => setCode(e.detail.value)}
          />
          <Button className="btn-primary scan-btn" data-testid="mine-scan-submit" disabled={busy || undefined} onClick={() => void submit(code)}>
            签到
          </Button>
        </View>
      )}
      {done && (
        <Text className="ok-text" data-testid="mine-scan-result">
          {done}
        </Text>
      )}
    </View>
  );
}

function RegistrationCard({
  reg,
  templates,
  onChanged,
  highlight,
}: {
  reg: MyRegistration;
  templates: TemplateIds | null;
  onChanged(reg: MyRegistration): void;
  highlight?: boolean;
}) {
  const s = reg.session;
  const [busy, setBusy] = useState(false);
  const active = reg.status === 'confirmed' || reg.status === 'waitlisted';
  // Templates that still make sense for this registration and are not accepted yet.
  const missing: NoticeWish[] = !active
    ? []
    : ([reg.status === 'waitlisted' ? 'promoted' : null, 'reminder24h', 'reminder2h'] as Array<NoticeWish | null>).filter(
        (k): k is NoticeWish => k !== null && !reg.subscriptions[k],
      );

  const onCancel = async () => {
    const answer = await Taro.showModal({
      title: reg.status === 'waitlisted' ? '退出候补？' : '取消报名？',
      content:
        reg.status === 'waitlisted'
          ? '退出后如需参加，需要重新排队。'
          : reg.payment?.status === 'paid'
            ? `已付的 ${yuanText(reg.payment.amountFen)} 会原路全额退回。`
            : '取消后名额会让给其他家庭。',
      confirmText: '确定取消',
      cancelText: '再想想',
    });
    if (!answer.confirm) return;
    setBusy(true);
    try {
      onChanged(await api.call(cancelRegistration, { params: { registrationId: reg.id } }));
      void Taro.showToast({ title: '已取消', icon: 'success' });
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const onPay = async () => {
    setBusy(true);
    try {
      await payForRegistration(reg.id);
      const fresh = await awaitConfirmed(reg.id);
      onChanged(fresh);
      if (fresh.status === 'confirmed') void Taro.showToast({ title: '支付成功', icon: 'success' });
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const onRemind = () => {
    const asking = askSubscribe(templates, missing); // first in the tap handler
    setBusy(true);
    asking
      .then(async (accepts) => {
        if (!accepts.reminder24h && !accepts.reminder2h && !accepts.promoted) return;
        onChanged(await api.call(addSubscriptions, { params: { registrationId: reg.id }, body: accepts }));
        void Taro.showToast({ title: '会按时提醒你', icon: 'success' });
      })
      .catch(showError)
      .finally(() => setBusy(false));
  };

  return (
    <View className={`card reg-card${highlight ? ' reg-focus' : ''}`} data-testid={`reg-${reg.id}`}>
      <View className="session-head">
        <Text className="session-title" onClick={() => void Taro.navigateTo({ url: `${ROUTES.classDetail}?id=${s.id}` })}>
          {s.title}
        </Text>
        <Text className={`status-tag status-${reg.status}`} data-testid={`reg-status-${reg.id}`}>
          {reg.status === 'waitlisted' && reg.waitlistPosition ? `候补第${reg.waitlistPosition}位` : statusLabel(reg.status)}
        </Text>
      </View>
      <Text className="session-line">{sessionWhen(s.startsAt, s.endsAt)}</Text>
      <Text className="session-line muted">
        {s.storeName ?? '门店'}
        {s.room ? ` ${s.room}` : ''} · {partyText(reg.adults, reg.children)}
        {reg.childAges.length ? `（孩子${reg.childAges.join('、')}岁）` : ''}
      </Text>

      {reg.promotedAt && (reg.status === 'confirmed' || reg.status === 'attended') && (
        <View className="notice notice-ok" data-testid={`reg-promoted-${reg.id}`}>
          <Text>候补成功！{formatShanghai(reg.promotedAt)} 已为你补上名额。</Text>
        </View>
      )}
      {reg.status === 'waitlisted' && (
        <Text className="muted" data-testid={`reg-waiting-${reg.id}`}>
          有名额空出时会按顺序自动为你补上{reg.subscriptions.promoted ? '，并通过微信通知你' : ''}。
        </Text>
      )}
      {reg.status === 'cancelled' && (
        <Text className="muted">
          {reg.cancelledBy === 'ops'
            ? '门店取消了这场活动，给你添麻烦了。'
            : reg.cancelledBy === 'timeout'
              ? '未在时限内支付，名额已释放。'
              : `已于 ${formatShanghai(reg.cancelledAt)} 取消`}
        </Text>
      )}
      {reg.status === 'no_show' && <Text className="muted">这次没有签到，记为未到场。</Text>}
      {reg.status === 'unpaid' && reg.payment && (
        <View className="notice notice-warn" data-testid={`reg-unpaid-${reg.id}`}>
          <Text>
            待支付 {yuanText(reg.payment.amountFen)}，名额保留至{' '}
            {reg.payment.expiresAt ? `${shortDateTime(reg.payment.expiresAt)}（剩 ${countdown(reg.payment.expiresAt)}）` : '—'}
          </Text>
        </View>
      )}
      {reg.payment && reg.payment.status !== 'unpaid' && reg.payment.status !== 'none' && (
        <Text className="muted small" data-testid={`reg-payment-${reg.id}`}>
          {reg.payment.status === 'paid'
            ? `已支付 ${yuanText(reg.payment.amountFen)}`
            : reg.payment.status === 'refunding'
              ? `退款 ${yuanText(reg.payment.refundFen)} 处理中，原路退回`
              : `已退款 ${yuanText(reg.payment.refundFen)}`}
        </Text>
      )}

      {reg.status === 'confirmed' && reg.checkIn && (
        <View className="checkin" data-testid={`reg-checkin-${reg.id}`}>
          <QrCode text={reg.checkIn.qrPayload} testId={`reg-qr-${reg.id}`} />
          <Text className="muted">签到码</Text>
          <Text className="short-code" data-testid={`reg-code-${reg.id}`}>
            {reg.checkIn.shortCode}
          </Text>
          <Text className="muted small">到店后请店员扫码，或报出签到码</Text>
        </View>
      )}
      {reg.checkedInAt && (
        <Text className="ok-text" data-testid={`reg-checked-${reg.id}`}>
          已于 {formatShanghai(reg.checkedInAt)} 签到
        </Text>
      )}

      {reg.rating ? (
        <View className="rating" data-testid={`reg-rating-${reg.id}`}>
          <Text className="muted">我的评价</Text>
          <Stars value={reg.rating.stars} />
          {reg.rating.comment && <Text className="rating-comment">{reg.rating.comment}</Text>}
        </View>
      ) : reg.canRate ? (
        <RatingForm reg={reg} onChanged={onChanged} />
      ) : null}

      <View className="actions">
        {reg.status === 'unpaid' && (
          <Button className="btn-primary btn-small" data-testid={`reg-pay-${reg.id}`} disabled={busy || undefined} onClick={() => void onPay()}>
            去支付
          </Button>
        )}
        {isWeapp() && missing.length > 0 && (
          <Button className="btn-plain btn-small" data-testid={`reg-remind-${reg.id}`} disabled={busy || undefined} onClick={onRemind}>
            开课前提醒我
          </Button>
        )}
        {reg.canCancel && (
          <Button className="btn-danger btn-small" data-testid={`reg-cancel-${reg.id}`} disabled={busy || undefined} onClick={() => void onCancel()}>
            {reg.status === 'waitlisted' ? '退出候补' : '取消报名'}
          </Button>
        )}
      </View>
      {reg.status === 'confirmed' && !reg.canCancel && <Text className="muted small">已过取消截止时间（{shortDateTime(s.cancellationDeadline)}）</Text>}
    </View>
  );
}

function RatingForm({ reg, onChanged }: { reg: MyRegistration; onChanged(reg: MyRegistration): void }) {
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (stars < 1) {
      void Taro.showToast({ title: '请先选择星级', icon: 'none' });
      return;
    }
    setBusy(true);
    try {
      const text = comment.trim();
      onChanged(await api.call(rateRegistration, { params: { registrationId: reg.id }, body: text ? { stars, comment: text } : { stars } }));
      void Taro.showToast({ title: '谢谢你的评价', icon: 'success' });
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="rating-form" data-testid={`reg-rate-${reg.id}`}>
      <Text className="card-subtitle">给这次活动打个分吧</Text>
      <Stars value={stars} onChange={setStars} testId={`reg-stars-${reg.id}`} />
      <Textarea
        className="comment-input"
        placeholder="说说你的感受（选填，最多500字）"
        maxlength={500}
        value={comment}
        data-testid={`reg-comment-${reg.id}`}
        onInput={(e) => setComment(e.detail.value)}
      />
      <Button className="btn-primary" data-testid={`reg-rate-submit-${reg.id}`} disabled={busy || undefined} onClick={() => void submit()}>
        提交评价
      </Button>
    </View>
  );
}

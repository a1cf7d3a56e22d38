import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as system from '../../contracts/system';
import * as wecom from '../../contracts/wecom';
import type { StaffProfile } from '../../contracts/identity';
import { ApiError, errorMessage, makeClient, tokenStore, type ApiClient, type TokenStore } from '../shared/api';
import { formatDateTime } from '../shared/time';
import { tierLabel } from '../shared/labels';
import { newOAuthState, signIn, oauthUrl, type SidebarConfig } from './flow';
import { currentExternalContact, inWecomClient, registerWecom, sendChat, sendMiniprogramCard, wecomErrorMessage, type ChatMessage } from './wecom';
import coverUrl from './card-cover.png';
import { CheckInPanel } from './checkin/CheckInPanel';
import { PickupPanel } from './pickup/PickupPanel';
import { CouponRedeemPanel } from './coupons/CouponRedeemPanel';
import { ContactJourneys } from './tasks/ContactJourneys';
import { TasksPanel } from './tasks/TasksPanel';
import { ArrivalsPanel } from './arrivals/ArrivalsPanel';
import { ChurnRiskCard } from './churn/ChurnRiskCard';
import { ErrorBoundary } from '../shared/ErrorBoundary';
import { Avatar } from './Avatar';
import { CorpTagsPanel } from './clerk/CorpTagsPanel';
import { FollowupPanel } from './clerk/FollowupPanel';
import { LibraryPanel } from './clerk/LibraryPanel';
import { NewTaskPanel } from './clerk/NewTaskPanel';
import { currentGroupChat, GroupChatPanel } from './group/GroupChatPanel';

type ContactView = wecom.SidebarContactView;
type Mode = 'dev' | 'wecom';

type ContactState =
  | { kind: 'loading' }
  | { kind: 'unsupported'; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'group'; chatId: string }
  | { kind: 'ready'; view: ContactView };

type View =
  | { kind: 'loading'; text: string }
  | { kind: 'needsWecom'; oauthUrl: string | null; devHint: boolean; notice?: string }
  | { kind: 'fatal'; message: string; oauthUrl?: string | null }
  | { kind: 'signedIn'; staff: StaffProfile; config: SidebarConfig; mode: Mode; contact: ContactState };

type BootResult =
  { kind: 'signedIn'; staff: StaffProfile; config: SidebarConfig; mode: Mode } | { kind: 'redirect'; url: string } | { kind: 'show'; view: View };

let booting: Promise<BootResult> | null = null;

/**
 * Config + sign-in, once per page load: an OAuth code can be exchanged only once, so a second
 * effect run (React StrictMode in dev, a remount) must reuse the first attempt, not spend it again.
 */
function boot(api: ApiClient, tokens: TokenStore): Promise<BootResult> {
  booting ??= (async (): Promise<BootResult> => {
    let config: SidebarConfig;
    try {
      config = await api.call(system.publicConfig);
    } catch (err) {
      return { kind: 'show', view: { kind: 'fatal', message: `无法加载配置：${errorMessage(err)}` } };
    }
    const dev = config.simulator !== null;
    // In dev a normal browser stands in for the WeCom client, so the jssdk is never touched.
    const inWecom = !dev && inWecomClient();
    let outcome;
    try {
      outcome = await signIn({ api, tokens, config, href: location.href, storage: window.sessionStorage, inWecom });
    } catch (err) {
      const message = err instanceof Error ? err.message : errorMessage(err);
      const retry = !dev && err instanceof ApiError && err.code === 'WECOM_CODE_INVALID';
      return {
        kind: 'show',
        view: {
          kind: 'fatal',
          message,
          oauthUrl: retry ? oauthUrl(config.wecom.corpId, config.wecom.agentId, location.href, newOAuthState(window.sessionStorage)) : null,
        },
      };
    }
    if (outcome.kind === 'needsWecom') {
      if (outcome.autoRedirect && outcome.oauthUrl) return { kind: 'redirect', url: outcome.oauthUrl };
      return { kind: 'show', view: { kind: 'needsWecom', oauthUrl: outcome.oauthUrl, devHint: outcome.devHint } };
    }
    if (!dev && !inWecom) {
      return {
        kind: 'show',
        view: { kind: 'needsWecom', oauthUrl: null, devHint: false, notice: '已登录，但当前不是企业微信客户端，无法获取聊天中的客户。' },
      };
    }
    return { kind: 'signedIn', staff: outcome.staff, config, mode: dev ? 'dev' : 'wecom' };
  })();
  return booting;
}

export function App() {
  const tokens = useMemo(() => tokenStore(window.sessionStorage, 'hub.sidebar.token'), []);
  // A 401 anywhere ends this session; the screen that made the call decides what to show.
  const api = useMemo(() => makeClient(tokens, () => tokens.clear()), [tokens]);
  const [view, setView] = useState<View>({ kind: 'loading', text: '正在加载…' });
  const configRef = useRef<SidebarConfig | null>(null);
  // bumped when the clerk adds a task or a note, so the task list and the timeline show it
  const [tasksKey, setTasksKey] = useState(0);

  const reauth = useCallback((notice: string) => {
    const config = configRef.current;
    const dev = config?.simulator != null;
    setView({
      kind: 'needsWecom',
      oauthUrl: config && !dev ? oauthUrl(config.wecom.corpId, config.wecom.agentId, location.href, newOAuthState(window.sessionStorage)) : null,
      devHint: dev,
      notice,
    });
  }, []);

  const loadContact = useCallback(
    async (staff: StaffProfile, config: SidebarConfig, mode: Mode) => {
      const set = (contact: ContactState) => setView({ kind: 'signedIn', staff, config, mode, contact });
      set({ kind: 'loading' });
      // opened in a customer group chat: the group view instead of a customer
      try {
        const chatId = await currentGroupChat(mode);
        if (chatId) return set({ kind: 'group', chatId });
      } catch (err) {
        return set({ kind: 'error', message: wecomErrorMessage(err) });
      }
      let externalUserId: string;
      if (mode === 'dev') {
        const param = new URL(location.href).searchParams.get('dev_external_userid');
        if (!param) {
          set({
            kind: 'unsupported',
            message: '开发模式：请在地址中加上 ?dev_external_userid=<客户的 external_userid>，代替企业微信客户端提供当前客户。',
          });
          return;
        }
        externalUserId = param;
      } else {
        try {
          registerWecom(api, config.wecom.corpId, config.wecom.agentId);
          const found = await currentExternalContact();
          if (found.kind === 'unsupported') {
            set({ kind: 'unsupported', message: found.message });
            return;
          }
          externalUserId = found.externalUserId;
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) return reauth(err.message);
          set({ kind: 'error', message: wecomErrorMessage(err) });
          return;
        }
      }
      try {
        const view = await api.call(wecom.sidebarContact, { params: { externalUserId } });
        set({ kind: 'ready', view });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return reauth(err.message);
        set({ kind: 'error', message: errorMessage(err) });
      }
    },
    [api, reauth],
  );

  useEffect(() => {
    let live = true;
    boot(api, tokens).then(async (result) => {
      if (!live) return;
      if (result.kind !== 'signedIn') {
        if (result.kind === 'redirect') {
          setView({ kind: 'loading', text: '正在跳转企业微信授权…' });
          location.replace(result.url);
        } else setView(result.view);
        return;
      }
      configRef.current = result.config;
      await loadContact(result.staff, result.config, result.mode);
    });
    return () => {
      live = false;
    };
  }, [api, tokens, loadContact]);

  return (
    <div className="sb">
      {view.kind === 'loading' && <p className="sb-muted sb-center">{view.text}</p>}
      {view.kind === 'fatal' && (
        <div className="sb-card">
          <p className="sb-error" data-testid="sidebar-error">
            {view.message}
          </p>
          {view.oauthUrl && (
            <a className="sb-btn" href={view.oauthUrl}>
              重新授权
            </a>
          )}
        </div>
      )}
      {view.kind === 'needsWecom' && <NeedsWecom {...view} />}
      {view.kind === 'signedIn' && (
        <>
          <header className="sb-top">
            <span>
              当前员工：<b data-testid="sidebar-staff-name">{view.staff.displayName}</b>
              {view.staff.storeName ? <span className="sb-muted"> · {view.staff.storeName}</span> : null}
            </span>
            <button className="sb-link" onClick={() => loadContact(view.staff, view.config, view.mode)}>
              刷新
            </button>
          </header>
          {/* Who just walked in: first, so the clerk at the door sees it at once. */}
          <ErrorBoundary surface="sidebar" area="arrivals" compact>
            <ArrivalsPanel api={api} />
          </ErrorBoundary>
          <ErrorBoundary surface="sidebar" area="contact" compact>
            {view.contact.kind === 'group' ? (
              <GroupChatPanel api={api} chatId={view.contact.chatId} mode={view.mode} appId={view.config.miniprogram?.appId ?? null} coverUrl={coverUrl} />
            ) : (
              <ContactPanel state={view.contact} />
            )}
          </ErrorBoundary>
          {view.contact.kind === 'ready' && view.contact.view.member && (
            <ErrorBoundary surface="sidebar" area="churn" compact>
              <ChurnRiskCard key={`risk-${view.contact.view.externalUserId}`} api={api} externalUserId={view.contact.view.externalUserId} />
            </ErrorBoundary>
          )}
          {view.contact.kind === 'ready' && (
            <ClerkPanels
              api={api}
              externalUserId={view.contact.view.externalUserId}
              send={(m) =>
                sendChat(
                  m,
                  view.mode === 'dev' && view.config.simulator
                    ? {
                        simulatorUrl: view.config.simulator.baseUrl,
                        userid: view.staff.wecomUserId,
                        externalUserId: view.contact.kind === 'ready' ? view.contact.view.externalUserId : '',
                      }
                    : null,
                )
              }
              onTask={() => setTasksKey((k) => k + 1)}
            />
          )}
          {view.contact.kind === 'ready' && (
            <ErrorBoundary surface="sidebar" area="journeys" compact>
              <ContactJourneys key={view.contact.view.externalUserId} api={api} externalUserId={view.contact.view.externalUserId} />
            </ErrorBoundary>
          )}
          {view.contact.kind === 'ready' && (
            <ErrorBoundary surface="sidebar" area="actions" compact>
              <Actions mode={view.mode} config={view.config} />
            </ErrorBoundary>
          )}
          {/* Journey tasks are the staff member's own, whoever the chat is with. */}
          <ErrorBoundary surface="sidebar" area="tasks" compact>
            <TasksPanel key={tasksKey} api={api} externalUserId={view.contact.kind === 'ready' ? view.contact.view.externalUserId : null} />
          </ErrorBoundary>
          {/* Class check-in needs no chat contact: staff type the code the member shows. */}
          <ErrorBoundary surface="sidebar" area="checkin" compact>
            <CheckInPanel api={api} />
          </ErrorBoundary>
          <ErrorBoundary surface="sidebar" area="pickup" compact>
            <PickupPanel api={api} />
          </ErrorBoundary>
          <ErrorBoundary surface="sidebar" area="coupon" compact>
            <CouponRedeemPanel api={api} />
          </ErrorBoundary>
        </>
      )}
    </div>
  );
}

/** The clerk's tools for the customer in the chat, each in its own boundary: a broken one never takes the rest down. */
function ClerkPanels({
  api,
  externalUserId,
  send,
  onTask,
}: {
  api: ApiClient;
  externalUserId: string;
  send: (m: ChatMessage) => Promise<void>;
  onTask: () => void;
}) {
  return (
    <>
      <ErrorBoundary surface="sidebar" area="corp-tags" compact>
        <CorpTagsPanel key={externalUserId} api={api} externalUserId={externalUserId} />
      </ErrorBoundary>
      <ErrorBoundary surface="sidebar" area="library" compact>
        <LibraryPanel api={api} send={send} />
      </ErrorBoundary>
      <ErrorBoundary surface="sidebar" area="followups" compact>
        <FollowupPanel key={externalUserId} api={api} externalUserId={externalUserId} />
      </ErrorBoundary>
      <ErrorBoundary surface="sidebar" area="new-task" compact>
        <NewTaskPanel api={api} externalUserId={externalUserId} onCreated={onTask} />
      </ErrorBoundary>
    </>
  );
}

function NeedsWecom({ oauthUrl, devHint, notice }: { oauthUrl: string | null; devHint: boolean; notice?: string }) {
  return (
    <div className="sb-card sb-center">
      <p className="sb-title" data-testid="sidebar-error">
        请从企业微信侧边栏打开
      </p>
      {notice && <p className="sb-muted">{notice}</p>}
      {oauthUrl && (
        <a className="sb-btn" href={oauthUrl}>
          企业微信授权登录
        </a>
      )}
      {devHint && (
        <p className="sb-muted sb-left">
          开发模式：在地址后加上 <code>?dev_userid=员工企业微信账号&amp;dev_external_userid=客户ID</code>，由本地模拟器代替企业微信登录。
        </p>
      )}
    </div>
  );
}

function ContactPanel({ state }: { state: ContactState }) {
  if (state.kind === 'group') return null;
  if (state.kind === 'loading') return <p className="sb-muted sb-center">正在获取当前客户…</p>;
  if (state.kind === 'unsupported')
    return (
      <div className="sb-card">
        <p className="sb-muted" data-testid="sidebar-error">
          {state.message}
        </p>
      </div>
    );
  if (state.kind === 'error')
    return (
      <div className="sb-card">
        <p className="sb-error" data-testid="sidebar-error">
          {state.message}
        </p>
      </div>
    );
  const { view } = state;
  const m = view.member;
  const name = view.name ?? m?.nickname ?? '未知客户';
  return (
    <>
      <section className="sb-card sb-contact">
        <Avatar url={view.avatarUrl} name={name} />
        <div className="sb-grow">
          <div className="sb-name" data-testid="sidebar-contact-name">
            {name}
          </div>
          {m ? (
            <div className="sb-meta">
              <span className="sb-tier" data-testid="sidebar-member-tier">
                {tierLabel(m.tier)}
              </span>
              {m.nickname && m.nickname !== name ? <span className="sb-muted">会员昵称：{m.nickname}</span> : null}
            </div>
          ) : (
            <div className="sb-meta sb-warn" data-testid="sidebar-unlinked">
              该客户尚未绑定会员
            </div>
          )}
        </div>
      </section>
      {m ? (
        <>
          <section className="sb-card">
            <dl className="sb-dl">
              <dt>门店</dt>
              <dd>{m.storeName ?? '未选择'}</dd>
              <dt>家庭</dt>
              <dd>{m.householdName ?? '未加入家庭'}</dd>
            </dl>
          </section>
          <section className="sb-card">
            <h3>会员标签</h3>
            <div className="sb-tags" data-testid="sidebar-tags">
              {m.tags.length ? m.tags.map((t) => <span key={t}>{t}</span>) : <em className="sb-muted">暂无会员行为标签</em>}
            </div>
          </section>
          <Offers offers={m.offers} />
          <Timeline items={m.recentActivity} />
        </>
      ) : (
        <section className="sb-card">
          <p className="sb-muted">客户在小程序注册会员后，会按微信身份自动关联到这里。可以发送小程序卡片邀请注册。</p>
        </section>
      )}
    </>
  );
}

/** Up to 3 offers, best first, each with the fact behind it (为什么推荐). */
function Offers({ offers }: { offers: wecom.SidebarOffer[] }) {
  return (
    <section className="sb-card">
      <h3>推荐跟进</h3>
      {offers.length ? (
        <ol className="sb-offers" data-testid="sidebar-offer">
          {offers.map((o) => (
            <li key={o.key} className="sb-offer" data-testid={`sidebar-offer-${o.key}`}>
              <span>{o.text}</span>
              <small className="sb-reason">为什么推荐：{o.reason}</small>
            </li>
          ))}
        </ol>
      ) : (
        <p className="sb-muted" data-testid="sidebar-offer">
          暂无推荐
        </p>
      )}
    </section>
  );
}

/** The first few lines show at once (phones); the rest of the (at most 15) on a tap. */
const TIMELINE_FOLDED = 5;

function Timeline({ items }: { items: wecom.SidebarActivity[] }) {
  const [open, setOpen] = useState(false);
  const shown = open ? items : items.slice(0, TIMELINE_FOLDED);
  return (
    <section className="sb-card">
      <h3>最近动态</h3>
      <ul className="sb-activity" data-testid="sidebar-activity">
        {shown.length ? (
          shown.map((a, i) => (
            <li key={`${a.at}-${i}`} data-kind={a.kind}>
              <time>{formatDateTime(a.at)}</time>
              <span>{a.text}</span>
            </li>
          ))
        ) : (
          <li className="sb-muted">暂无近期动态</li>
        )}
      </ul>
      {items.length > TIMELINE_FOLDED && (
        <button className="sb-link sb-more" data-testid="sidebar-activity-toggle" onClick={() => setOpen(!open)}>
          {open ? '收起' : `展开全部 ${items.length} 条`}
        </button>
      )}
    </section>
  );
}

function Actions({ mode, config }: { mode: Mode; config: SidebarConfig }) {
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [sending, setSending] = useState(false);
  const appId = config.miniprogram?.appId;
  const blocked = mode === 'dev' ? '需在企业微信客户端内使用，开发模式下不可发送' : !appId ? '未配置小程序 AppID，请联系管理员' : null;

  async function send() {
    if (!appId) return;
    setSending(true);
    setStatus(null);
    try {
      await sendMiniprogramCard({
        appid: appId,
        title: '社区会员中心｜领福利·报课程·订年夜饭',
        // The jssdk requires an absolute http(s) cover URL; the bundled asset URL may be relative.
        imgUrl: new URL(coverUrl, location.href).toString(),
        // Mini-program pages in a chat card must end in .html (see the jssdk's MiniprogramMessage).
        page: 'pages/home/index.html?from=wecom_sidebar',
      });
      setStatus({ ok: true, text: '已发送到当前会话' });
    } catch (err) {
      setStatus({ ok: false, text: wecomErrorMessage(err) });
    } finally {
      setSending(false);
    }
  }

  return (
    <section className="sb-card">
      <h3>快捷操作</h3>
      <button className="sb-btn" data-testid="sidebar-send-card" disabled={!!blocked || sending} onClick={send}>
        {sending ? '发送中…' : '发送小程序卡片'}
      </button>
      {blocked && <p className="sb-muted sb-small">{blocked}</p>}
      {status && <p className={status.ok ? 'sb-ok sb-small' : 'sb-error sb-small'}>{status.text}</p>}
    </section>
  );
}

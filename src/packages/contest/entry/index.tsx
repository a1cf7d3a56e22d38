/**
 * Entry detail: photos, story, ingredients, steps; vote with the allowance left today; share as a
 * mini-program card (the path carries the sharer's member id for referral attribution only) or as
 * a poster with the mini-program code. Nothing here rewards sharing or asks anyone to 拉票.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Button, Image, Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { castVote, getContest, getEntry, myVotes, shareInfo, type EntryDetail } from '@contracts/contest';
import type { RouteResponse } from '@contracts/route';
import { api, getToken } from '../../../api/client';
import { errorMessage, isApiError } from '../../../api/errors';
import { ensureLogin } from '../../../api/session';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import { PendingPage } from '../components';
import { fileUrl, intParam, pageParams, pageUrl, rememberSharer } from '../lib';
import '../contest.css';

type Votes = RouteResponse<typeof myVotes>;
type Share = RouteResponse<typeof shareInfo>;

export default function EntryPage() {
  const [params] = useState(pageParams);
  const entryId = intParam(params.id);
  // Browsing is public (a shared card must open for a newcomer); a returning member with a stored
  // token is signed in silently so their votes left today show.
  const [hadToken] = useState(() => !!getToken());
  const session = useSession({ autoLogin: hadToken });
  // the sharer is remembered before the entry loads
  useEffect(() => {
    if (entryId) rememberSharer(params);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entryId, params.rt, params.scene]);
  const remote = useRemote(
    async () => {
      const entry = await api.call(getEntry, { params: { entryId: entryId! } });
      return { entry, contest: await api.call(getContest, { params: { contestId: entry.contestId } }) };
    },
    [entryId],
    { enabled: !!entryId },
  );
  const entry = remote.data?.entry ?? null;
  const contest = remote.data?.contest ?? null;
  const setEntry = (next: EntryDetail) => remote.setData((d) => (d ? { ...d, entry: next } : d));
  const [votes, setVotes] = useState<Votes | null>(null);
  const [voting, setVoting] = useState(false);
  const [votedHere, setVotedHere] = useState(false);
  const [voteMessage, setVoteMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [share, setShare] = useState<Share | null>(null);
  const [posterOpen, setPosterOpen] = useState(false);
  const [posterLoading, setPosterLoading] = useState(false);
  const shareRef = useRef<{ share: Share | null; entry: EntryDetail | null }>({ share: null, entry: null });
  shareRef.current = { share, entry };

  const signedIn = session.status === 'ready';
  const votingOpen = !!contest?.votingOpen;
  const contestId = contest?.id;
  const refreshVotes = useCallback(async () => {
    if (!contestId) return;
    try {
      setVotes(await api.call(myVotes, { params: { contestId } }));
    } catch {
      setVotes(null);
    }
  }, [contestId]);

  useEffect(() => {
    if (signedIn && votingOpen) void refreshVotes();
  }, [signedIn, votingOpen, refreshVotes]);

  // The card's path must carry this member's id, which only the server knows: fetch it once signed in.
  useEffect(() => {
    if (!signedIn || !entryId || !entry) return;
    api.call(shareInfo, { params: { entryId } }).then(setShare, () => setShare(null));
  }, [signedIn, entryId, entry]);

  useShareAppMessage(() => {
    const { share: s, entry: e } = shareRef.current;
    if (s) return { title: s.title, path: s.path, imageUrl: s.imageUrl ? fileUrl(s.imageUrl) : undefined };
    // Not signed in: share the plain page (no sharer to attribute).
    return { title: e ? `${e.displayName}的${e.title}` : '晒出你家的传家年夜菜', path: pageUrl('entry', { id: entryId ?? '' }) };
  });

  const onVote = async () => {
    // once used, the button is spent for today even if the allowance view has not loaded
    if (!entry || voting || votedHere || votes?.votedEntryIdsToday.includes(entry.id)) return;
    setVoting(true);
    setVoteMessage(null);
    try {
      const member = await ensureLogin();
      if (!member) return; // sent to the privacy guide
      const res = await api.call(castVote, { params: { entryId: entry.id } });
      setEntry({ ...entry, voteCount: res.voteCount });
      setVotes((v) =>
        v
          ? {
              ...v,
              remainingToday: res.remainingToday,
              usedToday: res.votesPerDay - res.remainingToday,
              votedEntryIdsToday: [...new Set([...v.votedEntryIdsToday, entry.id])],
            }
          : v,
      );
      setVotedHere(true);
      setVoteMessage({ ok: true, text: `投票成功！今天还可以投 ${res.remainingToday} 票` });
      void refreshVotes();
    } catch (err) {
      // Limits are the server's call; show its words (DAILY_VOTE_LIMIT, ALREADY_VOTED_TODAY, OWN_ENTRY_VOTE…).
      setVoteMessage({ ok: false, text: errorMessage(err) });
      if (isApiError(err, 'ALREADY_VOTED_TODAY', 'OWN_ENTRY_VOTE')) setVotedHere(true);
      if (isApiError(err, 'DAILY_VOTE_LIMIT', 'ALREADY_VOTED_TODAY', 'VOTING_CLOSED')) void refreshVotes();
    } finally {
      setVoting(false);
    }
  };

  const ensureShare = async (): Promise<Share | null> => {
    if (share) return share;
    const member = await ensureLogin();
    if (!member || !entryId) return null;
    const s = await api.call(shareInfo, { params: { entryId } });
    setShare(s);
    return s;
  };

  const onPoster = async () => {
    if (posterLoading) return;
    setPosterLoading(true);
    try {
      if (await ensureShare()) setPosterOpen(true);
    } catch (err) {
      void Taro.showToast({ title: errorMessage(err), icon: 'none' });
    } finally {
      setPosterLoading(false);
    }
  };

  /** h5 preview only (the mini-program shares through the button's open-type). */
  const onCopyLink = async () => {
    try {
      const s = await ensureShare();
      if (!s) return;
      const link = `${window.location.origin}${window.location.pathname}#${s.path}`;
      await Taro.setClipboardData({ data: link });
      setVoteMessage({ ok: true, text: '链接已复制' });
    } catch (err) {
      void Taro.showToast({ title: errorMessage(err), icon: 'none' });
    }
  };

  if (!entryId || !entry) {
    return <PendingPage testId="page-contest-entry" missing={!entryId && '没有找到这个作品'} remote={remote} />;
  }

  const photoUrls = entry.photos.map((p) => fileUrl(p.url));
  const votedToday = votedHere || !!votes?.votedEntryIdsToday.includes(entry.id);

  return (
    <View className="page" data-testid="page-contest-entry">
      {entry.photos.length > 0 && (
        <View>
          <Image
            className="photo-main"
            src={fileUrl(entry.photos[0].url)}
            mode="aspectFill"
            data-testid="entry-photo-main"
            onClick={() => void Taro.previewImage({ urls: photoUrls, current: photoUrls[0] })}
          />
          {entry.photos.length > 1 && (
            <View className="photo-strip">
              {entry.photos.map((p, i) => (
                <Image
                  key={p.uploadId}
                  className="photo-thumb"
                  src={fileUrl(p.thumbUrl)}
                  mode="aspectFill"
                  data-testid="entry-photo-thumb"
                  onClick={() => void Taro.previewImage({ urls: photoUrls, current: photoUrls[i] })}
                />
              ))}
            </View>
          )}
        </View>
      )}

      <Text className="entry-title" data-testid="entry-title">
        {entry.title}
      </Text>
      <Text className="entry-author" data-testid="entry-author">
        {`${entry.displayName}家的拿手菜`}
      </Text>
      {entry.finalRank !== null && <Text className="muted">最终排名：第 {entry.finalRank} 名</Text>}
      {entry.awardLabel && (
        <View>
          <Text className="award-tag" data-testid="entry-award">
            {entry.awardLabel}
          </Text>
        </View>
      )}
      {entry.dishName && (
        <Text className="notice" data-testid="entry-dish">
          已上架年夜饭菜单：{entry.dishName}
        </Text>
      )}

      <View className="card vote-box" style={{ marginTop: '24px' }}>
        <Text className="vote-count" data-testid="entry-votes">
          {entry.voteCount}
        </Text>
        <Text className="muted">票</Text>
        {votingOpen ? (
          <>
            {/* No `loading` here: Taro h5's button inserts its spinner into the children React is
                re-rendering at the same moment (the insertBefore error); the label says it instead. */}
            <Button className="btn-primary" data-testid="entry-vote" disabled={voting || votedToday} onClick={voting || votedToday ? undefined : onVote}>
              <Text>{votedToday ? '今天已投过这道菜' : voting ? '正在投票…' : '投一票'}</Text>
            </Button>
            <Text className="vote-hint" data-testid="entry-votes-left">
              {votes
                ? `今天还可以投 ${votes.remainingToday} 票（每天 ${votes.votesPerDay} 票，同一作品每天 1 票）`
                : `每天可投 ${contest?.votesPerDay ?? ''} 票，同一作品每天 1 票`}
            </Text>
          </>
        ) : (
          <Text className="vote-hint" data-testid="entry-votes-closed">
            {contest?.phase === 'closed' || contest?.phase === 'counting' ? '投票已结束' : '投票尚未开始'}
          </Text>
        )}
        {voteMessage && (
          <Text className={voteMessage.ok ? 'vote-hint' : 'notice'} data-testid="entry-vote-message">
            {voteMessage.text}
          </Text>
        )}
      </View>

      <View className="card">
        <Text className="card-title">这道菜的故事</Text>
        <Text className="story" data-testid="entry-story">
          {entry.story}
        </Text>
      </View>

      <View className="card" data-testid="entry-ingredients">
        <Text className="card-title">食材</Text>
        {entry.ingredients.map((item, i) => (
          <Text key={i} className="list-item">
            · {item}
          </Text>
        ))}
      </View>

      <View className="card" data-testid="entry-steps">
        <Text className="card-title">做法</Text>
        {entry.steps.map((step, i) => (
          <Text key={i} className="list-item">
            {i + 1}. {step}
          </Text>
        ))}
      </View>

      <View className="action-bar">
        {process.env.TARO_ENV === 'weapp' ? (
          <Button className="btn-plain" openType="share" data-testid="entry-share">
            分享给好友
          </Button>
        ) : (
          <Button className="btn-plain" data-testid="entry-share" onClick={onCopyLink}>
            复制链接
          </Button>
        )}
        <Button className="btn-plain" data-testid="entry-poster" loading={posterLoading || undefined} onClick={onPoster}>
          生成海报
        </Button>
      </View>
      <Text className="muted">分享只是为了让邻居们看到好菜，与票数、奖励无关。</Text>

      <View className="link-row" onClick={() => void Taro.navigateTo({ url: pageUrl('home', { id: entry.contestId }) })}>
        <Text>{contest ? `查看「${contest.title}」全部作品` : '查看全部作品'}</Text>
        <Text className="chevron">›</Text>
      </View>

      {posterOpen && share && (
        <View className="mask" data-testid="entry-poster-view" onClick={() => setPosterOpen(false)}>
          <View className="poster" onClick={(e) => (e as { stopPropagation?: () => void }).stopPropagation?.()}>
            {entry.photos[0] && <Image className="poster-img" src={fileUrl(entry.photos[0].url)} mode="aspectFill" />}
            {share.posterLines.map((line, i) => (
              <Text key={i} className={`poster-line ${i === 0 ? 'poster-line-main' : ''}`}>
                {line}
              </Text>
            ))}
            <Image className="poster-code" src={fileUrl(share.wxacodeUrl)} showMenuByLongpress data-testid="entry-poster-code" />
            <Text className="muted" style={{ display: 'block' }}>
              {process.env.TARO_ENV === 'weapp' ? '长按图片可保存或识别小程序码' : '微信扫码查看这道菜'}
            </Text>
          </View>
          <Button className="btn-plain poster-close" data-testid="entry-poster-close" onClick={() => setPosterOpen(false)}>
            关闭
          </Button>
        </View>
      )}
    </View>
  );
}

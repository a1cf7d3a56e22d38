/**
 * Extras the contest pages need on top of the shared stand-ins (stubs/): page params through
 * Taro.getCurrentInstance, chooseImage/uploadFile, the page hooks, and Input/Textarea. Used from
 * the contest tests through jest.mock factories so the shared stubs stay untouched:
 *
 *   jest.mock('@tarojs/taro', () => require('./contestHelpers').mockTaroModule());
 *   jest.mock('@tarojs/components', () => require('./contestHelpers').mockComponentsModule());
 */
import type { ReactNode } from 'react';
import { FAIR_PLAY_TEXT } from '../../contracts/contest';

/** Query of the "current page"; tests replace its keys before rendering. */
export const routerParams: Record<string, string> = {};
/** Handlers registered with useShareAppMessage (the latest is what WeChat would call). */
export const shareHandlers: Array<() => { title: string; path: string; imageUrl?: string }> = [];
export const reachBottomHandlers: Array<() => void> = [];

export function mockTaroModule() {
  const actual = jest.requireActual('./stubs/taro');
  const Taro = actual.default;
  Object.assign(Taro, {
    getCurrentInstance: jest.fn(() => ({ router: { params: { ...routerParams } } })),
    chooseImage: jest.fn(async () => ({ tempFilePaths: [], tempFiles: [], errMsg: 'chooseImage:ok' })),
    uploadFile: jest.fn(async () => {
      throw new Error('uploadFile not faked');
    }),
    redirectTo: jest.fn(async () => ({ errMsg: 'redirectTo:ok' })),
    previewImage: jest.fn(async () => ({ errMsg: 'previewImage:ok' })),
  });
  return {
    __esModule: true,
    ...actual,
    default: Taro,
    useShareAppMessage: (fn: () => { title: string; path: string }) => {
      shareHandlers.push(fn);
    },
    useReachBottom: (fn: () => void) => {
      reachBottomHandlers.push(fn);
    },
  };
}

type Props = {
  children?: ReactNode;
  className?: string;
  value?: string;
  placeholder?: string;
  onInput?: (e: { detail: { value: string } }) => void;
  [key: string]: unknown;
};

function dataProps(props: Props) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith('data-') || k === 'className') out[k] = v;
  return out;
}

export function mockComponentsModule() {
  const actual = jest.requireActual('./stubs/components');
  return {
    __esModule: true,
    ...actual,
    Input: (props: Props) => (
      <input
        {...dataProps(props)}
        value={props.value ?? ''}
        placeholder={props.placeholder}
        onChange={(e) => props.onInput?.({ detail: { value: e.target.value } })}
      />
    ),
    Textarea: (props: Props) => (
      <textarea
        {...dataProps(props)}
        value={props.value ?? ''}
        placeholder={props.placeholder}
        onChange={(e) => props.onInput?.({ detail: { value: e.target.value } })}
      />
    ),
  };
}

export function resetContestMocks() {
  for (const k of Object.keys(routerParams)) delete routerParams[k];
  shareHandlers.length = 0;
  reachBottomHandlers.length = 0;
}

// ---------------------------------------------------------------------------------------------
// Sample data (shapes from contracts/contest.ts)

const T0 = '2026-12-01T02:00:00.000Z';

export function sampleContest(over: Record<string, unknown> = {}) {
  return {
    id: 5,
    title: '晒出你家的传家年夜菜',
    coverUrl: null,
    prizeText: '入选作品由大厨复刻，署名上架年夜饭菜单',
    submissionStartAt: '2026-12-01T00:00:00.000Z',
    submissionEndAt: '2026-12-20T15:59:00.000Z',
    voteStartAt: '2026-12-05T00:00:00.000Z',
    voteEndAt: '2026-12-25T15:59:00.000Z',
    votesPerDay: 3,
    phase: 'submitting_voting',
    phaseLabel: '征集与投票中',
    submissionOpen: true,
    votingOpen: true,
    entryCount: 12,
    closedAt: null,
    rulesText: '上传你家年夜菜的照片、做法和故事。',
    fairPlayText: FAIR_PLAY_TEXT,
    juryWeight: 0,
    winners: [],
    ...over,
  };
}

export function sampleCard(id: number, over: Record<string, unknown> = {}) {
  return {
    id,
    contestId: 5,
    title: `菜${id}`,
    displayName: `作者${id}`,
    coverThumbUrl: `/api/files/t${id}.jpg`,
    voteCount: 10 - id,
    createdAt: T0,
    award: null,
    awardLabel: null,
    finalRank: null,
    ...over,
  };
}

export function sampleEntry(id: number, over: Record<string, unknown> = {}) {
  return {
    ...sampleCard(id),
    title: '蛋饺',
    displayName: '王阿姨',
    story: '小时候外婆每年都做。',
    ingredients: ['鸡蛋 6个', '猪肉末 200克'],
    steps: ['肉末调味', '摊蛋皮包馅'],
    photos: [
      { uploadId: 31, url: '/api/files/a.jpg', thumbUrl: '/api/files/a_t.jpg', width: 800, height: 600 },
      { uploadId: 32, url: '/api/files/b.jpg', thumbUrl: '/api/files/b_t.jpg', width: 800, height: 600 },
    ],
    dishId: null,
    dishName: null,
    ...over,
  };
}

export function sampleMyEntry(id: number, over: Record<string, unknown> = {}) {
  return {
    ...sampleEntry(id),
    contestTitle: '晒出你家的传家年夜菜',
    status: 'pending',
    statusLabel: '审核中',
    rejectReason: null,
    canEdit: true,
    updatedAt: T0,
    ...over,
  };
}

export function sampleVotes(over: Record<string, unknown> = {}) {
  return { day: '2026-12-10', votesPerDay: 3, usedToday: 0, remainingToday: 3, votedEntryIdsToday: [], ...over };
}

/**
 * The one way modules send a WeChat subscribe message (POST /cgi-bin/message/subscribe/send): the
 * caller has written its send record and claimed it (at most once — WeChat's one accept is one
 * message), this makes the call and says how it ended. 43101 means the member had no accept left
 * for the template ('refused'); any other failure is 'failed' and is not retried (the message may
 * have gone out before the error).
 */
import { PlatformError, WECHAT_ERRCODE_SUBSCRIBE_REFUSED, type SubscribeMessage, type WechatClient } from './types';

export type SubscribeOutcome = { status: 'sent'; error: null } | { status: 'refused' | 'failed'; error: string };

/** thing.DATA values are at most 20 characters. */
export const subscribeThing = (s: string) => (s.length > 20 ? `${s.slice(0, 19)}…` : s);

/** Which mini-program version the message opens: the released one in production, the developer build elsewhere. */
export const miniprogramStateFor = (nodeEnv: string | undefined): SubscribeMessage['miniprogramState'] => (nodeEnv === 'production' ? 'formal' : 'developer');

export async function sendSubscribeOnce(wechat: WechatClient, msg: SubscribeMessage): Promise<SubscribeOutcome> {
  try {
    await wechat.sendSubscribeMessage(msg);
    return { status: 'sent', error: null };
  } catch (err) {
    if (err instanceof PlatformError && err.errcode === WECHAT_ERRCODE_SUBSCRIBE_REFUSED) return { status: 'refused', error: `${err.errcode} ${err.errmsg}` };
    return { status: 'failed', error: (err as Error).message };
  }
}

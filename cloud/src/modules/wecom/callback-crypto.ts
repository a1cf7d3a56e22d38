/**
 * The cryptographic half of the WeCom callback: msg_signature check (sha1 over the sorted token,
 * timestamp, nonce and ciphertext, compared in constant time), AES decryption with @wecom/crypto,
 * the corp id check, and a parser for WeCom's flat XML.
 */
import { timingSafeEqual } from 'crypto';
import { decrypt, getSignature } from '@wecom/crypto';

export interface CallbackSecrets {
  token: string;
  encodingAESKey: string;
  corpId: string;
}

export class CallbackRejected extends Error {
  constructor(readonly reason: 'signature' | 'corp' | 'decrypt' | 'format' | 'stale') {
    super(`callback rejected: ${reason}`);
    this.name = 'CallbackRejected';
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Fields of a flat <xml><Name><![CDATA[v]]></Name>…</xml> document (WeCom events have no nesting we need). */
export function parseFlatXml(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = /<xml>([\s\S]*)<\/xml>/.exec(xml);
  if (!body) throw new CallbackRejected('format');
  const re = /<([A-Za-z_][\w.-]*)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body[1]))) {
    if (!(m[1] in out)) out[m[1]] = m[2] !== undefined ? m[2] : (m[3] ?? '').trim();
  }
  return out;
}

/** Verify and decrypt one encrypted payload (POST <Encrypt> or GET echostr). */
export function openEnvelope(secrets: CallbackSecrets, q: { msg_signature?: string; timestamp?: string; nonce?: string }, cipher: string): string {
  if (!q.msg_signature || !q.timestamp || !q.nonce || !cipher) throw new CallbackRejected('format');
  const expected = getSignature(secrets.token, q.timestamp, q.nonce, cipher);
  if (!sameText(expected, q.msg_signature)) throw new CallbackRejected('signature');
  let opened: { message: string; id: string };
  try {
    opened = decrypt(secrets.encodingAESKey, cipher);
  } catch {
    throw new CallbackRejected('decrypt');
  }
  if (opened.id !== secrets.corpId) throw new CallbackRejected('corp');
  return opened.message;
}

/** Event fields of a POSTed callback body (the outer XML carries <Encrypt>). */
export function openCallback(secrets: CallbackSecrets, q: { msg_signature?: string; timestamp?: string; nonce?: string }, rawBody: string): Record<string, string> {
  const outer = parseFlatXml(rawBody);
  const plain = openEnvelope(secrets, q, outer.Encrypt ?? '');
  const fields = parseFlatXml(plain);
  if (fields.ToUserName && fields.ToUserName !== secrets.corpId) throw new CallbackRejected('corp');
  return fields;
}

/**
 * The natural key of an event: WeCom resends the identical event when it got no `success`, so
 * these fields are equal for a retry and differ between distinct events.
 */
export const DEDUPE_FIELDS = [
  'ToUserName',
  'FromUserName',
  'CreateTime',
  'MsgType',
  'Event',
  'ChangeType',
  'ExternalUserID',
  'UserID',
  'State',
  'WelcomeCode',
  'ChatId',
  'UpdateDetail',
  'Id',
  'TagType',
  'StrategyId',
  'FailReason',
] as const;

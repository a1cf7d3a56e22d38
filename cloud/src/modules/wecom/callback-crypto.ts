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

/**
 * Fields of a flat <xml><Name><![CDATA[v]]></Name>…</xml> document (WeCom events have no nesting we
 * need; a nested element's children are read as if flat). A single forward scan with indexOf: every
 * search starts where the last one ended and nothing backtracks, so the time is linear in the input
 * (a regular expression here let a crafted body hold the event loop for seconds). No entities, no
 * DTD: `&lt;` stays as written, which is what WeCom sends inside CDATA anyway.
 */
export function parseFlatXml(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  const start = xml.indexOf('<xml>');
  const end = xml.lastIndexOf('</xml>');
  if (start < 0 || end < start) throw new CallbackRejected('format');
  let pos = start + 5;
  while (pos < end) {
    const open = xml.indexOf('<', pos);
    if (open < 0 || open >= end) break;
    const close = xml.indexOf('>', open + 1);
    if (close < 0 || close > end) break;
    const name = xml.slice(open + 1, close);
    if (!/^[A-Za-z_][\w.-]{0,63}$/.test(name)) {
      pos = close + 1; // a closing tag, a declaration or junk: step over it
      continue;
    }
    let value: string;
    let after: number;
    if (xml.startsWith('<![CDATA[', close + 1)) {
      const cdataEnd = xml.indexOf(']]>', close + 10);
      if (cdataEnd < 0) throw new CallbackRejected('format');
      value = xml.slice(close + 10, cdataEnd);
      after = cdataEnd + 3;
    } else {
      const next = xml.indexOf('<', close + 1);
      if (next < 0) throw new CallbackRejected('format');
      value = xml.slice(close + 1, next).trim();
      after = next;
    }
    const closing = `</${name}>`;
    if (xml.startsWith(closing, after)) {
      if (!(name in out)) out[name] = value;
      pos = after + closing.length;
    } else {
      pos = close + 1; // a container element: read its children
    }
  }
  return out;
}

/**
 * The ciphertext of a POSTed body, found without parsing anything else: the signature is checked
 * over it before any other byte of the unauthenticated body is looked at.
 */
export function encryptedPart(xml: string): string {
  const open = xml.indexOf('<Encrypt>');
  if (open < 0) throw new CallbackRejected('format');
  let from = open + 9;
  let to: number;
  if (xml.startsWith('<![CDATA[', from)) {
    from += 9;
    to = xml.indexOf(']]>', from);
  } else {
    to = xml.indexOf('<', from);
  }
  if (to < 0) throw new CallbackRejected('format');
  const cipher = xml.slice(from, to).trim();
  if (!/^[A-Za-z0-9+/=]+$/.test(cipher)) throw new CallbackRejected('format');
  return cipher;
}

/** WeCom retries a callback for a few seconds only: a signed request older than this is a replay. */
export const CALLBACK_FRESHNESS_SECONDS = 5 * 60;

export function checkFreshness(timestamp: string | undefined, nowMs: number = Date.now()): void {
  const t = Number(timestamp);
  if (!timestamp || !Number.isFinite(t)) throw new CallbackRejected('format');
  if (Math.abs(nowMs / 1000 - t) > CALLBACK_FRESHNESS_SECONDS) throw new CallbackRejected('stale');
}

/** Verify and decrypt one encrypted payload (POST <Encrypt> or GET echostr). */
export function openEnvelope(secrets: CallbackSecrets, q: { msg_signature?: string; timestamp?: string; nonce?: string }, cipher: string): string {
  if (!q.msg_signature || !q.timestamp || !q.nonce || !cipher) throw new CallbackRejected('format');
  if (q.msg_signature.length > 64 || q.nonce.length > 64) throw new CallbackRejected('format');
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
export function openCallback(
  secrets: CallbackSecrets,
  q: { msg_signature?: string; timestamp?: string; nonce?: string },
  rawBody: string,
): Record<string, string> {
  // signature first (over the ciphertext only), then decrypt, then parse the authenticated plaintext
  const plain = openEnvelope(secrets, q, encryptedPart(rawBody));
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

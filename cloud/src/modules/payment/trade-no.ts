/** Part of payment's public face: WeChat Pay out_trade_no values for every module that takes money. */
import { randomInt } from 'crypto';
import { dayKey } from '../../../../contracts/calendar';

/**
 * An out_trade_no (6–32 letters and digits): the module's prefix, the Beijing date, the instant in
 * base 36 and `randomChars` random characters so two attempts in one millisecond still differ.
 */
export function newTradeNo(prefix: string, now: Date, randomChars: number): string {
  const ymd = dayKey(now).slice(2).replace(/-/g, '');
  return `${prefix}${ymd}${now.getTime().toString(36).toUpperCase().slice(-6)}${randomInt(0, 36 ** randomChars)
    .toString(36)
    .toUpperCase()
    .padStart(randomChars, '0')}`;
}

/**
 * Phone binding for members who signed in with wx.login only: the mini-program's
 * <button open-type="getPhoneNumber"> hands a one-time code, exchanged here with WeChat
 * (getuserphonenumber). The number is stored as identity stores phones (encrypted column + keyed
 * digest, phone.ts); the MemberPhoneBound event lets the ledger attach past till receipts that
 * carried that number. A number another active member already holds is refused, so a digest keeps
 * naming one member (the ledger matches only a digest that names exactly one).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Not } from 'typeorm';
import type { MyPhone } from '../../../../contracts/identity';
import { Db } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { maskPhone, normalizePhone } from '../../core/pii';
import { PlatformError, WECHAT_CLIENT, type WechatClient } from '../../platform/types';
import { Member } from './entities/member.entity';
import './events';
import { phoneColumns } from './phone';

@Provide()
@Scope(ScopeEnum.Singleton)
export class PhoneBindingService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject(WECHAT_CLIENT)
  wechat!: WechatClient;

  async mine(memberId: number): Promise<MyPhone> {
    const m = await this.active(memberId);
    return { bound: !!m.phoneDigest, phoneMasked: maskPhone(m.phone) };
  }

  async bind(memberId: number, code: string): Promise<MyPhone> {
    const member = await this.active(memberId);
    let raw: string;
    try {
      raw = (await this.wechat.getPhoneNumber(code, member.openid ?? undefined)).purePhoneNumber;
    } catch (err) {
      if (err instanceof PlatformError && (err.errcode === 40029 || err.errcode === 40003)) throw new AppError('PHONE_CODE_INVALID');
      throw new AppError('UPSTREAM_UNAVAILABLE');
    }
    const phone = normalizePhone(raw);
    if (!phone) throw new AppError('PHONE_NOT_SUPPORTED');
    const cols = phoneColumns(phone);
    await this.db.transaction(async (em) => {
      const other = await em.findOne(Member, { where: { phoneDigest: cols.phoneDigest!, status: 'active', id: Not(memberId) }, select: { id: true } });
      if (other) throw new AppError('PHONE_TAKEN');
      const same = (await em.findOne(Member, { where: { id: memberId }, select: { id: true, phoneDigest: true } }))?.phoneDigest === cols.phoneDigest;
      await em.update(Member, { id: memberId }, cols);
      if (!same) await this.events.emit(em, 'MemberPhoneBound', { memberId });
    });
    return { bound: true, phoneMasked: maskPhone(phone) };
  }

  private async active(memberId: number): Promise<Member> {
    const m = await this.db.manager.findOne(Member, { where: { id: memberId } });
    if (!m) throw new AppError('UNAUTHENTICATED');
    if (m.status !== 'active') throw new AppError('ACCOUNT_DELETED');
    return m;
  }
}

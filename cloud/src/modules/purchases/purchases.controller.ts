/** Thin HTTP layer for contracts/purchases.ts (imports are in imports.controller.ts). */
import { Controller, Inject } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import * as api from '../../../../contracts/purchases';
import type { RouteParsed as P } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { AppError } from '../../core/errors';
import { Route } from '../../core/route';
import { PurchasesService, storeScope } from './purchases.service';

@Controller('/')
export class PurchasesController {
  @Inject()
  purchases!: PurchasesService;

  // the signature is checked over the raw bytes before the (up to 8 MB) body is parsed
  @Route(api.posPushReceipts, { beforeInput: (ctx, c: PurchasesController) => c.verifyPush(ctx) })
  async posPushReceipts({ body }: P<typeof api.posPushReceipts>, _auth: AuthContext, ctx: Context) {
    const storeId = (ctx.state as { posStoreId?: number }).posStoreId;
    if (!storeId) throw new AppError('POS_SIGNATURE_INVALID');
    return this.purchases.push(storeId, body.receipts);
  }

  async verifyPush(ctx: Context): Promise<void> {
    const raw = (ctx.request as { rawBody?: string }).rawBody;
    if (typeof raw !== 'string') throw new AppError('POS_SIGNATURE_INVALID');
    (ctx.state as { posStoreId?: number }).posStoreId = (await this.purchases.verifyPos(ctx.headers, raw)).storeId;
  }

  @Route(api.purchaseStores)
  async purchaseStores(_: P<typeof api.purchaseStores>, auth: AuthContext) {
    const storeId = storeScope(auth.staff());
    const all = await this.purchases.identity.allStores();
    return { items: storeId ? all.filter((s) => s.id === storeId) : all };
  }

  @Route(api.memberCode)
  async memberCode(_: P<typeof api.memberCode>, auth: AuthContext) {
    return this.purchases.issueMemberCode(auth.member().memberId);
  }

  @Route(api.myPurchases)
  async myPurchases({ query }: P<typeof api.myPurchases>, auth: AuthContext) {
    return this.purchases.myPurchases(auth.member().memberId, query);
  }

  @Route(api.listReceipts)
  async listReceipts({ query }: P<typeof api.listReceipts>, auth: AuthContext) {
    return this.purchases.adminReceipts(auth.staff(), query);
  }

  @Route(api.matchReceipt)
  async matchReceipt({ params, body }: P<typeof api.matchReceipt>, auth: AuthContext) {
    return this.purchases.match(auth.staff(), params.receiptId, body.memberId);
  }

  @Route(api.listConflicts)
  async listConflicts({ query }: P<typeof api.listConflicts>, auth: AuthContext) {
    return this.purchases.conflicts(auth.staff(), query);
  }

  @Route(api.listPosKeys)
  async listPosKeys(_: P<typeof api.listPosKeys>, auth: AuthContext) {
    return this.purchases.listKeys(auth.staff());
  }

  @Route(api.createPosKey)
  async createPosKey({ body }: P<typeof api.createPosKey>, auth: AuthContext) {
    return this.purchases.createKey(auth.staff(), body);
  }

  @Route(api.revokePosKey)
  async revokePosKey({ params }: P<typeof api.revokePosKey>, auth: AuthContext) {
    return this.purchases.revokeKey(auth.staff(), params.id);
  }

  @Route(api.listNewArrivals)
  async listNewArrivals(_: P<typeof api.listNewArrivals>, auth: AuthContext) {
    return this.purchases.listArrivals(auth.staff());
  }

  @Route(api.createNewArrival)
  async createNewArrival({ body }: P<typeof api.createNewArrival>, auth: AuthContext) {
    return this.purchases.createArrival(auth.staff(), body);
  }

  @Route(api.deleteNewArrival)
  async deleteNewArrival({ params }: P<typeof api.deleteNewArrival>, auth: AuthContext) {
    return this.purchases.deleteArrival(auth.staff(), params.id);
  }

  /** A clerk redeems a coupon against a receipt already in the ledger (the till did not carry the code). */
  @Route(api.verifyCoupon)
  async verifyCoupon({ body }: P<typeof api.verifyCoupon>, auth: AuthContext) {
    return this.purchases.redeemAtTill(auth.staff(), body);
  }
}

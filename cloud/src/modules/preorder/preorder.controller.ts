/** Thin HTTP layer for contracts/preorder.ts (members, ops, staff pickup, payment reconciliation). */
import { Controller, Inject } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import * as api from '../../../../contracts/preorder';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { iso } from '../../core/db';
import { Route } from '../../core/route';
import { PaymentService } from '../payment';
import { CampaignService } from './campaign.service';
import { NoShowService } from './noshow.service';
import { OrderService } from './order.service';

type P<R> = RouteParsed<R>;

@Controller('/')
export class PreorderController {
  @Inject()
  campaigns!: CampaignService;

  @Inject()
  orders!: OrderService;

  @Inject()
  payments!: PaymentService;

  @Inject()
  noShows!: NoShowService;

  @Route(api.opsNoShows)
  async opsNoShows({ query }: P<typeof api.opsNoShows>, auth: AuthContext) {
    return { items: await this.noShows.list(auth.staff(), query) };
  }

  @Route(api.opsRemindNoShow)
  async opsRemindNoShow({ params }: P<typeof api.opsRemindNoShow>, auth: AuthContext) {
    return this.noShows.remind(auth.staff(), params.orderId);
  }

  // ---- members
  @Route(api.getMenu)
  async getMenu({ query }: P<typeof api.getMenu>, auth: AuthContext) {
    return this.campaigns.menu(auth.member().memberId, query.campaignId);
  }

  @Route(api.listSlots)
  async listSlots({ params, query }: P<typeof api.listSlots>, auth: AuthContext) {
    auth.member();
    return this.campaigns.openSlots(params.campaignId, query.storeId);
  }

  @Route(api.placeOrder)
  async placeOrder({ body }: P<typeof api.placeOrder>, auth: AuthContext) {
    return this.orders.place(auth.member().memberId, body);
  }

  @Route(api.payOrder)
  async payOrder({ params }: P<typeof api.payOrder>, auth: AuthContext) {
    return this.orders.pay(auth.member().memberId, params.orderId);
  }

  @Route(api.myOrders)
  async myOrders({ query }: P<typeof api.myOrders>, auth: AuthContext) {
    return this.orders.listMine(auth.member().memberId, query.page, query.pageSize);
  }

  @Route(api.myNextPickup)
  async myNextPickup(_: P<typeof api.myNextPickup>, auth: AuthContext) {
    return { order: await this.orders.nextPickup(auth.member().memberId) };
  }

  @Route(api.getMyOrder)
  async getMyOrder({ params }: P<typeof api.getMyOrder>, auth: AuthContext) {
    return this.orders.getMine(auth.member().memberId, params.orderId);
  }

  @Route(api.cancelOrder)
  async cancelOrder({ params }: P<typeof api.cancelOrder>, auth: AuthContext) {
    return this.orders.cancel(auth.member().memberId, params.orderId);
  }

  // ---- ops
  @Route(api.opsListCampaigns)
  async opsListCampaigns(_: P<typeof api.opsListCampaigns>, auth: AuthContext) {
    return this.campaigns.list(auth.staff());
  }

  @Route(api.opsCreateCampaign)
  async opsCreateCampaign({ body }: P<typeof api.opsCreateCampaign>) {
    return this.campaigns.create(body);
  }

  @Route(api.opsCampaignDetail)
  async opsCampaignDetail({ params }: P<typeof api.opsCampaignDetail>, auth: AuthContext) {
    return this.campaigns.detail(auth.staff(), params.campaignId);
  }

  @Route(api.opsAddItem)
  async opsAddItem({ params, body }: P<typeof api.opsAddItem>) {
    return this.campaigns.addItem(params.campaignId, body);
  }

  @Route(api.opsUpdateItem)
  async opsUpdateItem({ params, body }: P<typeof api.opsUpdateItem>) {
    return this.campaigns.updateItem(params.itemId, body);
  }

  @Route(api.opsAddSlots)
  async opsAddSlots({ params, body }: P<typeof api.opsAddSlots>, auth: AuthContext) {
    return this.campaigns.addSlots(auth.staff(), params.campaignId, body);
  }

  @Route(api.opsListOrders)
  async opsListOrders({ query }: P<typeof api.opsListOrders>, auth: AuthContext) {
    return this.campaigns.listOrders(auth.staff(), query);
  }

  @Route(api.opsExportOrders)
  async opsExportOrders({ query }: P<typeof api.opsExportOrders>, auth: AuthContext, ctx: Context) {
    const body = await this.campaigns.exportOrders(auth.staff(), query);
    ctx.set('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    ctx.set('content-disposition', `attachment; filename="preorders.xlsx"; filename*=UTF-8''${encodeURIComponent('预订订单.xlsx')}`);
    return body;
  }

  @Route(api.opsPrepSheet)
  async opsPrepSheet({ query }: P<typeof api.opsPrepSheet>, auth: AuthContext) {
    return this.campaigns.prepSheet(auth.staff(), query.campaignId, query.storeId, query.day);
  }

  // ---- staff (ops page and sidebar)
  @Route(api.staffFindPickup)
  async staffFindPickup({ params }: P<typeof api.staffFindPickup>, auth: AuthContext) {
    return this.orders.findForPickup(auth.staff(), params.code);
  }

  @Route(api.staffVerifyPickup)
  async staffVerifyPickup({ body }: P<typeof api.staffVerifyPickup>, auth: AuthContext) {
    return this.orders.verifyPickup(auth.staff(), body.code);
  }

  // ---- payment reconciliation
  @Route(api.opsReconcileBill)
  async opsReconcileBill({ body }: P<typeof api.opsReconcileBill>) {
    return this.payments.reconcileBill(body.billDate);
  }

  @Route(api.opsBillDiffs)
  async opsBillDiffs({ query }: P<typeof api.opsBillDiffs>) {
    const rows = await this.payments.billDiffs(query.billDate);
    return {
      items: rows.map((d) => ({
        billDate: d.billDate,
        outTradeNo: d.outTradeNo,
        kind: d.kind,
        oursFen: d.oursFen,
        billFen: d.billFen,
        foundAt: iso(d.foundAt),
      })),
    };
  }
}

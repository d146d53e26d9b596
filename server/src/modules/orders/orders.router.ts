import { byIdInput, orderCancelInput, orderListInput, sellerOrderListInput, sellerOrderUpdateStatusInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure, shopProcedure } from "../../trpc/init.ts";
import * as orders from "./orders.service.ts";
import * as sellerOrders from "./seller-orders.service.ts";

export const orderRouter = {
  list: authedProcedure.input(orderListInput).query(({ ctx, input }) => orders.listBuyerOrders(ctx, input)),
  get: authedProcedure.input(byIdInput).query(({ ctx, input }) => orders.getBuyerOrder(ctx, input.id)),
  cancel: authedProcedure.input(orderCancelInput).mutation(({ ctx, input }) => orders.cancelBuyerOrder(ctx, input)),
} satisfies TRPCRouterRecord;

/** A shop's orders: its members may fulfil them even while the shop is suspended (buyers paid). */
export const sellerOrderRouter = {
  list: shopProcedure("orders.read").input(sellerOrderListInput).query(({ ctx, input }) => sellerOrders.listSellerOrders(ctx, input)),
  get: shopProcedure("orders.read").input(byIdInput).query(({ ctx, input }) => sellerOrders.getSellerOrder(ctx, input.id)),
  updateStatus: shopProcedure("orders.fulfil").input(sellerOrderUpdateStatusInput).mutation(({ ctx, input }) => sellerOrders.updateSellerOrderStatus(ctx, input)),
  cancel: shopProcedure("orders.cancel").input(byIdInput).mutation(({ ctx, input }) => sellerOrders.cancelSellerOrder(ctx, input.id)),
  summary: shopProcedure("money.read").query(({ ctx }) => sellerOrders.sellerSummary(ctx)),
} satisfies TRPCRouterRecord;

import { placeOrderInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure } from "../../trpc/init.ts";
import { lastAddress, placeOrder } from "./checkout.service.ts";

export const checkoutRouter = {
  lastAddress: authedProcedure.query(({ ctx }) => lastAddress(ctx)),
  placeOrder: authedProcedure.input(placeOrderInput).mutation(({ ctx, input }) => placeOrder(ctx, input)),
} satisfies TRPCRouterRecord;

import { placeOrderInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure } from "../../trpc/init.ts";
import { placeOrder } from "./checkout.service.ts";

export const checkoutRouter = {
  placeOrder: authedProcedure.input(placeOrderInput).mutation(({ ctx, input }) => placeOrder(ctx, input)),
} satisfies TRPCRouterRecord;

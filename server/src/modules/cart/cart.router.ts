import { cartAddInput, cartMergeInput, cartRemoveInput, cartUpdateInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure } from "../../trpc/init.ts";
import * as cart from "./cart.service.ts";

export const cartRouter = {
  get: authedProcedure.query(({ ctx }) => cart.getCart(ctx)),
  add: authedProcedure.input(cartAddInput).mutation(({ ctx, input }) => cart.addToCart(ctx, input)),
  update: authedProcedure.input(cartUpdateInput).mutation(({ ctx, input }) => cart.updateCartLine(ctx, input)),
  remove: authedProcedure.input(cartRemoveInput).mutation(({ ctx, input }) => cart.removeCartLine(ctx, input.variantId)),
  clear: authedProcedure.mutation(({ ctx }) => cart.clearCart(ctx)),
  merge: authedProcedure.input(cartMergeInput).mutation(({ ctx, input }) => cart.mergeCart(ctx, input)),
} satisfies TRPCRouterRecord;

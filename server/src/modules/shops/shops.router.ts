import { shopBySlugInput, shopCreateInput, shopUpdateInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure, publicProcedure, shopOwnerProcedure } from "../../trpc/init.ts";
import * as shops from "./shops.service.ts";

export const shopRouter = {
  create: authedProcedure.input(shopCreateInput).mutation(({ ctx, input }) => shops.createShop(ctx, input)),
  mine: authedProcedure.query(({ ctx }) => shops.myShop(ctx)),
  update: shopOwnerProcedure.input(shopUpdateInput).mutation(({ ctx, input }) => shops.updateShop(ctx, input)),
  bySlug: publicProcedure.input(shopBySlugInput).query(({ ctx, input }) => shops.shopBySlug(ctx, input.slug)),
} satisfies TRPCRouterRecord;

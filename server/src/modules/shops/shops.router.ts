import { shopBySlugInput, shopCreateInput, shopUpdateInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure, publicProcedure, shopProcedure } from "../../trpc/init.ts";
import * as shops from "./shops.service.ts";
import { teamRouter } from "../teams/team.router.ts";
import { myShops } from "../teams/team.service.ts";

export const shopRouter = {
  create: authedProcedure.input(shopCreateInput).mutation(({ ctx, input }) => shops.createShop(ctx, input)),
  /** The shop the request names (x-shop-id) or the caller's only one, with their role in it; null without one. */
  mine: authedProcedure.query(({ ctx }) => shops.myShop(ctx, ctx.requestedShopId)),
  /** Every shop the caller works in: the seller area's shop switcher. */
  memberships: authedProcedure.query(({ ctx }) => myShops(ctx)),
  update: shopProcedure("shop.update").input(shopUpdateInput).mutation(({ ctx, input }) => shops.updateShop(ctx, input)),
  bySlug: publicProcedure.input(shopBySlugInput).query(({ ctx, input }) => shops.shopBySlug(ctx, input.slug)),
  team: teamRouter,
} satisfies TRPCRouterRecord;

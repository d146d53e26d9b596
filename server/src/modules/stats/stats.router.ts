import { statsInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { shopOwnerProcedure } from "../../trpc/init.ts";
import { sellerStats } from "./seller-stats.service.ts";

/** The seller's dashboard: its owner's own shop only (also while suspended: its orders still count). */
export const sellerRouter = {
  stats: shopOwnerProcedure.input(statsInput).query(({ ctx, input }) => sellerStats(ctx, input)),
} satisfies TRPCRouterRecord;

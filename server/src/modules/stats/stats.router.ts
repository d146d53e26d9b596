import { statsInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { shopProcedure } from "../../trpc/init.ts";
import { sellerStats } from "./seller-stats.service.ts";

/** The seller's dashboard: the chosen shop's only, for roles that see money (also while suspended: its orders still count). */
export const sellerRouter = {
  stats: shopProcedure("money.read").input(statsInput).query(({ ctx, input }) => sellerStats(ctx, input)),
} satisfies TRPCRouterRecord;

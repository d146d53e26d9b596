import { catalogNewestInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../../trpc/init.ts";
import * as catalog from "./catalog.service.ts";

export const catalogRouter = {
  newest: publicProcedure.input(catalogNewestInput).query(({ ctx, input }) => catalog.newest(ctx, input)),
} satisfies TRPCRouterRecord;

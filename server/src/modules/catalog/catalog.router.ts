import { catalogNewestInput, catalogProductInput, catalogSearchInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../../trpc/init.ts";
import { search } from "./catalog-search.service.ts";
import * as catalog from "./catalog.service.ts";

/** The public catalog: anyone may browse, search and read listed products. */
export const catalogRouter = {
  newest: publicProcedure.input(catalogNewestInput).query(({ ctx, input }) => catalog.newest(ctx, input)),
  search: publicProcedure.input(catalogSearchInput).query(({ ctx, input }) => search(ctx, input)),
  product: publicProcedure.input(catalogProductInput).query(({ ctx, input }) => catalog.product(ctx, input)),
  categories: publicProcedure.query(({ ctx }) => catalog.categories(ctx)),
} satisfies TRPCRouterRecord;
